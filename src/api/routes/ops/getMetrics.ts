import { z } from 'zod';
import { defineRoute } from '../../route.js';

export default defineRoute({
  method: 'GET',
  url: '/metrics',
  scope: 'public',
  summary: 'Prometheus metrics (text exposition format)',
  description:
    'Names, labels and meanings: the metrics table in the README (generated from src/metrics/catalogue.ts).',
  tags: ['operations'],
  produces: 'text/plain',
  response: z.string(),
  // Scrapes must not be refused by the per-key limiter.
  rateLimit: false,
  handler: async ({ deps, reply }) => {
    const text = await deps.metrics.render();
    void reply.type(deps.metrics.contentType);
    return text;
  },
});
