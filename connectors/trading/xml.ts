/**
 * Parsing of the feed's XML (trading.md §2) with every entity mechanism off: a payload that
 * declares a DOCTYPE or entities is refused before parsing, so nothing can expand (billion
 * laughs) or reach out (external entities). Only the five predefined entities and character
 * references are decoded, by hand. Values stay strings; attributes are kept as `@name`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HubErrors } from '../../src/errors.js';

const SYSTEM = 'trading';

export interface Feed {
  /** `feed/@type`, when present. */
  type: string | null;
  statusCode: string;
  statusMessage: string;
  /** `<item>` elements, parsed; `[]` for an empty page. */
  items: unknown[];
  /** `''` on the last page. */
  nextPageToken: string;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Decodes the predefined entities and character references in one pass (so `&amp;lt;` → `&lt;`). */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|apos|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name] ?? whole;
    const cp = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === 'item',
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

function payload(why: string): Error {
  return HubErrors.SOURCE_PAYLOAD(SYSTEM, why);
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body).replace(/^\uFEFF/, '');
  } catch {
    throw payload('response is not valid UTF-8');
  }
}

/** Throws SOURCE_PAYLOAD for anything that is not a complete, well-formed feed document. */
export function parseFeed(text: string): Feed {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw payload('DOCTYPE/ENTITY declarations are refused');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw payload(`malformed XML (${valid.err.msg} at line ${valid.err.line})`);
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (e) {
    // fast-xml-parser refuses names such as __proto__ with a plain Error: still a payload problem.
    throw payload(`unparseable XML (${(e as Error).message.slice(0, 120)})`);
  }
  const feed = record(record(parsed)?.['feed']);
  if (!feed) throw payload('no <feed> root element');
  const status = record(feed['status']);
  const statusCode = status?.['@code'];
  if (typeof statusCode !== 'string') throw payload('no <status code>');
  const statusMessage = typeof status?.['@message'] === 'string' ? status['@message'] : '';
  const type = typeof feed['@type'] === 'string' ? feed['@type'] : null;
  if (statusCode !== '0') return { type, statusCode, statusMessage, items: [], nextPageToken: '' };

  const items = record(feed['items'])?.['item'] ?? [];
  if (!('items' in feed) || !Array.isArray(items)) throw payload('no <items> element');
  const token = feed['nextPageToken'];
  if (typeof token !== 'string') throw payload('no <nextPageToken> element');
  return { type, statusCode, statusMessage, items, nextPageToken: token.trim() };
}
