import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Scope } from '../config/schema.js';
import type { ErrorFactory } from '../errors.js';
import type { ApiDeps } from './deps.js';
import type { RawJson } from './rawJson.js';

/**
 * Who may call a route: an API key with `ledger:read` or `admin` (admin keys may call
 * everything), the smart-city platform's signature (`signature`, checked by the route itself),
 * or anyone (`public`).
 */
export type RouteScope = Scope | 'signature' | 'public';

/** A request header a route reads, for the OpenAPI document. */
export interface HeaderDoc {
  name: string;
  required: boolean;
  description: string;
  schema: z.ZodType;
}

/** A body taken as raw bytes (the smart-city push is verified over its exact bytes). */
export interface RawBodySpec {
  /** Documented shape of the bytes once parsed; the handler parses them itself. */
  schema: z.ZodType;
  contentType: string;
  limit: (deps: ApiDeps) => number;
}

export interface RouteContext<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  /** The body's exact bytes, for routes declaring `rawBody` (empty when none was sent). */
  raw: Buffer;
  deps: ApiDeps;
  req: FastifyRequest;
  reply: FastifyReply;
  /** The route table this route is served from (the OpenAPI route documents it). */
  routes: readonly AnyRoute[];
}

export interface RouteDef<
  Q extends z.ZodType,
  P extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  method: 'GET' | 'POST';
  /** Fastify path syntax (`/api/v1/projects/:key`). */
  url: string;
  scope: RouteScope;
  summary: string;
  description?: string;
  tags: readonly string[];
  query?: Q;
  params?: P;
  body?: B;
  rawBody?: RawBodySpec;
  headers?: readonly HeaderDoc[];
  /** Schema of the success body (`status`), and of `alsoAnswers` bodies. */
  response: R;
  /** Success status; 200 unless stated. */
  status?: number;
  /** Other statuses answered with the success schema (readyz: 503 when not ready). */
  alsoAnswers?: Readonly<Record<number, string>>;
  /** Content type of the success body; JSON unless stated. */
  produces?: 'application/json' | 'text/html' | 'text/plain';
  /** Errors this route raises itself, beyond the 400/401/403/429/500 every route may answer. */
  errors?: readonly ErrorFactory[];
  /** false: not counted by the per-key rate limit (health probes must not depend on Redis). */
  rateLimit?: false;
  // Method syntax on purpose: lets a route with concrete schemas be stored as an AnyRoute.
  // A RawJson answer is sent as it is: it must be what serializing a `response` would give.
  handler(ctx: RouteContext<z.output<Q>, z.output<P>, z.output<B>>): Promise<z.output<R> | RawJson>;
}

/** Any declared route, as the route table holds them. */
export type AnyRoute = RouteDef<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

/**
 * Declares one endpoint: its contract (scope, schemas, documented errors) and its handler.
 * Registration validates `query`/`params`/`body` with the schemas and applies the scope; the
 * OpenAPI document is generated from the same declaration. An identity function, for types.
 *
 * @example
 * export default defineRoute({
 *   method: 'GET',
 *   url: '/api/v1/changes',
 *   scope: 'ledger:read',
 *   summary: 'The change feed',
 *   tags: ['changes'],
 *   query: z.object({ after: z.coerce.number().int().min(0).default(0) }),
 *   response: ChangesPage,
 *   handler: ({ query, deps }) => deps.store.changes(query.after, 100),
 * });
 */
export function defineRoute<
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(def: RouteDef<Q, P, B, R>): RouteDef<Q, P, B, R> {
  return def;
}
