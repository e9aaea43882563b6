import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.js';
import { rateLimitKey } from '../../src/api/rateLimit.js';
import type { Hub } from '../../src/hub.js';
import { testHub } from '../helpers/hub.js';

const PER_MINUTE = 5;
const RATE_LIMITED = { error: { code: 'HUB_API_RATE_LIMITED', message: 'rate limit exceeded' } };

describe('per-key rate limit', () => {
  let hub: Hub & { adminKey: string; readKey: string };
  let api: FastifyInstance;
  // Each test starts 15 s into a minute of its own (the window ends in 45 s): a pinned clock keeps
  // tests off minute edges and out of each other's windows.
  let minute = Date.UTC(2030, 0, 1, 8, 0, 0);
  let now = minute;

  const get = (url: string, key?: string) =>
    api.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

  beforeAll(async () => {
    hub = await testHub({}, { api: false, workers: false });
    const config = { ...hub.config, api: { ...hub.config.api, rateLimit: { perMinute: PER_MINUTE } } };
    api = await buildApi(
      {
        config,
        store: hub.store,
        queues: hub.queues,
        log: hub.log,
        ledger: hub.deps.ledger,
        metrics: hub.metrics,
        status: () => Promise.reject(new Error('not used')),
      },
      { now: () => now },
    );
  });
  beforeEach(() => {
    minute += 60_000;
    now = minute + 15_000;
  });
  afterAll(async () => {
    await api.close();
    await hub.close();
  });

  it('answers the request past perMinute with a bare 429 and Retry-After; other keys are unaffected', async () => {
    for (let i = 0; i < PER_MINUTE; i++)
      expect((await get('/api/v1/accounting', hub.adminKey)).statusCode).toBe(200);
    const over = await get('/api/v1/accounting', hub.adminKey);
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBe('45');
    expect(over.json()).toStrictEqual(RATE_LIMITED);

    expect((await get('/api/v1/accounting', hub.readKey)).statusCode).toBe(200);

    // Counted in Redis under the hub's prefix, per key name and minute, and expiring.
    const key = rateLimitKey(hub.store.keys.prefix, 'key:admin', Math.floor(now / 60_000));
    expect(key.startsWith(`{${hub.config.redis.prefix}}:rl:`)).toBe(true);
    expect(await hub.store.redis.get(key)).toBe(String(PER_MINUTE + 1));
    expect(await hub.store.redis.ttl(key)).toBeGreaterThan(0);
  });

  it('counts requests without a key by address, and not against any key', async () => {
    for (let i = 0; i < PER_MINUTE; i++) expect((await get('/api/v1/openapi.json')).statusCode).toBe(200);
    const over = await get('/api/v1/openapi.json');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toStrictEqual(RATE_LIMITED);
    // A client without a key cannot probe for keys once it is over its rate either.
    expect((await get('/api/v1/projects')).statusCode).toBe(429);
    expect((await get('/api/v1/projects', hub.readKey)).statusCode).toBe(200);
  });

  it('never limits the health probes', async () => {
    for (let i = 0; i < PER_MINUTE * 2; i++) expect((await get('/healthz')).statusCode).toBe(200);
  });

  it('opens a fresh window each minute', async () => {
    for (let i = 0; i < PER_MINUTE; i++) await get('/api/v1/accounting', hub.adminKey);
    expect((await get('/api/v1/accounting', hub.adminKey)).statusCode).toBe(429);
    now += 45_000;
    expect((await get('/api/v1/accounting', hub.adminKey)).statusCode).toBe(200);
  });
});
