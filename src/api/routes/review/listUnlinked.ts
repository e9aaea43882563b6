import { z } from 'zod';
import { RecordKind, SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';
import { Cursor, Limit, NextCursor } from '../../schemas/query.js';

const Reason = z.enum(['no-match', 'ambiguous', 'anchor-missing']);

export const UnlinkedQuery = z.object({
  reason: Reason.optional(),
  system: SystemId.optional(),
  cursor: Cursor,
  limit: Limit(500, 50),
});

export const UnlinkedItem = z.object({
  system: SystemId,
  kind: RecordKind,
  sourceId: z.string(),
  reason: Reason,
  candidates: z.array(z.string()).describe('Project keys it could belong to (ambiguous).'),
  receivedAt: z.string(),
});

export const UnlinkedPage = z.object({
  items: z.array(UnlinkedItem),
  nextCursor: NextCursor,
  total: z.number().int().min(0).describe('Unlinked records of the system (all reasons).'),
});

/** Index pages read at most per request when a reason filter skips most of them. */
const MAX_ROUNDS = 50;

export default defineRoute({
  method: 'GET',
  url: '/api/v1/unlinked',
  scope: 'ledger:read',
  summary: 'Records no project claims, with the reason',
  tags: ['review'],
  query: UnlinkedQuery,
  response: UnlinkedPage,
  handler: async ({ query: q, deps: { store } }) => {
    const items: z.output<typeof UnlinkedItem>[] = [];
    let cursor = q.cursor ?? null;
    let total = 0;
    let nextCursor: string | null = null;
    for (let rounds = 0; rounds < MAX_ROUNDS && items.length < q.limit; rounds++) {
      const page = await store.listIndex(store.keys.unlinkedIndex(q.system), cursor, q.limit);
      total = page.total;
      const recs = await store.loadRecords(page.ids);
      for (const id of page.ids) {
        cursor = id;
        const s = recs.get(id);
        if (!s || s.state !== 'unlinked') continue;
        if (q.reason && s.reason?.reason !== q.reason) continue;
        items.push({
          system: s.record.system,
          kind: s.record.kind,
          sourceId: s.record.sourceId,
          reason: (s.reason?.reason ?? 'no-match') as z.output<typeof Reason>,
          candidates: s.reason?.candidates ?? [],
          receivedAt: s.receivedAt,
        });
        if (items.length === q.limit) break;
      }
      nextCursor = page.nextCursor ? cursor : null;
      if (!page.nextCursor) break;
    }
    return { items, nextCursor: items.length === q.limit ? cursor : nextCursor, total };
  },
});
