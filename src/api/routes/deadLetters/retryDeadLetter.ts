import { DeadLetterIdParams, RetryAccepted } from '../../../deadletters/schemas.js';
import { retryDeadLetter } from '../../../deadletters/service.js';
import { HubErrors } from '../../../errors.js';
import { defineRoute } from '../../route.js';

export default defineRoute({
  method: 'POST',
  url: '/api/v1/dead-letters/:id/retry',
  scope: 'admin',
  summary: 'Retry one dead letter',
  description:
    'A pipeline job goes back to its queue with fresh attempts; a webhook batch is replayed to its subscriber before its next live batch.',
  tags: ['dead-letters'],
  params: DeadLetterIdParams,
  response: RetryAccepted,
  status: 202,
  errors: [HubErrors.API_NOT_FOUND],
  handler: ({ params, deps }) => retryDeadLetter(deps, params.id),
});
