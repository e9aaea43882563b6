import { z } from 'zod';
import { defineRoute } from '../../route.js';
import { OPENAPI_URL } from './getOpenApi.js';
import { docsPage } from './page.js';

const PAGE = docsPage(OPENAPI_URL);

export default defineRoute({
  method: 'GET',
  url: '/docs',
  scope: 'public',
  summary: 'Browsable API reference (HTML)',
  tags: ['docs'],
  produces: 'text/html',
  response: z.string(),
  handler: async () => PAGE,
});
