import type { ErrorFactory } from '../../errors.js';
import { HubErrors } from '../../errors.js';
import type { AnyRoute } from '../route.js';
import { ErrorBody } from '../schemas/error.js';
import { jsonSchema, type JsonSchema } from './jsonSchema.js';

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
};

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters: Parameter[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, Response>;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: JsonSchema }>;
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };

const TAGS = [
  { name: 'projects', description: 'The golden project ledger (ledger.md §3).' },
  { name: 'changes', description: 'The change feed consumers follow.' },
  { name: 'review', description: 'Records that need a person: unlinked and quarantined ones, manual links.' },
  { name: 'accounting', description: 'Where every received record went.' },
  { name: 'connectors', description: 'Source system connectors.' },
  { name: 'inbound', description: 'Pushes from source systems.' },
  { name: 'health', description: 'Probes for orchestrators.' },
  { name: 'docs', description: 'This document and its browsable form.' },
];

/** `/api/v1/projects/:key` → `/api/v1/projects/{key}` */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

function operationId(route: AnyRoute): string {
  const words = `${route.method.toLowerCase()} ${route.url}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function parametersOf(schema: AnyRoute['query'], where: 'path' | 'query'): Parameter[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function securityOf(route: AnyRoute): Array<Record<string, string[]>> {
  if (route.scope === 'public') return [];
  if (route.scope === 'signature') return [{ smartcitySignature: [] }];
  return [{ apiKey: [route.scope] }];
}

/** Errors any request to the route may meet, besides those the route raises itself. */
function errorsOf(route: AnyRoute): ErrorFactory[] {
  const out: ErrorFactory[] = [];
  const takesInput = route.query || route.params || route.body || route.rawBody;
  if (takesInput) out.push(HubErrors.API_BAD_REQUEST);
  if (route.scope === 'ledger:read' || route.scope === 'admin')
    out.push(HubErrors.API_UNAUTHORIZED, HubErrors.API_FORBIDDEN);
  out.push(...(route.errors ?? []));
  if (route.rateLimit !== false) out.push(HubErrors.API_RATE_LIMITED);
  out.push(HubErrors.INTERNAL);
  return out;
}

function errorResponses(route: AnyRoute): Record<string, Response> {
  const byStatus = new Map<number, ErrorFactory[]>();
  for (const e of errorsOf(route)) {
    const list = byStatus.get(e.spec.status) ?? [];
    if (!list.includes(e)) list.push(e);
    byStatus.set(e.spec.status, list);
  }
  const out: Record<string, Response> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.map((e) => `\`${e.spec.code}\`: ${e.spec.meaning}`).join(' '),
      ...(status === 429
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds until the next request is accepted.',
                schema: { type: 'integer', minimum: 1 },
              },
            },
          }
        : {}),
      content: { 'application/json': { schema: ERROR_REF } },
    };
  }
  return out;
}

function operation(route: AnyRoute): Operation {
  const success = route.status ?? 200;
  const produces = route.produces ?? 'application/json';
  const body = jsonSchema(route.response, 'output');
  const responses: Record<string, Response> = {
    [String(success)]: { description: route.summary, content: { [produces]: { schema: body } } },
  };
  for (const [status, description] of Object.entries(route.alsoAnswers ?? {}))
    responses[status] = { description, content: { [produces]: { schema: body } } };
  Object.assign(responses, errorResponses(route));

  const headers: Parameter[] = (route.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: h.required,
    description: h.description,
    schema: jsonSchema(h.schema, 'input'),
  }));
  const op: Operation = {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    security: securityOf(route),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query'), ...headers],
    responses,
  };
  if (route.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
    };
  else if (route.rawBody)
    op.requestBody = {
      required: true,
      content: { [route.rawBody.contentType]: { schema: jsonSchema(route.rawBody.schema, 'input') } },
    };
  return op;
}

/**
 * The OpenAPI 3.1 document of a route table, generated from the routes' own zod schemas so it
 * cannot drift from what registration validates. Deterministic: same routes, same text.
 */
export function buildOpenApiFrom(routes: readonly AnyRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const p = (paths[openApiPath(route.url)] ??= {});
    p[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Project ledger hub API',
      version: '1.0.0',
      description:
        'The downstream API of the project ledger (ledger.md §4). Errors are always ' +
        '`{"error": {"code", "message"}}` with a stable code (docs/errors.md). Each API key may send ' +
        'api.rateLimit.perMinute requests per minute; beyond that the answer is 429 with Retry-After.',
    },
    tags: TAGS,
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key configured (as its SHA-256) under api.keys, sent as `Authorization: Bearer <key>`. ' +
            'Scopes: `ledger:read` (projects, changes, unlinked, accounting) and `admin` (everything).',
        },
        smartcitySignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-SC-Signature',
          description:
            'The smart-city platform signs each delivery: `sha256=` + hex HMAC-SHA256(pushSecret, ' +
            '`<X-SC-Timestamp>.<raw body>`).',
        },
      },
    },
  };
}
