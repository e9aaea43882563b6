import { MONEY_FIELDS } from '../../src/model/project.js';
import type { ProjectDoc } from './merge.js';

/** The dimensions of `GET /stats?groupBy=` (ledger.md §4). */
export const STATS_GROUPS = ['sector', 'district', 'category', 'stage', 'year'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];
/** The pseudo-dimension holding the totals over all projects. */
export const TOTALS = 'all';

/**
 * One project's share of the statistics: its group per dimension and its money. Zero amounts are
 * left out (absent = 0): the share is stored with every project, and most amounts are zero.
 */
export function statsContribution(doc: ProjectDoc): {
  groups: Record<string, string>;
  money: Record<string, number>;
} {
  const year = (doc.dimensions.application as { year?: number | null }).year;
  return {
    groups: {
      sector: doc.sector ?? 'unknown',
      district: doc.district.code ?? 'unknown',
      category: doc.category ?? 'unknown',
      stage: doc.stage,
      year: year ? String(year) : 'unknown',
      [TOTALS]: TOTALS,
    },
    money: Object.fromEntries(
      MONEY_FIELDS.flatMap((f) => (doc.money[f] ? [[f, doc.money[f]] as const] : [])),
    ),
  };
}
