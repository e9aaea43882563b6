import { createHash, createHmac } from 'node:crypto';

/**
 * The asset platform's request signature (asset.md §1), written independently of the
 * connector's signer so that the simulator checks the document, not the connector.
 */

export const EMPTY_BODY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 percent-encoding: only `A–Z a–z 0–9 - _ . ~` stay as they are. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** CanonicalQuery of a raw query string: decode, re-encode, sort by name then value, join. */
export function canonicalQuery(rawQuery: string): string {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of new URLSearchParams(rawQuery)) pairs.push([rfc3986(name), rfc3986(value)]);
  // Encoded text is ASCII, so code-unit order is byte order.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

export function bodyHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export interface SignatureInput {
  method: string;
  /** The absolute path exactly as sent, without the query string. */
  path: string;
  rawQuery: string;
  appKey: string;
  timestamp: string;
  nonce: string;
  body: Buffer;
}

/** The seven lines of StringToSign joined by LF, without a trailing newline. */
export function stringToSign(i: SignatureInput): string {
  return [
    i.method.toUpperCase(),
    i.path,
    canonicalQuery(i.rawQuery),
    i.appKey,
    i.timestamp,
    i.nonce,
    bodyHash(i.body),
  ].join('\n');
}

/** `Base64(HMAC-SHA256(AppSecret, StringToSign))`, standard Base64 with padding. */
export function sign(appSecret: string, i: SignatureInput): string {
  return createHmac('sha256', appSecret).update(stringToSign(i), 'utf8').digest('base64');
}
