import { z } from 'zod';
import { buildOpenApiFrom, type OpenApiDocument } from '../../openapi/document.js';
import { defineRoute, type AnyRoute } from '../../route.js';

export const OPENAPI_URL = '/api/v1/openapi.json';

export const OpenApiBody = z
  .object({ openapi: z.string() })
  .catchall(z.unknown())
  .describe('An OpenAPI 3.1 document.');

// The route table is fixed once the server is built, so its document is too.
const cache = new WeakMap<readonly AnyRoute[], OpenApiDocument>();

export default defineRoute({
  method: 'GET',
  url: OPENAPI_URL,
  scope: 'public',
  summary: 'This API as an OpenAPI 3.1 document',
  tags: ['docs'],
  response: OpenApiBody,
  handler: async ({ routes }) => {
    let doc = cache.get(routes);
    if (!doc) cache.set(routes, (doc = buildOpenApiFrom(routes)));
    return doc;
  },
});
