import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeProcessor } from '../pipelines/merge/worker.js';
import type { Hub } from '../src/hub.js';
import { budgetPage, testHub } from './helpers/hub.js';
import { until } from './helpers/poll.js';
import { xmk, zb } from './helpers/budgetRecords.js';

/**
 * A merge job reads and merges its projects a few at a time (MERGE_CHUNK in
 * pipelines/merge/worker.ts) and commits them together: every project of a job larger than a
 * chunk must be merged from its own records and reported under its own key.
 */
describe('a merge job of more projects than it merges at once', () => {
  let hub: Hub;
  const N = 120;
  const code = (i: number) => `1502032023040${String(10_000 + i)}`;

  beforeAll(async () => {
    // No merge worker: the projects are linked and wait for the merge this test runs.
    hub = await testHub({}, { workers: ['normalize', 'link'] });
    const keys = Array.from({ length: N }, (_, i) => code(i));
    await hub.queues.add(
      'normalize',
      budgetPage(
        'XMK.QUERY',
        keys.map((k, i) => xmk(k, `2023-150203-48-01-${String(100_000 + i)}`, `第${i}号综合管廊建设项目`)),
      ),
    );
    // One indicator per project, its amount telling the projects apart.
    await hub.queues.add(
      'normalize',
      budgetPage(
        'ZB.QUERY',
        keys.map((k, i) => zb(`ZB${i}`, k, `${i + 1}.00`)),
      ),
    );
    await until(
      async () => Number((await hub.store.accounting())['budget']?.linked ?? 0) === 2 * N,
      30_000,
      'every record linked',
    );
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('merges each project from its own records and reports each under its own key', async () => {
    const keys = Array.from({ length: N }, (_, i) => code(i));
    const r = (await mergeProcessor({ keys }, hub.deps, {} as never)) as { versions: number };
    expect(r.versions).toBe(N);
    const docs = await hub.store.getProjectsRaw(keys);
    docs.forEach((raw, i) => {
      const doc = JSON.parse(raw!.doc) as { projectKey: string; money: { allocatedFen: number } };
      expect(doc.projectKey).toBe(keys[i]);
      expect(doc.money.allocatedFen).toBe((i + 1) * 100);
      expect(raw!.version).toBe(1);
    });
    expect((await hub.store.redis.smembers(hub.store.keys.needPublish)).sort()).toEqual([...keys].sort());
  });
});
