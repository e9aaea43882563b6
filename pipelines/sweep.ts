import type { Queues } from './runtime.js';
import type { LedgerStore } from '../src/ledger/store.js';

/**
 * Re-enqueues whatever the outboxes say is owed (records to link, projects to merge or publish,
 * titles to re-examine). Jobs are wake-ups; the outboxes are the truth, so work lost with a
 * crashed job is found again here.
 */
export async function sweepOutboxes(store: LedgerStore, queues: Queues): Promise<number> {
  const k = store.keys;
  await store.adoptLegacyLinkOutbox();
  let n = await enqueueSet(store, queues, k.needLink, 'link', 'zset');
  for (const [set, stage] of [
    [k.needMerge, 'merge'],
    [k.needPublish, 'publish'],
  ] as const) {
    n += await enqueueSet(store, queues, set, stage);
  }
  if ((await store.redis.getdel(k.titlesStale)) === '1')
    n += await enqueueSet(store, queues, k.titleRefs, 'link');
  return n;
}

/** Enqueues every member of a Redis set (or sorted set) as ids of `stage` jobs, a page at a time; returns how many. */
export async function enqueueSet(
  store: LedgerStore,
  queues: Queues,
  set: string,
  stage: 'link' | 'merge' | 'publish',
  type: 'set' | 'zset' = 'set',
): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, page] =
      type === 'set'
        ? await store.redis.sscan(set, cursor, 'COUNT', 1000)
        : await store.redis.zscan(set, cursor, 'COUNT', 1000);
    cursor = next;
    // ZSCAN pages alternate member and score.
    const ids = type === 'set' ? page : page.filter((_, i) => i % 2 === 0);
    await queues.addIds(stage, ids);
    n += ids.length;
  } while (cursor !== '0');
  return n;
}

/** Waits until no job is queued or running and the outboxes are empty (polling with a deadline). */
export async function waitForDrain(
  store: LedgerStore,
  queues: Queues,
  opts: { timeoutMs: number; onTick?: () => void | Promise<void> },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let idleRounds = 0;
  for (;;) {
    await opts.onTick?.();
    const counts = await queues.counts();
    const busy = Object.values(counts).reduce(
      (n, c) => n + (c['waiting'] ?? 0) + (c['active'] ?? 0) + (c['delayed'] ?? 0) + (c['prioritized'] ?? 0),
      0,
    );
    if (busy === 0) {
      const swept = await sweepOutboxes(store, queues);
      if (swept === 0) {
        // Two quiet observations in a row: nothing was in flight between them.
        if (++idleRounds >= 2) return;
      } else idleRounds = 0;
    } else idleRounds = 0;
    if (Date.now() > deadline) throw new Error(`pipelines did not drain within ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
