import { createHmac, timingSafeEqual } from 'node:crypto';
import { PushBody, describeIssues } from './records.js';

/**
 * Verification side of the platform's webhook (smartcity.md §4), as pure functions the hub's
 * inbound endpoint (`POST /api/v1/inbound/smartcity`) composes:
 *
 * 1. refuse bodies over `push.maxBodyBytes` before reading further;
 * 2. `verifyPush` over the **raw** body bytes (never re-serialised JSON);
 * 3. `replayKey` → refuse a delivery whose key was already stored (HUB_PUSH_REPLAY), else store
 *    it for `replayTtlSec(windowSec)`;
 * 4. `parsePushBody`, then `normalize(event, 'events')` for each event (bad events are
 *    quarantined one by one, the rest of the batch goes on), and answer 2xx within 10 s.
 *
 * What a replay is: an *identical* delivery — same timestamp, same signature — sent again by
 * someone who captured it. The platform's own retries (after a non-2xx, a timeout, or a lost
 * acknowledgement) are re-signed with a new X-SC-Timestamp, so they carry a new signature and a
 * new replay key: they are accepted, and their events are de-duplicated by `eventId` downstream
 * like any at-least-once delivery. Never de-duplicate on `batchId` at this step: a retry of a
 * batch that we answered with 5xx must get through.
 *
 * @example
 * const v = verifyPush({ timestampHeader, signatureHeader, rawBody, secret, nowMs: Date.now(), windowSec: 300 });
 * if (!v.ok) throw HubErrors[v.code]();
 */

export { PushBody };

/** Header names as Node/Fastify present them (lower case). */
export const PUSH_HEADERS = {
  timestamp: 'x-sc-timestamp',
  signature: 'x-sc-signature',
  batchId: 'x-sc-batch-id',
} as const;

export type HeaderValue = string | string[] | undefined;

export type PushVerdict = { ok: true } | { ok: false; code: 'PUSH_SIGNATURE' | 'PUSH_STALE' };

export interface VerifyPushInput {
  /** X-SC-Timestamp: Unix seconds when this delivery attempt was signed. */
  timestampHeader: HeaderValue;
  /** X-SC-Signature: `sha256=<64 lower-case hex>`. */
  signatureHeader: HeaderValue;
  /** The request body exactly as received. */
  rawBody: Buffer;
  secret: string;
  nowMs: number;
  windowSec: number;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** One header value; a repeated header is refused rather than guessed at. */
function single(v: HeaderValue): string | undefined {
  return typeof v === 'string' ? v.trim() : undefined;
}

/** `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + rawBody): what the platform sends. */
export function pushSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return `sha256=${mac(secret, timestamp, rawBody).toString('hex')}`;
}

function mac(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest();
}

/**
 * Checks signature first, then freshness: an unsigned request learns nothing about our clock.
 * The window is inclusive: exactly `windowSec` away (either side) is accepted.
 */
export function verifyPush(input: VerifyPushInput): PushVerdict {
  const timestamp = single(input.timestampHeader);
  const sigMatch = SIGNATURE.exec(single(input.signatureHeader) ?? '');
  // An empty secret would make every HMAC computable by anyone.
  if (timestamp === undefined || timestamp === '' || !sigMatch || input.secret === '') {
    return { ok: false, code: 'PUSH_SIGNATURE' };
  }
  const expected = mac(input.secret, timestamp, input.rawBody);
  const given = Buffer.from(sigMatch[1]!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'PUSH_SIGNATURE' };
  }
  if (!TIMESTAMP.test(timestamp)) return { ok: false, code: 'PUSH_STALE' };
  const skewMs = Math.abs(input.nowMs - Number(timestamp) * 1000);
  if (skewMs > input.windowSec * 1000) return { ok: false, code: 'PUSH_STALE' };
  return { ok: true };
}

/**
 * Identity of one signed delivery attempt, for the endpoint's "seen" set. Only meaningful after
 * `verifyPush` succeeded (so both headers are well-formed). The endpoint builds the Redis key
 * from it in src/ledger/keys.ts.
 */
export function replayKey(timestampHeader: HeaderValue, signatureHeader: HeaderValue): string {
  const ts = single(timestampHeader) ?? '';
  const sig = (single(signatureHeader) ?? '').toLowerCase();
  return `${ts}|${sig}`;
}

/**
 * How long a replay key must be kept: a timestamp is acceptable from `ts - window` to
 * `ts + window`, so a delivery first seen at the earliest moment stays acceptable for 2 windows.
 */
export function replayTtlSec(windowSec: number): number {
  return 2 * windowSec + 1;
}

export type ParsePushResult = { ok: true; body: PushBody } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Raw body → `{batchId, sentAt, events[1..200]}`; events stay raw for `normalize`. */
export function parsePushBody(rawBody: Buffer, maxBodyBytes = 1024 * 1024): ParsePushResult {
  if (rawBody.length > maxBodyBytes) {
    return { ok: false, reason: `body of ${rawBody.length} bytes exceeds ${maxBodyBytes}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(rawBody));
  } catch (e) {
    return { ok: false, reason: `body is not UTF-8 JSON (${(e as Error).message})` };
  }
  const r = PushBody.safeParse(json);
  return r.success ? { ok: true, body: r.data } : { ok: false, reason: describeIssues(r.error) };
}
