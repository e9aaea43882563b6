import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestMerges, settleDeferredMerges } from '../pipelines/mergeSchedule.js';
import { mergeProcessor } from '../pipelines/merge/worker.js';
import { normalizeProcessor } from '../pipelines/normalize/worker.js';
import { waitForDrain } from '../pipelines/sweep.js';
import type { Hub } from '../src/hub.js';
import { MEMBER_REVISION } from '../src/ledger/keys.js';
import { budgetPage, testHub } from './helpers/hub.js';
import { until } from './helpers/poll.js';
import { xmk, zb } from './helpers/budgetRecords.js';

/** Merges are settled without a re-read when nothing moved, and deferred while records pour in. */
describe('merge scheduling', () => {
  let hub: Hub;
  const KEY = '150203202304000517';
  const version = async () => Number(await hub.store.redis.hget(hub.store.keys.project(KEY), 'version'));

  beforeAll(async () => {
    hub = await testHub(
      {},
      { workers: ['normalize', 'link', 'merge', 'publish'] },
      { workers: { mergeDeferBacklog: 3 } },
    );
    await hub.queues.add(
      'normalize',
      budgetPage('XMK.QUERY', [xmk(KEY, '2023-150203-48-01-000123', '综合管廊建设项目')]),
    );
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('settles a merge request for a project already merged from its current members', async () => {
    const v = await version();
    expect(v).toBeGreaterThan(0);
    const loadsBefore = await hub.store.redis.hget(hub.store.keys.projectMembers(KEY), MEMBER_REVISION);
    const r = (await mergeProcessor({ keys: [KEY] }, hub.deps, {} as never)) as { skipped: number };
    expect(r.skipped).toBe(1);
    expect(await version()).toBe(v);
    expect(await hub.store.redis.sismember(hub.store.keys.needMerge, KEY)).toBe(0);
    // A member change moves the revision: the next request merges.
    await hub.queues.add('normalize', budgetPage('ZB.QUERY', [zb('ZB1', KEY, '100.00')]));
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
    expect(await hub.store.redis.hget(hub.store.keys.projectMembers(KEY), MEMBER_REVISION)).not.toBe(
      loadsBefore,
    );
    expect(await version()).toBe(v + 1);
  });

  it('defers merges while normalize and link jobs wait, and merges once the backlog clears', async () => {
    const { store, queues } = hub.deps;
    await queues.q.normalize.pause();
    try {
      for (let i = 0; i < 3; i++)
        await queues.add('normalize', budgetPage('ZB.QUERY', [zb(`ZBX${i}`, KEY, '1.00')]));
      await store.redis.sadd(store.keys.needMerge, KEY);
      const mergesBefore = await queues.q.merge.getJobCountByTypes('waiting', 'active', 'completed');
      const before = Date.now();
      expect(await requestMerges(hub.deps, [KEY])).toBe('deferred');
      // The flag keeps when the oldest deferred merge was left.
      expect(Number(await store.redis.get(store.keys.mergeDeferred))).toBeGreaterThanOrEqual(before);
      expect(await queues.q.merge.getJobCountByTypes('waiting', 'active', 'completed')).toBe(mergesBefore);
      // Still busy: nothing is settled yet.
      expect(await settleDeferredMerges(hub.deps)).toBe(0);
      expect(await store.redis.sismember(store.keys.needMerge, KEY)).toBe(1);
    } finally {
      await queues.q.normalize.resume();
    }
    // The backlog drains; the settle timer of the link process enqueues what was deferred.
    await waitForDrain(store, queues, { timeoutMs: 30_000 });
    expect(await store.redis.exists(store.keys.mergeDeferred)).toBe(0);
    expect(await store.redis.sismember(store.keys.needMerge, KEY)).toBe(0);
    const p = await store.getProjectRaw(KEY);
    const records = (JSON.parse(p!.doc).records as Array<{ sourceId: string }>).map((r) => r.sourceId);
    expect(records).toEqual(expect.arrayContaining(['ZBX0', 'ZBX1', 'ZBX2']));
  });

  /** Three normalize jobs held waiting: the backlog a long load keeps up (mergeDeferBacklog is 3 here). */
  async function underLoad(fn: () => Promise<void>) {
    const { store, queues } = hub.deps;
    await queues.q.normalize.pause();
    try {
      for (let i = 0; i < 3; i++)
        await queues.add('normalize', budgetPage('ZB.QUERY', [zb(`ZBLOAD${i}`, KEY, '1.00')]));
      await fn();
    } finally {
      await queues.q.normalize.resume();
    }
    await waitForDrain(store, queues, { timeoutMs: 30_000 });
  }
  const docRecords = async () => {
    const p = await hub.store.getProjectRaw(KEY);
    return (JSON.parse(p!.doc).records as Array<{ sourceId: string }>).map((r) => r.sourceId);
  };
  const linkedTo = async (id: string) =>
    (await hub.store.redis.hexists(hub.store.keys.projectMembers(KEY), id)) === 1;

  it('merges a live change at once while a load keeps the pipeline busy; a load record waits', async () => {
    const { store } = hub.deps;
    await underLoad(async () => {
      // A record of the load: linked, its merge left in the outbox.
      await normalizeProcessor(budgetPage('ZB.QUERY', [zb('ZBBULK', KEY, '3.00')]), hub.deps, {} as never);
      await until(() => linkedTo('budget|indicator|ZBBULK'), 10_000, 'ZBBULK linked');
      await until(async () => (await store.redis.exists(store.keys.mergeDeferred)) === 1, 10_000, 'deferred');
      expect(await docRecords()).not.toContain('ZBBULK');
      // A live one (a push carries live: true) goes through normalize, link and merge at once.
      const live = { ...budgetPage('ZB.QUERY', [zb('ZBLIVE', KEY, '2.00')]), live: true };
      await normalizeProcessor(live, hub.deps, {} as never);
      await until(async () => (await docRecords()).includes('ZBLIVE'), 10_000, 'ZBLIVE merged');
      // Still under load: the backlog is there, and only the live change moved the merge on.
      expect(await hub.deps.queues.backlog('normalize')).toBe(3);
    });
    expect(await docRecords()).toEqual(expect.arrayContaining(['ZBBULK', 'ZBLIVE', 'ZBLOAD0']));
  });

  it('merges deferred projects once the oldest has waited workers.mergeDeferMaxMs, load or not', async () => {
    const { store, config } = hub.deps;
    await underLoad(async () => {
      await store.redis.sadd(store.keys.needMerge, KEY);
      expect(await requestMerges(hub.deps, [KEY])).toBe('deferred');
      const since = Number(await store.redis.get(store.keys.mergeDeferred));
      const maxMs = config.workers.mergeDeferMaxMs;
      expect(maxMs).toBe(1_800_000);
      expect(await settleDeferredMerges(hub.deps, since + maxMs - 1)).toBe(0);
      expect(await store.redis.sismember(store.keys.needMerge, KEY)).toBe(1);
      expect(await settleDeferredMerges(hub.deps, since + maxMs)).toBeGreaterThanOrEqual(1);
      expect(await store.redis.exists(store.keys.mergeDeferred)).toBe(0);
      await until(
        async () => (await store.redis.sismember(store.keys.needMerge, KEY)) === 0,
        10_000,
        'the overdue merge done',
      );
    });
  });

  it('merges at once when the pipeline is idle', async () => {
    await hub.store.redis.sadd(hub.store.keys.needMerge, KEY);
    expect(await requestMerges(hub.deps, [KEY])).toBe('now');
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
    expect(await hub.store.redis.sismember(hub.store.keys.needMerge, KEY)).toBe(0);
  });
});
