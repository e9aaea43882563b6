import { HubError, HubErrors } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import type { CheckResult } from './define.js';
import type { CommonConnectorConfig } from './spec.js';

export type CheckFailure = Extract<CheckResult, { ok: false }>;

const FAILURE_OF: ReadonlyArray<[{ is(e: unknown): boolean }, CheckFailure['failure']]> = [
  [HubErrors.SOURCE_AUTH, 'auth'],
  // A token the source still refuses after the one refresh is as wrong as bad credentials.
  [HubErrors.SOURCE_AUTH_EXPIRED, 'auth'],
  [HubErrors.SOURCE_TLS, 'tls'],
  [HubErrors.SOURCE_UNREACHABLE, 'connection'],
  // Still 5xx/429/busy after every retry: the source is there but does not serve.
  [HubErrors.SOURCE_TRANSIENT, 'connection'],
  [HubErrors.SOURCE_PAYLOAD, 'payload'],
  [HubErrors.SOURCE_TOO_LARGE, 'payload'],
];

/**
 * A failed `check()`, classified for operators (`hub connectors check`). The detail is
 * redacted: sources echo credentials in their error messages.
 *
 * @example
 * try { await client.listPage(1); return { ok: true, detail: 'readable' }; }
 * catch (e) { return checkFailure(e, ctx.http.redact); }
 */
export function checkFailure(e: unknown, redact: (s: string) => string = (s) => s): CheckFailure {
  const detail = redact(e instanceof Error ? e.message : String(e));
  if (e instanceof HubError) {
    const failure = FAILURE_OF.find(([err]) => err.is(e))?.[1] ?? 'other';
    return { ok: false, failure, detail };
  }
  // The check's own deadline (checkWithin) ran out before any answer.
  if (e instanceof Error && e.name === 'TimeoutError') return { ok: false, failure: 'connection', detail };
  return { ok: false, failure: 'other', detail };
}

/**
 * Runs a check's probe under the configured timeout (added to the caller's signal), so that
 * retries against a dead source end promptly. The probe passes the signal to its requests and
 * returns the detail of a good answer; whatever it throws becomes a classified failure.
 *
 * @example
 * check: (ctx) => checkWithin(ctx, async (signal) => `${(await list(ctx, signal)).total} rows`),
 */
export async function checkWithin(
  ctx: {
    config: Pick<CommonConnectorConfig, 'timeoutMs'>;
    http: Pick<HttpClient, 'redact'>;
    signal?: AbortSignal;
  },
  probe: (signal: AbortSignal) => Promise<string>,
): Promise<CheckResult> {
  const deadline = AbortSignal.timeout(ctx.config.timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, deadline]) : deadline;
  try {
    return { ok: true, detail: await probe(signal) };
  } catch (e) {
    return checkFailure(e, ctx.http.redact);
  }
}
