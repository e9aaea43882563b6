import { fenToYuanText } from '../model/money.js';
import { MONEY_FIELDS } from '../model/project.js';
import type { LedgerStore } from '../ledger/store.js';

/** Projects read per round trip: memory stays flat whatever the ledger's size. */
export const EXPORT_PAGE = 500;

const COLUMNS = [
  'projectKey',
  'name',
  'districtCode',
  'districtName',
  'sector',
  'category',
  'stage',
  'version',
  'updatedAt',
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return [...COLUMNS, ...MONEY_FIELDS, ...MONEY_FIELDS.map((f) => f.replace(/Fen$/, 'Yuan'))].join(',');
}

interface Doc {
  projectKey: string;
  name: string | null;
  district: { code: string | null; name: string | null };
  sector: string | null;
  category: string | null;
  stage: string;
  money: Record<string, number | null>;
  redirectTo?: string;
  orphaned?: boolean;
}

export function csvRow(doc: Doc, version: number, updatedAt: string): string {
  const cells = [
    doc.projectKey,
    doc.name,
    doc.district.code,
    doc.district.name,
    doc.sector,
    doc.category,
    doc.stage,
    version,
    updatedAt,
    ...MONEY_FIELDS.map((f) => doc.money[f]),
    // Yuan with two decimals, from the exact fen (no float).
    ...MONEY_FIELDS.map((f) =>
      doc.money[f] === null || doc.money[f] === undefined ? null : fenToYuanText(doc.money[f]!),
    ),
  ];
  return cells.map(csvCell).join(',');
}

/**
 * The whole ledger as lines (NDJSON: one project record per line; CSV: a header row, money in
 * fen and in yuan with two decimals), read page by page in key order. Formula-like cells are
 * quoted so spreadsheets do not evaluate them.
 */
export async function* exportLines(
  store: LedgerStore,
  format: 'ndjson' | 'csv',
  opts: { bom?: boolean } = {},
): AsyncGenerator<string> {
  if (format === 'csv') yield `${opts.bom ? '\ufeff' : ''}${csvHeader()}\r\n`;
  let after: string | null = null;
  for (;;) {
    const keys = await store.listProjectKeys(after, EXPORT_PAGE);
    if (keys.length === 0) return;
    const raws = await Promise.all(keys.map((k) => store.getProjectRaw(k)));
    let chunk = '';
    keys.forEach((k, i) => {
      const raw = raws[i];
      if (!raw) return;
      const doc = JSON.parse(raw.doc) as Doc;
      if (doc.redirectTo || doc.orphaned) return;
      chunk +=
        format === 'csv'
          ? `${csvRow(doc, raw.version, raw.updatedAt)}\r\n`
          : `${JSON.stringify({ ...doc, version: raw.version, updatedAt: raw.updatedAt })}\n`;
    });
    if (chunk) yield chunk;
    after = keys[keys.length - 1]!;
    if (keys.length < EXPORT_PAGE) return;
  }
}
