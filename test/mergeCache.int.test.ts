import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeProjects } from '../pipelines/merge/worker.js';
import { syncOnce } from '../src/cli/syncOnce.js';
import { SYSTEMS } from '../src/model/systems.js';
import { sandboxConnectors, startSandbox } from '../src/sandbox/index.js';
import { generateWave } from '../src/sandbox/world/wave.js';
import type { Hub } from '../src/hub.js';
import { normalizeBatch } from '../pipelines/normalize/normalize.js';
import { connectorFor } from '../connectors/index.js';
import { deliverBudget, testHub } from './helpers/hub.js';
import { xmk, zb, zf } from './helpers/budgetRecords.js';
import { parseSamples, sample } from './metrics/exposition.js';

const KEY = '150203202304000517';

/**
 * The merge worker's cache (src/ledger/mergeCache.ts) must be invisible: every merge it serves
 * gives the document and history entry a merge from Redis alone would, however the records
 * changed behind it.
 */
describe('the merge cache', () => {
  let hub: Hub;
  const uncached = () => ({ ...hub.deps, mergeCache: undefined });
  const project = async () => JSON.parse((await hub.store.getProjectRaw(KEY))!.doc);
  /** Stores a record version as another worker process would: this process never sees the page. */
  const upsertElsewhere = (stream: string, raw: unknown) => {
    const { records } = normalizeBatch([raw], stream, connectorFor('budget').normalize);
    return hub.store.upsertRecords(
      records.map((record) => ({ record, receivedAt: new Date().toISOString() })),
    );
  };

  beforeAll(async () => {
    hub = await testHub({}, undefined, { workers: { mergeCacheRecords: 1_000 } });
    await deliverBudget(hub, 'XMK.QUERY', [xmk(KEY, '2023-150203-48-01-000123', '钢铁大街综合管廊建设项目')]);
    await deliverBudget(hub, 'ZB.QUERY', [zb('ZB1', KEY, '17959838.00')]);
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZFPZ1', KEY, '3500000.00'), zf('ZFPZ2', KEY, '1200000.00')]);
  });
  afterAll(async () => {
    await hub.close();
  });

  it('serves the unchanged members of a re-merge', async () => {
    const cache = hub.deps.mergeCache!;
    expect(cache.maxRecords).toBe(1_000);
    const before = { ...cache.stats };
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZFPZ1', KEY, '3600000.00', 2)]);

    expect((await project()).money.disbursedFen).toBe(480_000_000);
    // Three of the four members came from the cache; the changed payment was read again.
    expect(cache.stats.recordHits - before.recordHits).toBeGreaterThanOrEqual(3);
    expect(cache.stats.documentHits - before.documentHits).toBeGreaterThanOrEqual(1);
    // The history entry names exactly the record that changed, as one read from Redis would.
    const [latest] = (await hub.store.history(KEY)).slice(-1);
    expect((latest!.entry as { records: Array<{ sourceId: string; version: string }> }).records).toEqual([
      expect.objectContaining({ sourceId: 'ZFPZ1', version: '2' }),
    ]);
    // A merge without the cache finds nothing to change.
    expect(await mergeProjects([KEY], uncached())).toEqual([0]);
    // Operators size the cache by what /metrics says.
    const samples = parseSamples(await hub.metrics.render());
    expect(sample(samples, 'hub_merge_cache_records_total', { state: 'hit' })).toBe(cache.stats.recordHits);
    expect(sample(samples, 'hub_merge_cache_records_total', { state: 'miss' })).toBe(
      cache.stats.recordMisses,
    );
  });

  it('reads a record again when its body changed behind it (another process upserted it)', async () => {
    const cache = hub.deps.mergeCache!;
    expect(await mergeProjects([KEY], hub.deps)).toEqual([0]);
    expect(await upsertElsewhere('ZB.QUERY', zb('ZB1', KEY, '18000000.00', 2))).toEqual(['UPDATED']);

    const misses = cache.stats.recordMisses;
    const [version] = await mergeProjects([KEY], hub.deps);
    expect(version).toBeGreaterThan(0);
    expect(cache.stats.recordMisses).toBeGreaterThan(misses);
    expect((await project()).money.allocatedFen).toBe(1_800_000_000);
    expect(await mergeProjects([KEY], uncached())).toEqual([0]);
  });

  it('reads the previous document again when another process committed a new one', async () => {
    const cache = hub.deps.mergeCache!;
    // Another process (no cache of its own) merges a new version first: the cached document
    // hash is no longer the stored one.
    await upsertElsewhere('ZF.QUERY', zf('ZFPZ2', KEY, '1300000.00', 2));
    expect((await mergeProjects([KEY], uncached()))[0]).toBeGreaterThan(0);
    await upsertElsewhere('ZF.QUERY', zf('ZFPZ2', KEY, '1400000.00', 3));

    const misses = cache.stats.documentMisses;
    expect((await mergeProjects([KEY], hub.deps))[0]).toBeGreaterThan(0);
    expect(cache.stats.documentMisses).toBeGreaterThan(misses);
    expect((await project()).money.disbursedFen).toBe(500_000_000);
    const [latest] = (await hub.store.history(KEY)).slice(-1);
    expect((latest!.entry as { records: Array<{ sourceId: string; version: string }> }).records).toEqual([
      expect.objectContaining({ sourceId: 'ZFPZ2', version: '3' }),
    ]);
  });

  it('is off unless configured (workers.mergeCacheRecords)', async () => {
    const off = await testHub({}, { workers: ['merge'] });
    try {
      expect(off.deps.mergeCache).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});

describe('a sandbox city synced with and without the merge cache', () => {
  it('gives the same ledger, document for document, even when the cache is too small to hold it', async () => {
    const sandbox = await startSandbox({ projects: 40, seed: 23 });
    const hubs = [
      await testHub(sandboxConnectors(sandbox.urls)),
      // Far smaller than the city's records: merges see hits, misses and evictions.
      await testHub(sandboxConnectors(sandbox.urls), undefined, { workers: { mergeCacheRecords: 150 } }),
    ];
    const ledger = async (hub: Hub) => {
      const keys = await hub.store.redis.zrange(hub.store.keys.projects, 0, -1);
      const raws = await hub.store.getProjectsRaw(keys);
      const histories = await Promise.all(keys.map((k) => hub.store.history(k)));
      // Which merge a record version lands in depends on the pipeline's timing; that each
      // version is reported, and the document, do not.
      const reported = (i: number) =>
        [
          ...new Set(
            histories[i]!.flatMap((h) =>
              (h.entry as { records: Array<{ sourceId: string; version: string }> }).records.map(
                (r) => `${r.sourceId}|${r.version}`,
              ),
            ),
          ),
        ].sort();
      return new Map(keys.map((k, i) => [k, { doc: raws[i]!.doc, reported: reported(i) }]));
    };
    try {
      for (const hub of hubs) await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      // Then records change at the sources: the cache holds versions that are no longer current.
      const wave = generateWave(sandbox.world, { seed: 7, fraction: 0.3 });
      expect(wave.changedProjects.length).toBeGreaterThan(0);
      sandbox.apply(wave);
      for (const hub of hubs) await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      // A load merges each project once; a project that changes twice in a row is merged again
      // from records the cache still holds.
      const key = (await hubs[0]!.store.redis.zrange(hubs[0]!.store.keys.projects, 0, 0))[0]!;
      for (const [i, je] of ['1.00', '2.00'].entries())
        for (const hub of hubs) await deliverBudget(hub, 'ZB.QUERY', [zb(`ZBCACHE${i}`, key, je)]);
      const [plain, cached] = [await ledger(hubs[0]!), await ledger(hubs[1]!)];
      const cache = hubs[1]!.deps.mergeCache!;
      expect(cache.stats.recordHits).toBeGreaterThan(0);
      expect(cache.stats.recordMisses).toBeGreaterThan(150);
      expect(plain.size).toBeGreaterThan(30);
      expect(cached).toEqual(plain);
    } finally {
      for (const hub of hubs) await hub.close();
      await sandbox.close();
    }
  }, 120_000);
});
