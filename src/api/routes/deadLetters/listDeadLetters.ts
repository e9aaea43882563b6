import { DeadLetterList, ListDeadLettersQuery } from '../../../deadletters/schemas.js';
import { listDeadLetters } from '../../../deadletters/service.js';
import { defineRoute } from '../../route.js';

export default defineRoute({
  method: 'GET',
  url: '/api/v1/dead-letters',
  scope: 'admin',
  summary: 'Failed pipeline jobs and dead-lettered webhook batches',
  description: 'Newest first. Retry one with POST /api/v1/dead-letters/{id}/retry.',
  tags: ['dead-letters'],
  query: ListDeadLettersQuery,
  response: DeadLetterList,
  handler: async ({ query, deps }) => ({
    items: await listDeadLetters(deps, {
      limit: query.limit,
      ...(query.origin ? { origin: query.origin } : {}),
    }),
  }),
});
