import { z } from 'zod';
import { STATS_GROUPS, TOTALS } from '../../../../pipelines/merge/stats.js';
import { MONEY_FIELDS } from '../../../model/project.js';
import { RawJson } from '../../rawJson.js';
import { defineRoute } from '../../route.js';

const MoneySums = z.object(
  Object.fromEntries(MONEY_FIELDS.map((f) => [f, z.number().int()])) as {
    [K in (typeof MONEY_FIELDS)[number]]: z.ZodNumber;
  },
);
export const StatsQuery = z.object({ groupBy: z.enum(STATS_GROUPS).describe('Dimension to group by.') });
export const Stats = z.object({
  groupBy: z.enum(STATS_GROUPS),
  groups: z.array(z.object({ key: z.string(), count: z.number().int(), money: MoneySums })),
  totals: z.object({ count: z.number().int(), money: MoneySums }),
});

const full = (m: Record<string, number>) =>
  Object.fromEntries(MONEY_FIELDS.map((f) => [f, m[f] ?? 0])) as z.infer<typeof MoneySums>;

/** Serialized answers per sums snapshot (store.allStats() returns one object per revision). */
const serialized = new WeakMap<object, Map<string, RawJson>>();

export default defineRoute({
  method: 'GET',
  url: '/api/v1/stats',
  scope: 'ledger:read',
  summary: 'Counts and money totals (exact fen) per sector, district, category, stage or year',
  description:
    'Maintained incrementally: every project commit subtracts its previous share and adds the new one in the same atomic step, and moves a revision; an API process answers from its copy while the revision stands, so a read costs one GET however large the ledger.',
  tags: ['statistics'],
  query: StatsQuery,
  response: Stats,
  handler: async ({ query, deps }) => {
    const all = await deps.store.allStats();
    // The answer is the same bytes while the sums stand: serialized once per revision.
    const answers = serialized.get(all) ?? serialized.set(all, new Map()).get(all)!;
    const cached = answers.get(query.groupBy);
    if (cached) return cached;
    const groups = all.get(query.groupBy) ?? [];
    const [totals] = all.get(TOTALS) ?? [];
    const answer = new RawJson(
      Buffer.from(
        JSON.stringify({
          groupBy: query.groupBy,
          groups: groups.map((g) => ({ key: g.key, count: g.count, money: full(g.money) })),
          totals: { count: totals?.count ?? 0, money: full(totals?.money ?? {}) },
        } satisfies z.infer<typeof Stats>),
        'utf8',
      ),
    );
    answers.set(query.groupBy, answer);
    return answer;
  },
});
