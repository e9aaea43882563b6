import { z } from 'zod';
import { defineRoute } from '../../route.js';

const Count = z.number().int();

export const Accounting = z.object({
  systems: z
    .record(
      z.string(),
      z.object({
        received: Count.describe('Record versions received (including quarantined ones).'),
        linked: Count,
        unlinked: Count,
        quarantined: Count,
        superseded: Count.describe('Versions replaced by a newer version of the same record.'),
        pending: Count.describe('Records not yet linked or found unlinkable.'),
      }),
    )
    .describe('Per source system; every received version is in exactly one bucket.'),
  outbox: z
    .object({ link: Count, merge: Count, publish: Count })
    .describe('Work waiting per stage (drains to zero when the pipeline is idle).'),
});

export default defineRoute({
  method: 'GET',
  url: '/api/v1/accounting',
  scope: 'ledger:read',
  summary: 'Record accounting per system and the pipeline backlog',
  tags: ['accounting'],
  response: Accounting,
  handler: async ({ deps: { store } }) => ({
    systems: await store.accounting(),
    outbox: await store.outboxSizes(),
  }),
});
