import { z } from 'zod';
import { Category, ProjectSummary, Stage } from '../../../model/project.js';
import { defineRoute } from '../../route.js';
import { AsOf, Cursor, Limit, NextCursor } from '../../schemas/query.js';
import { matchesFilter } from './filter.js';
import { isVisible, todayInBeijing, type StoredDoc } from './stored.js';

export const ListProjectsQuery = z.object({
  district: z.string().optional().describe('District code or name.'),
  sector: z.string().optional().describe('Sector (key area) name.'),
  category: Category.optional(),
  stage: Stage.optional(),
  finding: z.string().optional().describe('Only projects with this open finding code.'),
  q: z.string().optional().describe('Text searched in the name and every code.'),
  cursor: Cursor,
  limit: Limit(500, 50),
  asOf: AsOf,
  sort: z
    .enum(['key', 'priority'])
    .default('key')
    .describe('key: project key order; priority: funding priority (以成熟度统筹项目建设), highest first.'),
});

export const ProjectListItem = ProjectSummary.extend({
  priority: z.object({ score: z.number(), band: z.number().int() }).optional(),
});
export const ProjectList = z.object({ items: z.array(ProjectListItem), nextCursor: NextCursor });

/** Keys read from Redis per round while filling a page. */
const SCAN_BATCH = 500;

export default defineRoute({
  method: 'GET',
  url: '/api/v1/projects',
  scope: 'ledger:read',
  summary: 'List projects (summaries), filtered, in key order',
  tags: ['projects'],
  query: ListProjectsQuery,
  response: ProjectList,
  handler: async ({ query: q, deps: { store, ledger } }) => {
    const asOf = q.asOf ?? todayInBeijing();
    const items: z.infer<typeof ProjectListItem>[] = [];
    let cursor = q.cursor ?? null;
    // Scan in key (or priority-index) order until the page is full; the cursor is the last entry
    // looked at, so pages stay stable while projects are being written.
    for (let exhausted = false; !exhausted && items.length < q.limit;) {
      const page =
        q.sort === 'priority'
          ? await store.listByPriority(cursor, SCAN_BATCH)
          : (await store.listProjectKeys(cursor, SCAN_BATCH)).map((key) => ({ key, member: key }));
      const keys = page.map((p) => p.key);
      exhausted = keys.length < SCAN_BATCH;
      const raws = await Promise.all(keys.map((k) => store.getProjectRaw(k)));
      for (let i = 0; i < keys.length && items.length < q.limit; i++) {
        cursor = page[i]!.member;
        const raw = raws[i];
        if (!raw) continue;
        const doc = JSON.parse(raw.doc) as StoredDoc;
        if (!isVisible(doc) || !matchesFilter(doc, q, asOf, ledger.thresholds)) continue;
        items.push({
          projectKey: doc.projectKey,
          name: doc.name,
          district: doc.district,
          category: doc.category,
          stage: doc.stage,
          money: doc.money,
          updatedAt: raw.updatedAt,
          ...(doc.priority ? { priority: { score: doc.priority.score, band: doc.priority.band } } : {}),
        });
      }
    }
    return { items, nextCursor: items.length === q.limit ? cursor : null };
  },
});
