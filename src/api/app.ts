import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { ApiDeps } from './deps.js';
import { HubError, HubErrors } from '../errors.js';
import { requireScope } from './auth.js';
import { registerConnectorRoutes } from './routes/connectors.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerInboundRoutes } from './routes/inbound.js';
import { registerLedgerRoutes } from './routes/ledger.js';

export type { ApiDeps } from './deps.js';

/** The downstream API (ledger.md §4). Errors are always `{error: {code, message}}`, never a stack. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log.child({ role: 'api' }) as unknown as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  });
  app.addHook('onRequest', requireScope(deps.config.api.keys));
  app.setErrorHandler((err, req, reply) => {
    let e: HubError;
    if (err instanceof HubError) e = err;
    else if (err instanceof ZodError)
      e = HubErrors.API_BAD_REQUEST(
        err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
      );
    else if ((err as { statusCode?: number }).statusCode === 413)
      e = HubErrors.API_PAYLOAD_TOO_LARGE(req.routeOptions.bodyLimit ?? '?');
    else if ((err as { statusCode?: number }).statusCode && (err as { statusCode: number }).statusCode < 500)
      e = HubErrors.API_BAD_REQUEST((err as Error).message);
    else {
      req.log.error({ err: (err as Error).message, url: req.url }, 'request failed');
      e = HubErrors.INTERNAL();
    }
    if (e.status === 429 && e.retryAfterSec !== undefined)
      void reply.header('retry-after', String(e.retryAfterSec));
    void reply.status(e.status).send({ error: { code: e.code, message: e.message } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({
      error: {
        code: HubErrors.API_NOT_FOUND.spec.code,
        message: `${req.method} ${req.url.split('?')[0]} not found`,
      },
    });
  });
  registerHealthRoutes(app, deps);
  registerLedgerRoutes(app, deps);
  registerConnectorRoutes(app, deps);
  registerInboundRoutes(app, deps);
  return app;
}
