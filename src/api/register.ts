import type { FastifyInstance, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { HubErrors } from '../errors.js';
import type { ApiDeps } from './deps.js';
import { RawJson } from './rawJson.js';
import type { AnyRoute } from './route.js';

const EMPTY = Buffer.alloc(0);

/** Parses one part of a request; a failure is a 400 naming the field (`query.limit: …`). */
function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw HubErrors.API_BAD_REQUEST(
    r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; '),
  );
}

function options(route: AnyRoute, deps: ApiDeps, routes: readonly AnyRoute[]): RouteOptions {
  return {
    method: route.method,
    url: route.url,
    config: { scope: route.scope, ...(route.rateLimit === false ? { rateLimit: false as const } : {}) },
    ...(route.rawBody ? { bodyLimit: route.rawBody.limit(deps) } : {}),
    handler: async (req, reply) => {
      const params = parse(route.params, req.params, 'params');
      const query = parse(route.query, req.query, 'query');
      const body = route.rawBody ? undefined : parse(route.body, req.body, 'body');
      const raw = route.rawBody && Buffer.isBuffer(req.body) ? req.body : EMPTY;
      void reply.status(route.status ?? 200);
      if (route.produces && route.produces !== 'application/json')
        void reply.type(`${route.produces}; charset=utf-8`);
      const out: unknown = await route.handler({ query, params, body, raw, deps, req, reply, routes });
      if (!(out instanceof RawJson)) return out;
      void reply.type('application/json; charset=utf-8');
      return out.bytes;
    },
  };
}

/**
 * Registers a route table. Routes that take raw bytes get their own encapsulated scope whose
 * only parser hands the handler the body untouched (signatures are computed over exact bytes).
 */
export function registerRoutes(app: FastifyInstance, routes: readonly AnyRoute[], deps: ApiDeps): void {
  for (const route of routes) {
    if (!route.rawBody) {
      app.route(options(route, deps, routes));
      continue;
    }
    const limit = route.rawBody.limit(deps);
    app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, raw, done) =>
        done(null, raw),
      );
      scope.route(options(route, deps, routes));
    });
  }
}
