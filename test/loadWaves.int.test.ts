import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWaves } from '../pipelines/ingest/waves.js';
import { enqueueLoad, HOLD_MS, holdMerges, markRunEnded, waveReady } from '../pipelines/load.js';
import { requestMerges, settleDeferredMerges } from '../pipelines/mergeSchedule.js';
import { waitForDrain } from '../pipelines/sweep.js';
import { syncOnce } from '../src/cli/syncOnce.js';
import type { Hub } from '../src/hub.js';
import { SYSTEMS, type SystemId } from '../src/model/systems.js';
import { STAGES } from '../src/queues.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { budgetPage, testHub } from './helpers/hub.js';
import { accountingHolds } from './helpers/ledger.js';

/**
 * A load of several systems runs in waves (pipelines/ingest/waves.ts): each wave starts when the
 * records of the earlier ones are linked, and no project is merged before the last wave is read.
 */
describe('a load in waves', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 40, seed: 5 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const ms = (iso: string | undefined) => Date.parse(iso ?? '');

  /** Every wave started after every run of the wave before it ended; returns the last wave's start. */
  async function expectWavesInOrder(hub: Hub, runId: string, systems: readonly SystemId[]): Promise<number> {
    const state = new Map<SystemId, Record<string, string>>();
    for (const s of systems) {
      const st = await hub.store.connectorState(s);
      expect(st['lastRunId'], s).toBe(runId);
      expect(st['lastError'] ?? '', s).toBe('');
      state.set(s, st);
    }
    const waves = loadWaves(systems);
    expect(waves.length).toBe(3);
    for (let i = 1; i < waves.length; i++) {
      const ended = Math.max(...waves[i - 1]!.map((s) => ms(state.get(s)!['lastSuccess'])));
      const started = Math.min(...waves[i]!.map((s) => ms(state.get(s)!['lastStart'])));
      expect(started, `wave ${i} (${waves[i]!.join(', ')})`).toBeGreaterThanOrEqual(ended);
    }
    return Math.min(...waves.at(-1)!.map((s) => ms(state.get(s)!['lastStart'])));
  }

  /** The earliest moment any project of the ledger was merged. */
  async function firstMerge(hub: Hub): Promise<number> {
    let first = Infinity;
    const keys = await hub.store.listProjectKeys(null, 10_000);
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) for (const h of await hub.store.history(key)) first = Math.min(first, ms(h.at));
    return first;
  }

  it('queued (`hub sync --all`): waves in order, no merge before the last wave is read, the ledger whole', async () => {
    const hub = await testHub(sandboxConnectors(sandbox.urls), { workers: [...STAGES] });
    try {
      const { runId, waves } = await enqueueLoad(hub.queues, SYSTEMS, { full: true, trigger: 'cli' });
      expect(waves).toEqual(loadWaves(SYSTEMS));
      await waitForDrain(hub.store, hub.queues, { timeoutMs: 60_000 });
      const lastWave = await expectWavesInOrder(hub, runId, SYSTEMS);
      // History times are whole seconds.
      expect(await firstMerge(hub)).toBeGreaterThanOrEqual(Math.floor(lastWave / 1000) * 1000);
      const inv = await accountingHolds(hub.store);
      expect(inv.ok, JSON.stringify(inv.detail)).toBe(true);
    } finally {
      await hub.close();
    }
  }, 90_000);

  it('in this process (`hub sync --once`): the same order', async () => {
    const hub = await testHub(sandboxConnectors(sandbox.urls));
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: true, quiet: true });
      expect(rows.every((r) => r.ok)).toBe(true);
      const runId = (await hub.store.connectorState('budget'))['lastRunId']!;
      const lastWave = await expectWavesInOrder(hub, runId, SYSTEMS);
      // History times are whole seconds.
      expect(await firstMerge(hub)).toBeGreaterThanOrEqual(Math.floor(lastWave / 1000) * 1000);
    } finally {
      await hub.close();
    }
  }, 90_000);

  it('waits as a delayed job: a later wave queued first does not keep its upstream out of the only slot', async () => {
    const hub = await testHub(
      sandboxConnectors(sandbox.urls),
      { workers: [...STAGES] },
      { workers: { concurrency: 1 } },
    );
    try {
      const runId = randomUUID();
      // Waiting in its worker slot, the asset run would keep the budget run from ever starting.
      await hub.queues.add(
        'ingest',
        { system: 'asset', full: true, runId, after: ['budget'] },
        { attempts: 1 },
      );
      await hub.queues.add('ingest', { system: 'budget', full: true, runId, after: [] }, { attempts: 1 });
      await waitForDrain(hub.store, hub.queues, { timeoutMs: 60_000 });
      const budget = await hub.store.connectorState('budget');
      const asset = await hub.store.connectorState('asset');
      expect([budget['lastRunId'], asset['lastRunId']]).toEqual([runId, runId]);
      expect(ms(asset['lastStart'])).toBeGreaterThanOrEqual(ms(budget['lastSuccess']));
    } finally {
      await hub.close();
    }
  }, 90_000);

  it('starts a wave after workers.mergeDeferMaxMs even when a run it waits for never ends', async () => {
    const hub = await testHub(
      sandboxConnectors(sandbox.urls),
      { workers: [...STAGES] },
      { workers: { mergeDeferMaxMs: 1_000 } },
    );
    try {
      const runId = randomUUID();
      const job = await hub.queues.add(
        'ingest',
        { system: 'benefit', full: true, runId, after: ['budget'] },
        { attempts: 1 },
      );
      await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
      const benefit = await hub.store.connectorState('benefit');
      expect(benefit['lastRunId']).toBe(runId);
      expect(benefit['lastError'] ?? '').toBe('');
      expect(ms(benefit['lastStart']) - job.timestamp).toBeGreaterThanOrEqual(1_000);
    } finally {
      await hub.close();
    }
  }, 60_000);

  it('opens a wave for all its runs once one of them finds it ready, busy pipeline or not', async () => {
    const hub = await testHub({}, { workers: false });
    try {
      const { store, queues } = hub;
      const runId = randomUUID();
      expect(await waveReady(store, queues, runId, ['budget'])).toBe(false);
      await markRunEnded(store, runId, 'budget');
      expect(await waveReady(store, queues, runId, ['budget'])).toBe(true);
      // The first run of the wave reads: its pages keep normalize busy.
      await queues.add('normalize', budgetPage('XMK.QUERY', []));
      expect(await queues.busy('normalize')).toBe(1);
      expect(await waveReady(store, queues, runId, ['budget'])).toBe(true);
      // The next wave waits for this one's runs, and then for the pipeline.
      await markRunEnded(store, runId, 'oa');
      expect(await waveReady(store, queues, runId, ['budget', 'oa'])).toBe(false);
      await queues.q.normalize.obliterate({ force: true });
      expect(await waveReady(store, queues, runId, ['budget', 'oa'])).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it('defers merges while a load holds them, and merges again once the hold lapses', async () => {
    const hub = await testHub({}, { workers: false });
    try {
      const { store } = hub;
      await holdMerges(store);
      const ttl = await store.redis.pttl(store.keys.loadHold);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HOLD_MS);
      // As a link commit leaves it: the project in the merge outbox, then the request.
      await store.redis.sadd(store.keys.needMerge, 'P1');
      expect(await requestMerges(hub.deps, ['P1'])).toBe('deferred');
      expect(await settleDeferredMerges(hub.deps)).toBe(0);
      expect(await hub.queues.q.merge.count()).toBe(0);
      await store.redis.del(store.keys.loadHold);
      expect(await settleDeferredMerges(hub.deps)).toBe(1);
      expect(await hub.queues.q.merge.count()).toBe(1);
      expect(await requestMerges(hub.deps, ['P2'])).toBe('now');
    } finally {
      await hub.close();
    }
  });
});
