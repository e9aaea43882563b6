/**
 * Where emitters put records: per system, each record with the projectKey index it must end
 * linked to (`owner`), its arrival-order time and a tie-breaker. `finish` sorts them into the
 * order each system serves and keeps the owners index-aligned with the data.
 */
import type {
  AssetCard,
  BudgetLogEntry,
  Disbursement,
  ExpectedLink,
  OaDocument,
  SmartcityEvent,
  SystemData,
  TradingNotice,
} from './types.js';
import { sec } from './clock.js';

/** Owner value of a valid record that must stay unlinked. */
export const UNLINKED = -1;
/** Owner value of a record the hub must quarantine. */
export const INVALID = -2;

export interface Item<T> {
  rec: T;
  owner: number;
  t: number;
  tie: string;
}

export type Owners = { [K in keyof SystemData]: number[] };

type Items = { [K in keyof SystemData]: Item<SystemData[K][number]>[] };

export class Sink {
  readonly items: Items = { budget: [], oa: [], asset: [], benefit: [], smartcity: [], trading: [] };
  readonly links: ExpectedLink[] = [];
  private readonly linkCounts = new Map<string, number>();
  private readonly counters = new Map<string, number>();

  constructor(
    readonly now: number,
    private readonly linkQuota: number,
  ) {}

  /** A time strictly before `now`, whole seconds. */
  stamp(ms: number): number {
    return Math.min(sec(ms), this.now - 60_000);
  }

  /** Next serial under `key` (document numbers, voucher numbers …), from `start`. */
  next(key: string, start = 1): number {
    const v = (this.counters.get(key) ?? start - 1) + 1;
    this.counters.set(key, v);
    return v;
  }

  budget(rec: BudgetLogEntry, owner: number, t: number): void {
    this.items.budget.push({ rec, owner, t, tie: '' });
  }
  oa(rec: OaDocument, owner: number, t: number): void {
    this.items.oa.push({ rec, owner, t, tie: rec.docId });
  }
  asset(rec: AssetCard, owner: number): void {
    this.items.asset.push({ rec, owner, t: rec.updatedAt, tie: rec.assetCode });
  }
  benefit(rec: Disbursement, owner: number, t: number): void {
    this.items.benefit.push({ rec, owner, t, tie: rec.applicationId });
  }
  /** `t` is the arrival at the platform (event time + upload delay): the log order. */
  smartcity(rec: SmartcityEvent, owner: number, t: number): void {
    this.items.smartcity.push({ rec, owner, t, tie: rec.eventId });
  }
  trading(rec: TradingNotice, owner: number, t: number): void {
    this.items.trading.push({ rec, owner, t, tie: `${rec.type}|${rec.id}` });
  }

  /**
   * Records a planted linking expectation. Abundant cases stop at the quota; `always` ones
   * (each planted on purpose) are all kept.
   */
  link(
    kase: ExpectedLink['case'],
    record: ExpectedLink['record'],
    projectKey: string | null,
    reason?: ExpectedLink['reason'],
    always = false,
  ): void {
    const seen = this.linkCounts.get(kase) ?? 0;
    if (!always && seen >= this.linkQuota) return;
    this.linkCounts.set(kase, seen + 1);
    this.links.push(reason ? { case: kase, record, projectKey, reason } : { case: kase, record, projectKey });
  }

  linkCount(kase: ExpectedLink['case']): number {
    return this.linkCounts.get(kase) ?? 0;
  }
}

function byTime<T>(a: Item<T>, b: Item<T>): number {
  return a.t - b.t || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0);
}

/** Sorts items (stable) and splits them into data and index-aligned owners. */
export function finish<T>(items: Item<T>[], sort = true): { data: T[]; owners: number[] } {
  if (sort) items.sort(byTime);
  const data = new Array<T>(items.length);
  const owners = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    data[i] = items[i]!.rec;
    owners[i] = items[i]!.owner;
  }
  return { data, owners };
}
