/**
 * Switchable misbehaviour for the simulators, so tests can drive every path a real system can
 * take. Each simulator maps a mode to its own protocol (an `envelopeBusy` is RetCode 9001 on the
 * budget platform and code 50001 on OA). Rules are consumed in order; `times` bounds them.
 */
export const FAULT_MODES = [
  'http429', // 429 with Retry-After (retryAfterSec)
  'http500', // 500 with an HTML body
  'http503', // 503 with Retry-After
  'reset', // destroy the socket without answering
  'slow', // answer correctly after delayMs
  'stall', // send headers and half the body, then hang until the client gives up
  'truncated', // send a syntactically cut-off body with status 200
  'malformed', // a page with one malformed record among good ones (record-level, not page-level)
  'envelopeBusy', // HTTP 200 with the protocol's "system busy" envelope
  'authExpired', // the protocol's "token expired" answer (oa 40001); others: 401
  'authFail', // credentials rejected
  'badEncoding', // (budget) declare GBK but send bytes that are not valid GBK / lie about encoding
  'tooLarge', // a response far larger than any page (bytes: sizeBytes)
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultRule {
  mode: FaultMode;
  /** How many requests it hits; default 1. Use Infinity for "until cleared". */
  times?: number;
  /** Only requests whose path starts with this (after the system prefix is included). */
  pathPrefix?: string;
  retryAfterSec?: number;
  delayMs?: number;
  sizeBytes?: number;
  /** Let this many matching requests through first (a fault in the middle of a run). */
  after?: number;
}

export class FaultInjector {
  private rules: Array<FaultRule & { left: number; skip: number }> = [];
  /** The full path (system prefix included) of every request, in order, for tests that assert calls. */
  readonly seen: string[] = [];

  add(...rules: FaultRule[]): this {
    for (const r of rules) this.rules.push({ ...r, left: r.times ?? 1, skip: r.after ?? 0 });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this request, if any; consumes one use of it. */
  next(path: string): FaultRule | undefined {
    this.seen.push(path);
    const i = this.rules.findIndex((r) => r.left > 0 && (!r.pathPrefix || path.startsWith(r.pathPrefix)));
    if (i < 0) return undefined;
    const r = this.rules[i]!;
    if (r.skip > 0) {
      r.skip -= 1;
      return undefined;
    }
    r.left -= 1;
    if (r.left <= 0) this.rules.splice(i, 1);
    return r;
  }

  /** Rules not used up yet. */
  pending(): number {
    return this.rules.reduce((n, r) => n + (Number.isFinite(r.left) ? r.left : 1), 0);
  }
}
