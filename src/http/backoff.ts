/** Exponential backoff with full jitter, honouring a peer's Retry-After when it gives one. */
export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterSec?: number,
  rand = Math.random,
) {
  if (retryAfterSec !== undefined && Number.isFinite(retryAfterSec) && retryAfterSec >= 0) {
    return Math.min(retryAfterSec * 1000, policy.maxMs * 4);
  }
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  // Full jitter spreads retries of many workers over the window instead of synchronizing them.
  return Math.round(cap / 2 + (rand() * cap) / 2);
}

/** Parses Retry-After given as delta-seconds or an HTTP date. */
export function parseRetryAfter(v: unknown, now = Date.now()): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  if (/^\d+$/.test(s)) return Number(s);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
