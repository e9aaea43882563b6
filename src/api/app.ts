import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.js';
import { guard } from './auth.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { createRateLimiter } from './rateLimit.js';
import { registerRoutes } from './register.js';
import { ROUTES } from './routes/index.js';
import { registerQueueBoard } from './queueBoard.js';

export type { ApiDeps } from './deps.js';

export interface ApiOptions {
  /** Clock of the rate limiter's minute windows (tests pin it). */
  now?: () => number;
}

const registered = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

/** Every method + URL the server answers, as Fastify registered them (HEAD included). */
export function registeredRoutes(app: FastifyInstance): ReadonlyArray<{ method: string; url: string }> {
  return registered.get(app) ?? [];
}

/** The downstream API (ledger.md §4). Errors are always `{error: {code, message}}`, never a stack. */
export async function buildApi(deps: ApiDeps, options: ApiOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log.child({ role: 'api' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  });
  const seen: Array<{ method: string; url: string }> = [];
  registered.set(app, seen);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) seen.push({ method, url: r.url });
  });
  const limiter = createRateLimiter(deps.store, deps.config.api.rateLimit.perMinute, options.now);
  app.addHook('onRequest', guard(deps.config.api.keys, limiter));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerRoutes(app, ROUTES, deps);
  await registerQueueBoard(app, deps.queues);
  return app;
}
