import { z } from 'zod';
import { defineRoute } from '../../route.js';

export const Readiness = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.object({
    redis: z.boolean().describe('Redis answers PING.'),
    workers: z.boolean().describe('At least one worker sent a heartbeat in the last 15 s.'),
  }),
});

/** A worker that has not beaten for this long is taken as gone. */
const WORKER_STALE_MS = 15_000;
/** Commands queue while Redis reconnects; a probe must answer anyway. */
const CHECK_TIMEOUT_MS = 1_000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

export default defineRoute({
  method: 'GET',
  url: '/readyz',
  scope: 'public',
  summary: 'Readiness: Redis reachable and a worker alive',
  tags: ['health'],
  response: Readiness,
  alsoAnswers: { 503: 'Not ready: a check failed.' },
  // Readiness reports a Redis outage itself; counting the probe in Redis would hide it.
  rateLimit: false,
  handler: async ({ deps, reply }) => {
    const checks = { redis: false, workers: false };
    try {
      checks.redis = (await within(deps.store.redis.ping(), CHECK_TIMEOUT_MS)) === 'PONG';
      const alive = await within(
        deps.store.redis.zcount(deps.store.keys.workersAlive, Date.now() - WORKER_STALE_MS, '+inf'),
        CHECK_TIMEOUT_MS,
      );
      checks.workers = alive > 0;
    } catch {
      /* reported below */
    }
    const ok = checks.redis && checks.workers;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? ('ready' as const) : ('not ready' as const), checks };
  },
});
