/**
 * Request signing of the asset platform (asset.md §1): HMAC-SHA256 over a seven-line
 * StringToSign. Pure apart from `newNonce`, so the document's worked example is a unit test.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** SHA-256 of the empty string: the BodyHash of every GET. */
export const EMPTY_BODY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 percent-encoding: only `A–Z a–z 0–9 - _ . ~` stay literal, hex is upper-case. */
export function rfc3986(s: string): string {
  // encodeURIComponent leaves !'()* alone, which RFC 3986 reserves.
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Byte-order comparison; the encoded strings are ASCII, so code-unit order is byte order. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encoded `name=value` pairs sorted by name, then value, joined with `&`. */
export function canonicalQuery(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => byteOrder(a[0], b[0]) || byteOrder(a[1], b[1]))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Query parameters of a query string, URL-decoded (`+` is a space, as servers decode it). */
export function queryParams(query: string): Array<[string, string]> {
  return [...new URLSearchParams(query)];
}

export interface SignInput {
  method: string;
  /** Absolute path as sent, without the query string. */
  path: string;
  /** Decoded query parameters. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Raw request body; empty for GET. */
  body?: string | Buffer;
  appKey: string;
  appSecret: string;
  /** Epoch milliseconds. */
  timestamp: number;
  nonce: string;
}

export function bodyHash(body: string | Buffer | undefined): string {
  if (body === undefined || body.length === 0) return EMPTY_BODY_HASH;
  return createHash('sha256').update(body).digest('hex');
}

export function stringToSign(i: Omit<SignInput, 'appSecret'>): string {
  return [
    i.method.toUpperCase(),
    i.path,
    canonicalQuery(i.query),
    i.appKey,
    String(i.timestamp),
    i.nonce,
    bodyHash(i.body),
  ].join('\n');
}

/** The four signing headers for one request. */
export function signatureHeaders(i: SignInput): Record<string, string> {
  const signature = createHmac('sha256', i.appSecret).update(stringToSign(i), 'utf8').digest('base64');
  return {
    'X-App-Key': i.appKey,
    'X-Timestamp': String(i.timestamp),
    'X-Nonce': i.nonce,
    'X-Signature': signature,
  };
}

/** 32 characters of [A-Za-z0-9_-] (base64url of 24 random bytes); the server refuses reuse. */
export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}
