/**
 * Reads a gateway request: decodes it by the encoding its XML declaration names (UTF-8 when it
 * names none) and picks out the Head and Body elements the gateway looks at.
 */
import iconv from 'iconv-lite';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface GatewayRequest {
  SysCode?: string;
  Token?: string;
  ServiceCode?: string;
  SerialNo?: string;
  SyncPoint?: string;
  ContinuationToken?: string;
  PageSize?: string;
}

const DECODERS: Record<string, string> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  gbk: 'gbk',
  gb2312: 'gbk',
  cp936: 'gbk',
  gb18030: 'gb18030',
};

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
});

function declaredEncoding(bytes: Buffer): string | undefined {
  const start = bytes.subarray(0, 200).toString('latin1');
  return /^(?:\uFEFF|\xEF\xBB\xBF)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(start)?.[1];
}

function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return v === '' ? undefined : v;
}

function element(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The request, or a reason it is not one (RetCode 2001). */
export function readRequest(bytes: Buffer): GatewayRequest | { invalid: string } {
  const declared = declaredEncoding(bytes) ?? 'UTF-8';
  const decoder = DECODERS[declared.toLowerCase()];
  if (!decoder) return { invalid: `unsupported encoding ${declared}` };
  let xml = iconv.decode(bytes, decoder);
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { invalid: 'document type declarations are not accepted' };
  if (XMLValidator.validate(xml) !== true) return { invalid: 'malformed XML' };
  const root = element(element(parser.parse(xml))?.['Request']);
  const head = element(root?.['Head']);
  if (!root || !head) return { invalid: 'no Request/Head element' };
  const body = element(root['Body']) ?? {};
  return {
    SysCode: text(head['SysCode']),
    Token: text(head['Token']),
    ServiceCode: text(head['ServiceCode']),
    SerialNo: text(head['SerialNo']),
    SyncPoint: text(body['SyncPoint']),
    ContinuationToken: text(body['ContinuationToken']),
    PageSize: text(body['PageSize']),
  };
}
