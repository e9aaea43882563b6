import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Ledger-Timestamp';
export const SIGNATURE_HEADER = 'X-Ledger-Signature';

/**
 * The `X-Ledger-Signature` value of ledger.md §5: `sha256=` + hex HMAC-SHA256 of
 * `"<timestamp>.<body>"` under the subscriber's secret. Pure.
 *
 * @example
 * signWebhook('s3cr3t-s3cr3t-s3cr3t', '1717200000', '{"changes":[]}') // 'sha256=…64 hex…'
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a subscriber runs on receipt: the signature must match and the timestamp (Unix seconds)
 * must lie within `toleranceSec` of its clock, which bounds how long a captured request can be replayed.
 */
export function verifyWebhook(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  opts: { toleranceSec?: number; nowMs?: number } = {},
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const skew = Math.abs((opts.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (skew > (opts.toleranceSec ?? 300)) return false;
  const want = Buffer.from(signWebhook(secret, timestamp, body));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}
