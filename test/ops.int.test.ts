import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HUB_NODE_FLAGS } from '../src/cli/nodeFlags.js';
import { waitForDrain } from '../pipelines/sweep.js';
import { loadChecklists } from '../src/config/checklists.js';
import { parseConfig } from '../src/config/load.js';
import { DEFAULT_CHECKLISTS } from '../pipelines/merge/archive.js';
import { startHub } from '../src/hub.js';
import { startEmbeddedRedis } from '../src/redis/embedded.js';
import { remergeAll } from '../src/scheduler/scheduler.js';
import { spawnChild } from './helpers/processes.js';
import { testHub } from './helpers/hub.js';
import { until } from './helpers/poll.js';
import { xmk, zb } from './api/ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'hub-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readiness', () => {
  it('is not ready without a live worker, ready with one, and not ready when Redis is gone', async () => {
    const apiOnly = await testHub({}, { api: true, workers: false });
    try {
      const res = await apiOnly.api!.inject({ method: 'GET', url: '/readyz' });
      // Another test's workers may share the Redis; only this prefix's heartbeats count.
      expect(res.statusCode).toBe(503);
      expect(res.json().checks).toEqual({ redis: true, workers: false });
    } finally {
      await apiOnly.close();
    }
    const redis = await startEmbeddedRedis({ dataDir: join(dir, 'ready') });
    const hub = await startHub(
      parseConfig({ redis: { url: redis.url, prefix: 'ready' }, api: { port: 0 } }, {}),
      { api: true, workers: ['merge'] },
      pino({ level: 'silent' }),
    );
    try {
      expect((await hub.api!.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect((await hub.api!.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      redis.process.kill('SIGKILL');
      await new Promise((r) => redis.process.once('exit', r));
      await until(
        async () => (await hub.api!.inject({ method: 'GET', url: '/readyz' })).statusCode === 503,
        15_000,
        'readyz 503',
      );
      // Liveness does not depend on Redis.
      expect((await hub.api!.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await hub.close();
    }
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('hub serve exits 0 within its deadline on SIGTERM (started like the launchers: no flag warning)', async () => {
    const cfg = join(dir, 'serve.yaml');
    writeFileSync(
      cfg,
      stringify({ redis: { prefix: `sig${randomBytes(4).toString('hex')}` }, api: { port: 0 } }),
    );
    const child = spawnChild(
      process.execPath,
      [...HUB_NODE_FLAGS, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', cfg],
      {
        env: { ...process.env, REDIS_URL: inject('redisUrl'), LOG_FORMAT: 'json' },
        deadlineMs: 60_000,
      },
    );
    await child.waitForLine((l) => l.includes('hub serving'), 30_000);
    const t = Date.now();
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - t).toBeLessThan(20_000);
    expect(child.stdout.filter((l) => l.includes('V8 flags'))).toEqual([]);
  }, 60_000);
});

describe('the scheduler role', () => {
  it('enqueues a run per connector on its schedule, and skips one while the last still runs', async () => {
    const hub = await testHub(
      {
        budget: {
          enabled: true,
          baseUrl: 'http://127.0.0.1:9',
          schedule: '* * * * * *',
          rateLimit: { rps: 1, burst: 1 },
          auth: { SysCode: 'S', Token: 'T' },
        },
      },
      { api: false, workers: false, scheduler: true },
    );
    try {
      await until(async () => (await hub.queues.q.ingest.count()) >= 1, 5_000, 'a scheduled ingest job');
      const jobs = await hub.queues.q.ingest.getJobs(['waiting']);
      expect(jobs[0]!.data).toMatchObject({ system: 'budget', full: false, trigger: 'schedule' });
      expect(hub.scheduler!.next()['budget']).toMatch(/^\d{4}-/);
      // A run holds the lock: no new job while it does.
      await hub.queues.q.ingest.drain();
      await hub.store.redis.set(hub.store.keys.connectorLock('budget'), 'someone', 'PX', 10_000);
      const before = Date.now();
      await until(async () => Date.now() - before > 2_500, 3_000, 'two schedule ticks');
      expect(await hub.queues.q.ingest.count()).toBe(0);
    } finally {
      await hub.close();
    }
  }, 30_000);
});

describe('ledger rules from configuration', () => {
  it('config/checklists.yaml is the ledger.md default; a changed file changes the rules', () => {
    expect(loadChecklists('config/checklists.yaml')).toEqual(DEFAULT_CHECKLISTS);
    const f = join(dir, 'checklists.yaml');
    writeFileSync(
      f,
      stringify({ checklists: [{ evidence: 'payment', stage: 'funded', categories: ['nonFixed'] }] }),
    );
    expect(loadChecklists(f)).toEqual([{ evidence: 'payment', stage: 'funded', categories: ['nonFixed'] }]);
    writeFileSync(f, stringify({ checklists: [{ evidence: 'x', stage: 'nowhere', categories: [] }] }));
    expect(() => loadChecklists(f)).toThrow(/checklists\.0\.stage/);
  });

  it('the daily re-merge gives a project a new version only when its findings moved', async () => {
    const hub = await testHub({}, { api: false, workers: ['normalize', 'link', 'merge', 'publish'] });
    try {
      await hub.queues.add('normalize', {
        system: 'budget',
        stream: 'XMK.QUERY',
        position: {},
        raws: [xmk('150203202304000777', '2023-150203-48-01-000777', '每日复核项目')],
        runId: null,
        receivedAt: new Date().toISOString(),
      });
      await hub.queues.add('normalize', {
        system: 'budget',
        stream: 'ZB.QUERY',
        position: {},
        raws: [zb('ZB777', '150203202304000777', '10.00')],
        runId: null,
        receivedAt: new Date().toISOString(),
      });
      await waitForDrain(hub.store, hub.queues, { timeoutMs: 20_000 });
      const v1 = (await hub.store.getProjectRaw('150203202304000777'))!.version;
      expect(await remergeAll(hub.deps)).toBe(1);
      await waitForDrain(hub.store, hub.queues, { timeoutMs: 20_000 });
      expect((await hub.store.getProjectRaw('150203202304000777'))!.version).toBe(v1);
    } finally {
      await hub.close();
    }
  }, 30_000);
});
