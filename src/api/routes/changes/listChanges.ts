import { z } from 'zod';
import { MONEY_FIELDS, Stage } from '../../../model/project.js';
import { RecordKind, SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';
import { Limit } from '../../schemas/query.js';

/**
 * What a change means in ledger terms (ledger.md §4 `events`); a `merged` change carries the
 * single event `mergedInto` naming the survivor.
 */
export const ChangeEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stageChanged'), from: Stage.nullable(), to: Stage }),
  z.object({ type: z.literal('findingOpened'), code: z.string() }),
  z.object({ type: z.literal('findingClosed'), code: z.string() }),
  z.object({
    type: z.literal('moneyChanged'),
    field: z.enum(MONEY_FIELDS),
    from: z.number().int().nullable(),
    to: z.number().int().nullable(),
  }),
  z.object({ type: z.literal('recordLinked'), system: SystemId, kind: RecordKind, sourceId: z.string() }),
  z.object({ type: z.literal('mergedInto'), projectKey: z.string() }),
]);

export const ChangesPage = z.object({
  changes: z.array(
    z.object({
      seq: z.number().int().min(1).describe('Strictly increasing, without gaps.'),
      projectKey: z.string(),
      version: z.number().int(),
      kind: z.enum(['upsert', 'merged']),
      at: z.string(),
      events: z.array(ChangeEvent),
    }),
  ),
  nextSeq: z.number().int().min(0).describe('Pass as `after` to read on.'),
});

export const ChangesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Last seq already read.'),
  limit: Limit(1000, 100),
});

export default defineRoute({
  method: 'GET',
  url: '/api/v1/changes',
  scope: 'ledger:read',
  summary: 'The change feed, after a sequence number',
  tags: ['changes'],
  query: ChangesQuery,
  response: ChangesPage,
  handler: async ({ query, deps }) =>
    (await deps.store.changes(query.after, query.limit)) as z.output<typeof ChangesPage>,
});
