import { Worker, type ConnectionOptions } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestMerges } from '../pipelines/mergeSchedule.js';
import type { Hub } from '../src/hub.js';
import type { StageName } from '../src/queues.js';
import { budgetPage, testHub } from './helpers/hub.js';
import { until } from './helpers/poll.js';

/**
 * Live changes (pushes, manual links) overtake a load's queued jobs in every stage: the load's
 * jobs carry LOAD_PRIORITY, and BullMQ takes jobs without a priority first.
 */
describe('the live lane', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Takes `stage`'s queued jobs one at a time, as a worker does, and returns their payloads in that order. */
  async function takeInOrder(stage: StageName, count: number): Promise<Array<Record<string, unknown>>> {
    const taken: Array<Record<string, unknown>> = [];
    const connection = hub.deps.connect();
    const worker = new Worker(
      stage,
      async (job) => {
        taken.push(job.data as Record<string, unknown>);
      },
      {
        connection: connection as unknown as ConnectionOptions,
        prefix: hub.queues.prefixOf(stage),
        concurrency: 1,
      },
    );
    try {
      await until(async () => taken.length === count, 10_000, `${count} ${stage} jobs taken`);
    } finally {
      await worker.close();
      connection.disconnect();
    }
    return taken;
  }

  it('takes a live link job before the load queued ahead of it, and the load in its order', async () => {
    const { queues } = hub;
    for (const id of ['load-1', 'load-2', 'load-3']) await queues.addIds('link', [id]);
    await queues.addIds('link', ['manual'], { live: true });
    await queues.addIds('link', ['load-4']);
    // Both lanes are backlog: merges defer and connector runs hold back on all of it.
    expect(await queues.backlog('link')).toBe(5);
    const taken = await takeInOrder('link', 5);
    expect(taken.map((d) => (d['ids'] as string[])[0])).toEqual([
      'manual',
      'load-1',
      'load-2',
      'load-3',
      'load-4',
    ]);
    expect(taken[0]!['live']).toBe(true);
  });

  it('takes a pushed page before the pages of a connector run', async () => {
    const { queues } = hub;
    await queues.add('normalize', budgetPage('RUN-1', []));
    await queues.add('normalize', budgetPage('RUN-2', []));
    await queues.add('normalize', { ...budgetPage('PUSH', []), live: true });
    expect(await queues.q.normalize.getJobCountByTypes('prioritized')).toBe(2);
    expect(await queues.backlog('normalize')).toBe(3);
    const taken = await takeInOrder('normalize', 3);
    expect(taken.map((d) => d['stream'])).toEqual(['PUSH', 'RUN-1', 'RUN-2']);
  });

  it("merges a live change's project before the load's merges, and keeps it live for publishing", async () => {
    const { queues } = hub;
    await queues.addIds('merge', ['P-LOAD-1']);
    await queues.addIds('merge', ['P-LOAD-2']);
    expect(await requestMerges(hub.deps, ['P-LIVE'], { live: true })).toBe('now');
    const taken = await takeInOrder('merge', 3);
    expect(taken.map((d) => (d['keys'] as string[])[0])).toEqual(['P-LIVE', 'P-LOAD-1', 'P-LOAD-2']);
    expect(taken.map((d) => d['live'] ?? false)).toEqual([true, false, false]);
  });
});
