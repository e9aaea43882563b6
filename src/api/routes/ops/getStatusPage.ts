import { z } from 'zod';
import { renderStatusPage } from '../../../status/page.js';
import { defineRoute } from '../../route.js';

export default defineRoute({
  method: 'GET',
  url: '/',
  scope: 'public',
  summary: 'Status page for people (HTML, no scripts)',
  description:
    'Connectors (last run, next run, lag, errors), queues, ledger counts, findings by code, recent dead letters.',
  tags: ['operations'],
  produces: 'text/html',
  response: z.string(),
  handler: async ({ deps }) => renderStatusPage(await deps.status()),
});
