/**
 * JSON parsing that keeps amounts exact. `originalValue` is a JSON number (asset.md §4); going
 * through a binary double would round values such as 12500000.35, so it is kept as the decimal
 * text the platform wrote. Other numbers (updatedAt, version, quantity) become plain numbers when
 * that is exact, and stay text otherwise so that record validation refuses them.
 */
import { isLosslessNumber, isSafeNumber, parse } from 'lossless-json';

const DECIMAL_TEXT_FIELDS = new Set(['originalValue']);

export function parseExactJson(text: string): unknown {
  return parse(text, (key, value) => {
    if (!isLosslessNumber(value)) return value;
    const s = value.toString();
    if (DECIMAL_TEXT_FIELDS.has(key)) return s;
    return isSafeNumber(s) ? Number(s) : s;
  });
}
