import { parseRetryAfter } from '../http/backoff.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './sign.js';

export type PostResult =
  { ok: true; status: number } | { ok: false; status: number | null; error: string; retryAfterSec?: number };

/**
 * One signed POST of a batch body. Every answer but a 2xx is a failure; redirects are not
 * followed (the URL comes only from configuration). Throws only when `signal` aborts (stop or lost
 * lease), so the caller can tell "give up now" from "this attempt failed".
 */
export async function postBatch(
  target: { url: string; secret: string; timeoutMs: number },
  body: string,
  signal: AbortSignal,
  nowMs = Date.now(),
): Promise<PostResult> {
  const timestamp = String(Math.floor(nowMs / 1000));
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'project-ledger-hub',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(target.secret, timestamp, body),
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout(target.timeoutMs)]),
    });
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    return { ok: false, status: null, error: describe(e, target.timeoutMs) };
  }
  // The answer's body means nothing to us; release the connection without reading it.
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  const retryAfterSec = parseRetryAfter(res.headers.get('retry-after') ?? undefined);
  return {
    ok: false,
    status: res.status,
    error: `HTTP ${res.status}`,
    ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
  };
}

function describe(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
