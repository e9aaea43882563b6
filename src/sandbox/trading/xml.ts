import type { TradingNotice } from '../world/types.js';

/**
 * The feed's XML (trading.md §2–3), written as text: two-space indentation as in the
 * samples, an empty value as an empty element, amounts with their `unit` attribute, and a
 * conversion-error item as escaped plain text content.
 */

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Where padding may go without breaking the document (after the declaration). */
export const XML_BODY_START = Buffer.byteLength(DECLARATION);

// Characters XML 1.0 does not allow at all; a source's stray control bytes must not break the feed.
// eslint-disable-next-line no-control-regex -- matching the forbidden control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeText(s: string): string {
  return s.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function field(name: string, value: TradingNotice['fields'][string]): string {
  if (value === null || value === '') return `      <${name}/>\n`;
  if (typeof value === 'string') return `      <${name}>${escapeText(value)}</${name}>\n`;
  const unit = ` unit="${escapeAttr(value.unit)}"`;
  return value.value === ''
    ? `      <${name}${unit}/>\n`
    : `      <${name}${unit}>${escapeText(value.value)}</${name}>\n`;
}

export function itemXml(n: TradingNotice): string {
  const open = `    <item id="${escapeAttr(n.id)}" version="${n.version}">`;
  if (n.brokenText !== undefined) return `${open}${escapeText(n.brokenText)}</item>\n`;
  let children = '';
  for (const [name, value] of Object.entries(n.fields)) children += field(name, value);
  return `${open}\n${children}    </item>\n`;
}

export function feedXml(type: string, items: string[], nextPageToken: string): string {
  const token =
    nextPageToken === ''
      ? '  <nextPageToken/>\n'
      : `  <nextPageToken>${escapeText(nextPageToken)}</nextPageToken>\n`;
  return (
    `${DECLARATION}<feed type="${escapeAttr(type)}">\n  <status code="0" message="OK"/>\n` +
    `  <items>\n${items.join('')}  </items>\n${token}</feed>\n`
  );
}

/** An error answer: the feed element with only its status. */
export function statusXml(code: number, message: string, type?: string): string {
  const attr = type === undefined ? '' : ` type="${escapeAttr(type)}"`;
  return `${DECLARATION}<feed${attr}>\n  <status code="${code}" message="${escapeAttr(message)}"/>\n</feed>\n`;
}
