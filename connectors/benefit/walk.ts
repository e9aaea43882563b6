import { epochMsToBeijing, isoToEpochMs } from '../../src/model/time.js';
import type { BenefitState } from './spec.js';

/** `updatedAt` of a raw row in epoch ms when it is well formed, else null (normalize quarantines it). */
export function updatedAtMs(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = (raw as { updatedAt?: unknown }).updatedAt;
  if (typeof v !== 'string') return null;
  try {
    return isoToEpochMs(v);
  } catch {
    return null;
  }
}

function idOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const v = (raw as { applicationId?: unknown }).applicationId;
  return typeof v === 'string' ? v : null;
}

/** Epoch ms → `2024-05-01T00:00:00+08:00`, the form the platform writes `updatedAt` in. */
export function beijingIso(ms: number): string {
  return `${epochMsToBeijing(ms).replace(' ', 'T')}+08:00`;
}

/**
 * Where the next request of a run starts (benefit.md §1 recommends it): offsets shift when rows
 * change, so after every page the query is re-anchored at the page's last `updatedAt` with offset
 * 0 — rows of that second come again and are deduped downstream. Only when a whole page shares
 * the anchor's second (more than `limit` rows in one second) would that repeat the same page
 * forever; then the offset goes on within that second.
 *
 * Offsets inside such a second can still skip a row if one of the rows already read is modified
 * meanwhile (it moves to the end, the rest move up). That row comes again later in the run with
 * a newer `updatedAt`; the cursor is then held at that second so the next run reads it again.
 */
export class AnchoredWalk {
  anchor: number | null;
  offset = 0;
  private max: number | null;
  private holdBack: number | null = null;
  /** Rows of seconds paged by offset, with that second: the only places a skip can happen. */
  private readonly tied = new Map<string, number>();

  constructor(from: number | null) {
    this.anchor = from;
    this.max = from;
  }

  /** Takes one page in and moves the anchor/offset for the next request. */
  afterPage(rows: readonly unknown[]): void {
    for (const row of rows) {
      const t = updatedAtMs(row);
      if (t === null) continue;
      if (this.max === null || t > this.max) this.max = t;
      const id = idOf(row);
      const tiedAt = id === null ? undefined : this.tied.get(id);
      if (tiedAt !== undefined && tiedAt !== t && (this.holdBack === null || tiedAt < this.holdBack)) {
        this.holdBack = tiedAt;
      }
    }
    const last = rows.length > 0 ? updatedAtMs(rows[rows.length - 1]) : null;
    if (last !== null && (this.anchor === null || last > this.anchor)) {
      this.anchor = last;
      this.offset = 0;
      return;
    }
    // The whole page is one second (or unreadable): go on by offset within it.
    if (this.anchor !== null) {
      for (const row of rows) {
        const id = idOf(row);
        if (id !== null && updatedAtMs(row) === this.anchor) this.tied.set(id, this.anchor);
      }
    }
    this.offset += rows.length;
  }

  state(): BenefitState {
    const at =
      this.holdBack !== null && (this.max === null || this.holdBack < this.max) ? this.holdBack : this.max;
    return { updatedFrom: at === null ? null : beijingIso(at) };
  }
}
