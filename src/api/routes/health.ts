import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** Liveness (process up) and readiness (Redis reachable, a worker alive). */
export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', { config: { scope: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { scope: 'public' } }, async (_req, reply) => {
    const checks: Record<string, boolean> = { redis: false, workers: false };
    try {
      checks['redis'] = (await deps.store.redis.ping()) === 'PONG';
      const alive = await deps.store.redis.zcount(deps.store.keys.workersAlive, Date.now() - 15_000, '+inf');
      checks['workers'] = alive > 0;
    } catch {
      /* reported below */
    }
    const ok = Object.values(checks).every(Boolean);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });
}
