import { ROUTES } from '../routes/index.js';
import { buildOpenApiFrom, type OpenApiDocument } from './document.js';
import { prettierJson } from './prettierJson.js';

export type { OpenApiDocument } from './document.js';

/** The OpenAPI 3.1 document of the hub's API (what `GET /api/v1/openapi.json` serves). */
export function buildOpenApi(): OpenApiDocument {
  return buildOpenApiFrom(ROUTES);
}

/** docs/openapi.json as committed: the document laid out the way prettier lays out JSON. */
export function openApiJson(): string {
  return prettierJson(buildOpenApi());
}
