import { z } from 'zod';
import { defineRoute } from '../../route.js';

export const Liveness = z.object({ status: z.literal('ok') });

export default defineRoute({
  method: 'GET',
  url: '/healthz',
  scope: 'public',
  summary: 'Liveness: the process is up',
  tags: ['health'],
  response: Liveness,
  // A liveness probe must answer while Redis is down; the limiter counts in Redis.
  rateLimit: false,
  handler: async () => ({ status: 'ok' as const }),
});
