/**
 * The gateway's response document (budget.md §2) and its bytes on the wire: GBK, declared as
 * such in both the Content-Type and the XML declaration.
 */
import iconv from 'iconv-lite';
import type { Reply } from '../http/reply.js';

export type RetCode = '0000' | '1001' | '2001' | '2002' | '2003' | '3001' | '9001' | '9999';

export const RET_MSG: Record<RetCode, string> = {
  '0000': '成功',
  '1001': '认证失败',
  '2001': '请求参数错误',
  '2002': '续传令牌无效',
  '2003': '同步点无效',
  '3001': '请求过于频繁',
  '9001': '系统繁忙，请稍后重试',
  '9999': '系统内部错误',
};

export const CONTENT_TYPE = 'text/xml; charset=GBK';
export const DECLARATION = '<?xml version="1.0" encoding="GBK"?>';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xmlEscape(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s;
}

function element(name: string, value: string): string {
  return value === '' ? `<${name}/>` : `<${name}>${xmlEscape(value)}</${name}>`;
}

export interface Head {
  retCode: RetCode;
  /** Defaults to the code's standard message. */
  retMsg?: string;
  serialNo: string;
  /** `yyyyMMddHHmmss`, Beijing time. */
  respTime: string;
}

export interface Page {
  hasMore: boolean;
  continuationToken?: string;
  syncPoint?: string;
  records: ReadonlyArray<Record<string, string>>;
}

/** One `<Record>`: the fields in their insertion order, which is the order of the §4 tables. */
export function renderRecord(fields: Record<string, string>): string {
  let s = '<Record>';
  for (const name in fields) s += element(name, fields[name]!);
  return s + '</Record>';
}

export function renderResponse(head: Head, page?: Page): string {
  const lines = [
    DECLARATION,
    '<Response>',
    '  <Head>',
    `    ${element('RetCode', head.retCode)}`,
    `    ${element('RetMsg', head.retMsg ?? RET_MSG[head.retCode])}`,
    `    ${element('SerialNo', head.serialNo)}`,
    `    ${element('RespTime', head.respTime)}`,
    '  </Head>',
  ];
  if (!page) {
    lines.push('  <Body/>');
  } else {
    lines.push('  <Body>', `    <RecordCount>${page.records.length}</RecordCount>`);
    lines.push(`    <HasMore>${page.hasMore ? 1 : 0}</HasMore>`);
    if (page.hasMore) lines.push(`    ${element('ContinuationToken', page.continuationToken ?? '')}`);
    else lines.push(`    ${element('SyncPoint', page.syncPoint ?? '')}`);
    if (page.records.length === 0) {
      lines.push('    <Records/>');
    } else {
      lines.push('    <Records>');
      for (const r of page.records) lines.push(`      ${renderRecord(r)}`);
      lines.push('    </Records>');
    }
    lines.push('  </Body>');
  }
  lines.push('</Response>', '');
  return lines.join('\n');
}

/** The document as GBK bytes, or (`mislabel`) as UTF-8 bytes that still claim to be GBK. */
export function xmlReply(
  status: number,
  xml: string,
  mislabel = false,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'Content-Type': CONTENT_TYPE, ...headers },
    body: mislabel ? Buffer.from(xml, 'utf8') : iconv.encode(xml, 'gbk'),
  };
}
