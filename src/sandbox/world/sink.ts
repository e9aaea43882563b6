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
import { flatten } from './flat.js';

/** Owner value of a valid record that must stay unlinked. */
export const UNLINKED = -1;
/** Owner value of a record the hub must quarantine. */
export const INVALID = -2;

/**
 * One system's records in emission order, with index-aligned owners, arrival times and
 * tie-breakers. Parallel arrays rather than an object per record: a large world has millions
 * of records, and a wrapper object each (plus a boxed time) was a sixth of the generator's heap.
 */
export class Log<T> {
  recs: T[] = [];
  owners: number[] = [];
  times: number[] = [];
  ties: string[] = [];

  push(rec: T, owner: number, t: number, tie: string): void {
    this.recs.push(rec);
    this.owners.push(owner);
    this.times.push(t);
    this.ties.push(tie);
  }

  /** Reorders all columns by a stable sort of the positions with `compare`. */
  sort(compare: (a: number, b: number) => number): void {
    const order = new Array<number>(this.recs.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort(compare);
    this.recs = order.map((i) => this.recs[i]!);
    this.owners = order.map((i) => this.owners[i]!);
    this.times = order.map((i) => this.times[i]!);
    this.ties = order.map((i) => this.ties[i]!);
  }
}

export type Owners = { [K in keyof SystemData]: number[] };

type Logs = { [K in keyof SystemData]: Log<SystemData[K][number]> };

export class Sink {
  readonly items: Logs = {
    budget: new Log(),
    oa: new Log(),
    asset: new Log(),
    benefit: new Log(),
    smartcity: new Log(),
    trading: new Log(),
  };
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
    flatten(rec);
    this.items.budget.push(rec, owner, t, '');
  }
  oa(rec: OaDocument, owner: number, t: number): void {
    flatten(rec);
    this.items.oa.push(rec, owner, t, rec.docId);
  }
  asset(rec: AssetCard, owner: number): void {
    flatten(rec);
    this.items.asset.push(rec, owner, rec.updatedAt, rec.assetCode);
  }
  benefit(rec: Disbursement, owner: number, t: number): void {
    flatten(rec);
    this.items.benefit.push(rec, owner, t, rec.applicationId);
  }
  /** `t` is the arrival at the platform (event time + upload delay): the log order. */
  smartcity(rec: SmartcityEvent, owner: number, t: number): void {
    flatten(rec);
    this.items.smartcity.push(rec, owner, t, rec.eventId);
  }
  trading(rec: TradingNotice, owner: number, t: number): void {
    flatten(rec);
    this.items.trading.push(rec, owner, t, `${rec.type}|${rec.id}`);
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

/** Sorts a log by time, ties by tie-breaker (stable), and hands out its data and owners. */
export function finish<T>(log: Log<T>, sort = true): { data: T[]; owners: number[] } {
  if (sort) {
    const { times, ties } = log;
    log.sort((a, b) => times[a]! - times[b]! || (ties[a]! < ties[b]! ? -1 : ties[a]! > ties[b]! ? 1 : 0));
  }
  return { data: log.recs, owners: log.owners };
}
