import { z } from 'zod';
import { SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';
import { Cursor, Limit, NextCursor } from '../../schemas/query.js';

export const QuarantineQuery = z.object({
  system: SystemId.optional(),
  cursor: Cursor,
  limit: Limit(500, 50),
});

export const QuarantineItem = z.object({
  system: SystemId,
  kind: z.string().nullable(),
  sourceId: z.string().nullable().describe('null when the record is too broken to name.'),
  position: z.record(z.string(), z.unknown()).describe('Where it came from (page, token, push batch).'),
  reason: z.string(),
  raw: z.unknown().describe('The record exactly as received.'),
  receivedAt: z.string(),
});

export const QuarantinePage = z.object({
  items: z.array(QuarantineItem),
  nextCursor: NextCursor,
  total: z.number().int().min(0),
});

export default defineRoute({
  method: 'GET',
  url: '/api/v1/quarantine',
  scope: 'admin',
  summary: 'Records refused by validation, with the reason and the raw payload',
  tags: ['review'],
  query: QuarantineQuery,
  response: QuarantinePage,
  handler: async ({ query: q, deps: { store } }) => {
    const page = await store.listIndex(store.keys.quarantineIndex(q.system), q.cursor ?? null, q.limit);
    const items = (await store.quarantineItems(page.ids)).map((e) => {
      // The entry id is a storage detail: callers page with the cursor.
      const { id: _id, ...rest } = e as { id: string } & z.output<typeof QuarantineItem>;
      return rest;
    });
    return { items, nextCursor: page.nextCursor, total: page.total };
  },
});
