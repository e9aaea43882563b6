import { backoffDelay, sleep } from '../http/backoff.js';
import { postBatch } from './post.js';
import type { WebhookSubscriber } from './spec.js';

export type SendResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/**
 * POSTs one batch until a 2xx or `maxAttempts` tries, waiting with exponential backoff and full
 * jitter between them (a Retry-After answer is honoured). Each attempt is signed afresh, so its
 * timestamp is current. Throws only when `signal` aborts.
 */
export async function sendWithRetry(
  sub: Pick<WebhookSubscriber, 'url' | 'secret' | 'timeoutMs' | 'maxAttempts' | 'backoff'>,
  body: string,
  signal: AbortSignal,
  onFailedAttempt?: (attempt: number, error: string) => void,
): Promise<SendResult> {
  const policy = { attempts: sub.maxAttempts, baseMs: sub.backoff.baseMs, maxMs: sub.backoff.maxMs };
  let error = '';
  for (let attempt = 1; attempt <= sub.maxAttempts; attempt++) {
    const res = await postBatch(sub, body, signal);
    if (res.ok) return { ok: true, attempts: attempt };
    error = res.error;
    onFailedAttempt?.(attempt, error);
    if (attempt < sub.maxAttempts) await sleep(backoffDelay(attempt, policy, res.retryAfterSec), signal);
  }
  return { ok: false, attempts: sub.maxAttempts, error };
}
