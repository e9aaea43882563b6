/**
 * The platform's current disbursements, upserted by applicationId, with the listing order
 * (updatedAt, then applicationId) rebuilt lazily after changes and searched by binary search on
 * the instant (second resolution).
 */
import type { Disbursement } from '../world/types.js';

interface Keyed {
  /** updatedAt in epoch seconds (the platform compares at second resolution). */
  at: number;
  row: Disbursement;
}

function seconds(updatedAt: string): number {
  const ms = Date.parse(updatedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : Math.floor(ms / 1000);
}

function byUpdate(a: Keyed, b: Keyed): number {
  if (a.at !== b.at) return a.at - b.at;
  const x = a.row.applicationId;
  const y = b.row.applicationId;
  return x < y ? -1 : x > y ? 1 : 0;
}

export class DisbursementStore {
  /** The records in first-seen order; a change replaces its record in place. */
  readonly all: Disbursement[] = [];
  private readonly at = new Map<string, number>();
  private ordered: Keyed[] | undefined;

  constructor(rows: readonly Disbursement[]) {
    this.upsert(rows);
  }

  upsert(rows: readonly Disbursement[]): void {
    for (const r of rows) {
      const i = this.at.get(r.applicationId);
      if (i === undefined) {
        this.at.set(r.applicationId, this.all.length);
        this.all.push(r);
      } else {
        this.all[i] = r;
      }
    }
    if (rows.length > 0) this.ordered = undefined;
  }

  /** Rows with `updatedAt >= fromSec` in listing order: `total` of them, `limit` from `offset`. */
  query(fromSec: number | undefined, offset: number, limit: number): { total: number; rows: Disbursement[] } {
    const ordered = (this.ordered ??= this.all
      .map((row) => ({ at: seconds(row.updatedAt), row }))
      .sort(byUpdate));
    let lo = 0;
    if (fromSec !== undefined) {
      let hi = ordered.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ordered[mid]!.at < fromSec) lo = mid + 1;
        else hi = mid;
      }
    }
    const first = lo + offset;
    const rows = ordered.slice(first, Math.min(first + limit, ordered.length)).map((k) => k.row);
    return { total: ordered.length - lo, rows };
  }
}
