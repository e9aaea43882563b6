import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runConnector } from '../pipelines/ingest/worker.js';
import { waitForDrain } from '../pipelines/sweep.js';
import type { Hub } from '../src/hub.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { testHub } from './helpers/hub.js';
import { until } from './helpers/poll.js';
import { accountingHolds } from './helpers/ledger.js';

/** workers.ingestBacklog: a connector run reads its next page only while few pages wait. */
describe('ingest backpressure', () => {
  let sandbox: Sandbox;
  const LIMIT = 2;
  const connectors = () => {
    const all = sandboxConnectors(sandbox.urls);
    return { budget: { ...all.budget, pageSize: 20 } };
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 40, seed: 11 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('holds the run back at the limit and delivers every page once the pipeline takes them', async () => {
    const hub: Hub = await testHub(connectors(), undefined, { workers: { ingestBacklog: LIMIT } });
    try {
      const normalize = hub.queues.q.normalize;
      // A connector run's pages are load jobs: prioritized, behind live changes (LOAD_PRIORITY).
      const backlog = () => hub.queues.backlog('normalize');
      await normalize.pause();
      const waiting: number[] = [];
      const run = runConnector('budget', { full: true, runId: randomUUID() }, hub.deps);
      await until(async () => (await backlog()) === LIMIT, 10_000, 'the backlog at its limit');
      // Held: the run is still going and no page beyond the limit was read.
      expect((await hub.store.connectorState('budget'))['running']).not.toBe('');
      expect(await backlog()).toBe(LIMIT);
      expect(await normalize.getJobCountByTypes('prioritized')).toBe(LIMIT);
      const sample = setInterval(() => void backlog().then((n) => waiting.push(n)), 5);
      await normalize.resume();
      const { pages, fetched } = await run;
      clearInterval(sample);
      await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
      expect(pages).toBeGreaterThan(3 * LIMIT);
      expect(fetched).toBeGreaterThanOrEqual(sandbox.world.data.budget.length);
      expect(Math.max(...waiting)).toBeLessThanOrEqual(LIMIT);
      expect((await accountingHolds(hub.store)).ok).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it('stops a held run at once when the hub shuts down, with the cursor of the last page enqueued', async () => {
    const hub: Hub = await testHub(
      connectors(),
      { api: false, workers: ['ingest'] },
      {
        workers: { ingestBacklog: LIMIT },
      },
    );
    const key = hub.store.keys.connector('budget');
    await hub.queues.add('ingest', { system: 'budget', full: true, runId: randomUUID() });
    await until(async () => (await hub.queues.backlog('normalize')) === LIMIT, 10_000, 'the run held');
    const started = Date.now();
    await hub.close();
    // Not the 10 s that closing grants an active job: the held run stopped when asked.
    expect(Date.now() - started).toBeLessThan(5_000);
    const redis = new Redis(inject('redisUrl'));
    try {
      const state = await redis.hgetall(key);
      expect(state['lastError']).toMatch(/^HUB_CONNECTOR_INTERRUPTED/);
      expect(state['running']).toBe('');
      expect(state['consecutiveFailures'] ?? '0').toBe('0');
      // The saved cursor is the one after the LIMIT pages enqueued: the budget connector's token
      // for its next page, so the next run resumes right there.
      expect(state['state']).toBeTruthy();
    } finally {
      redis.disconnect();
    }
  });
});
