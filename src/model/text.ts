/**
 * Matching forms of free text. Stored values keep the source's text; these functions give the
 * form that comparisons use (ledger.md §1: NFKC, whitespace removed, full-width folded).
 */

/** City prefix that other systems add or omit in front of registered project names. */
const CITY_PREFIX = '包头市';

/** NFKC folds full-width digits, Latin letters and brackets （） to their ASCII forms. */
export function normalizeText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s\u3000\u00a0]+/g, '')
    .replace(/[【〔［]/g, '[')
    .replace(/[】〕］]/g, ']')
    .toUpperCase();
}

/** Project-name matching form: normalized text with an optional leading 包头市 removed. */
export function normalizeProjectName(name: string): string {
  const n = normalizeText(name);
  return n.startsWith(CITY_PREFIX) ? n.slice(CITY_PREFIX.length) : n;
}

/** Trims a stored text value; empty becomes null (absent, never ""). */
export function textOrNull(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  return t === '' ? null : t;
}
