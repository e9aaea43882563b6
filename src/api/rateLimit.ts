import type { LedgerStore } from '../ledger/store.js';

/**
 * Fixed one-minute windows per caller, counted in Redis so every API process shares them.
 * The key is `<prefix>:rl:<caller>:<minute>`; it is built here rather than in
 * src/ledger/keys.ts, and this is the only place that builds it.
 */
export function rateLimitKey(prefix: string, caller: string, minute: number): string {
  return `${prefix}:rl:${caller}:${minute}`;
}

/** The rate-limit identity of a request: its API key's name, else its address. */
export function callerOf(principalName: string | null, ip: string): string {
  return principalName !== null ? `key:${principalName}` : `ip:${ip}`;
}

export interface RateVerdict {
  allowed: boolean;
  /** Seconds until the window ends (when not allowed). */
  retryAfterSec: number;
}

const WINDOW_MS = 60_000;

export function createRateLimiter(store: LedgerStore, perMinute: number, now: () => number = Date.now) {
  return async function check(caller: string): Promise<RateVerdict> {
    const t = now();
    const minute = Math.floor(t / WINDOW_MS);
    const key = rateLimitKey(store.keys.prefix, caller, minute);
    // One round trip, no transaction: a counter left without its expiry by a crash in between
    // gets it from the next request (NX: set only while it has none). Two commands issued in one
    // tick rather than a pipeline, so auto-pipelining sends the counts of all requests of an
    // event-loop turn in one socket write.
    const [count] = await Promise.all([
      store.redis.incr(key),
      store.redis.expire(key, 2 * (WINDOW_MS / 1000), 'NX'),
    ]);
    const retryAfterSec = Math.max(1, Math.ceil(((minute + 1) * WINDOW_MS - t) / 1000));
    return { allowed: count <= perMinute, retryAfterSec };
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
