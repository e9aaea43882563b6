import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';

/**
 * The gateway's wire format (budget.md §1–2), without I/O: the request document, the decoding of
 * the response bytes and the parsing of the response envelope. Failures are returned as
 * `PayloadError` so that the caller decides how to classify them.
 */

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

export interface RequestFields {
  sysCode: string;
  token: string;
  serviceCode: string;
  /** `yyyyMMddHHmmss`, Beijing time. */
  reqTime: string;
  serialNo: string;
  syncPoint?: string;
  continuationToken?: string;
  pageSize: number;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** The request document, UTF-8 as its declaration says. Optional cursors are omitted, not empty. */
export function buildRequestXml(f: RequestFields): string {
  const body = [
    f.syncPoint === undefined ? '' : `<SyncPoint>${esc(f.syncPoint)}</SyncPoint>`,
    f.continuationToken === undefined
      ? ''
      : `<ContinuationToken>${esc(f.continuationToken)}</ContinuationToken>`,
    `<PageSize>${f.pageSize}</PageSize>`,
  ].join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<Request><Head>' +
    `<SysCode>${esc(f.sysCode)}</SysCode>` +
    `<Token>${esc(f.token)}</Token>` +
    `<ServiceCode>${esc(f.serviceCode)}</ServiceCode>` +
    `<ReqTime>${f.reqTime}</ReqTime>` +
    `<SerialNo>${esc(f.serialNo)}</SerialNo>` +
    `</Head><Body>${body}</Body></Request>`
  );
}

/** Epoch ms → `yyyyMMddHHmmss` in Beijing time (UTC+8, no DST). */
export function beijingReqTime(ms: number): string {
  const iso = new Date(ms + 8 * 3600_000).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** Encodings the platform declares (GB2312 is a subset of GBK and decodes as such). */
const SUPPORTED: Record<string, string> = {
  gbk: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
  'utf-8': 'utf8',
  utf8: 'utf8',
};

/** The encoding named by the XML declaration, read from the ASCII-compatible first bytes. */
function declaredInXml(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 200).toString('latin1');
  const m = /^\uFEFF?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(head);
  return m?.[1];
}

function declaredInContentType(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

function isStrictUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a response body by its declared encoding: the XML declaration, else the Content-Type
 * charset, else UTF-8 (the XML default). Refuses what it cannot decode faithfully: an unsupported
 * encoding, bytes the encoding cannot represent (U+FFFD after decoding), and UTF-8 bytes sent
 * under a GBK/GB18030 declaration — those decode "successfully" into mojibake (成功 → 鎴愬姛),
 * so they are recognised by being valid UTF-8 with multi-byte sequences, which real GBK text of
 * any length practically never is.
 */
export function decodeBody(bytes: Buffer, contentType: string | undefined): string {
  const declared = declaredInXml(bytes) ?? declaredInContentType(contentType) ?? 'UTF-8';
  const encoding = SUPPORTED[declared.toLowerCase()];
  if (encoding === undefined) throw new PayloadError(`unsupported encoding ${JSON.stringify(declared)}`);
  if (encoding !== 'utf8' && /[\x80-\xff]/.test(bytes.toString('latin1')) && isStrictUtf8(bytes)) {
    throw new PayloadError(`declared ${declared} but the bytes are UTF-8`);
  }
  const text = iconv.decode(bytes, encoding);
  if (text.includes('\uFFFD')) throw new PayloadError(`bytes are not valid ${declared}`);
  return text;
}

const parser = new XMLParser({
  // Entity expansion stays off (billion-laughs, external entities); the five predefined
  // entities and character references are resolved by `unescapeXml` on plain strings.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => jpath === 'Response.Body.Records.Record',
});

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Resolves the predefined XML entities and character references; anything else stays verbatim. */
export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name]!;
    const cp = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
  });
}

function unescapeDeep(v: unknown): unknown {
  if (typeof v === 'string') return unescapeXml(v);
  if (Array.isArray(v)) return v.map(unescapeDeep);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDeep(x)]));
  }
  return v;
}

export interface ResponseEnvelope {
  retCode: string;
  retMsg: string;
  serialNo: string;
  /** Present when RetCode is 0000. */
  body?: {
    recordCount: number;
    hasMore: boolean;
    continuationToken: string | null;
    syncPoint: string | null;
    records: unknown[];
  };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/**
 * Parses a decoded response document. A DTD is refused outright: the platform never sends one,
 * and it is the vehicle of entity-expansion and external-entity attacks.
 */
export function parseResponse(xml: string): ResponseEnvelope {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new PayloadError('document type declarations are not accepted');
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (e) {
    throw new PayloadError(`malformed XML: ${(e as Error).message}`);
  }
  const response = asObject(asObject(doc)?.['Response']);
  const head = asObject(response?.['Head']);
  if (!response || !head) throw new PayloadError('no Response/Head element');
  const retCode = text(head['RetCode']);
  if (retCode === '') throw new PayloadError('no RetCode');
  const env: ResponseEnvelope = {
    retCode,
    retMsg: unescapeXml(text(head['RetMsg'])),
    serialNo: unescapeXml(text(head['SerialNo'])),
  };
  if (retCode !== '0000') return env;

  const body = asObject(response['Body']);
  if (!body) throw new PayloadError('RetCode 0000 without a Body');
  const hasMore = text(body['HasMore']);
  if (hasMore !== '0' && hasMore !== '1')
    throw new PayloadError(`HasMore is ${JSON.stringify(body['HasMore'])}`);
  const recordsEl = body['Records'];
  const list = asObject(recordsEl)?.['Record'];
  if (recordsEl !== undefined && recordsEl !== '' && !Array.isArray(list)) {
    throw new PayloadError('Records holds something other than Record elements');
  }
  const records = Array.isArray(list) ? list.map(unescapeDeep) : [];
  const countText = text(body['RecordCount']);
  if (!/^\d+$/.test(countText))
    throw new PayloadError(`RecordCount is ${JSON.stringify(body['RecordCount'])}`);
  const recordCount = Number(countText);
  // A count that disagrees with the records means a page was cut or mangled on the way.
  if (recordCount !== records.length) {
    throw new PayloadError(`RecordCount ${recordCount} but ${records.length} Record elements`);
  }
  const continuationToken = unescapeXml(text(body['ContinuationToken'])) || null;
  const syncPoint = unescapeXml(text(body['SyncPoint'])) || null;
  if (hasMore === '1' && continuationToken === null)
    throw new PayloadError('HasMore 1 without a ContinuationToken');
  if (hasMore === '0' && syncPoint === null) throw new PayloadError('HasMore 0 without a SyncPoint');
  env.body = { recordCount, hasMore: hasMore === '1', continuationToken, syncPoint, records };
  return env;
}
