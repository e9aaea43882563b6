import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { NonceWindow } from './nonces.js';
import { sign } from './signature.js';

/** Checks the four signing headers of asset.md §1 against the server clock and the nonce window. */

export type AuthCode =
  | 'AUTH_HEADERS_MISSING'
  | 'APPKEY_INVALID'
  | 'TIMESTAMP_EXPIRED'
  | 'NONCE_INVALID'
  | 'NONCE_REUSED'
  | 'SIGNATURE_INVALID';

export type AuthOutcome = { ok: true } | { ok: false; code: AuthCode; message: string };

export interface IncomingSigned {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SKEW_MS = 5 * 60_000;
const NONCE_WINDOW_MS = 10 * 60_000;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,16}$/;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export class SignatureVerifier {
  private readonly nonces = new NonceWindow(NONCE_WINDOW_MS);

  constructor(
    /** AppKey → AppSecret. */
    private readonly secrets: ReadonlyMap<string, string>,
    private readonly now: () => number,
  ) {}

  verify(r: IncomingSigned): AuthOutcome {
    const appKey = header(r.headers, 'x-app-key');
    const timestamp = header(r.headers, 'x-timestamp');
    const nonce = header(r.headers, 'x-nonce');
    const signature = header(r.headers, 'x-signature');
    if (!appKey || !timestamp || !nonce || !signature) {
      return fail('AUTH_HEADERS_MISSING', 'X-App-Key, X-Timestamp, X-Nonce and X-Signature are required');
    }
    const secret = this.secrets.get(appKey);
    if (secret === undefined) return fail('APPKEY_INVALID', 'unknown AppKey');
    const now = this.now();
    if (!TIMESTAMP.test(timestamp))
      return fail('TIMESTAMP_EXPIRED', 'X-Timestamp must be epoch milliseconds');
    if (Math.abs(now - Number(timestamp)) > SKEW_MS) {
      return fail('TIMESTAMP_EXPIRED', 'timestamp differs from the server clock by more than 5 minutes');
    }
    if (!NONCE.test(nonce)) return fail('NONCE_INVALID', 'nonce must be 16-64 characters of [A-Za-z0-9_-]');
    if (this.nonces.has(appKey, nonce, now)) return fail('NONCE_REUSED', 'nonce already used');
    const expected = Buffer.from(sign(secret, { ...r, appKey, timestamp, nonce }));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return fail('SIGNATURE_INVALID', 'signature mismatch');
    }
    // Only a request that proved the secret burns its nonce, so forgeries cannot block clients.
    this.nonces.remember(appKey, nonce, now);
    return { ok: true };
  }
}

function fail(code: AuthCode, message: string): AuthOutcome {
  return { ok: false, code, message };
}
