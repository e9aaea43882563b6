import { randomUUID } from 'node:crypto';
import type { LedgerStore } from '../src/ledger/store.js';
import type { SystemId } from '../src/model/systems.js';
import type { IngestJob } from '../src/queues.js';
import { loadPlan, loadWaves } from './ingest/waves.js';
import type { Queues } from './runtime.js';
import { enqueueSet } from './sweep.js';

/*
 * A load of several systems (`hub sync --all`): one run per system, in the waves of
 * pipelines/ingest/waves.ts, each waiting for the earlier waves' records to be linked, and merges
 * held back until the last wave is read. This module is the Redis side of it.
 */

/**
 * How long a hold outlives its last renewal. A load renews it while any of its runs waits for its
 * wave or reads pages; when a process holding it dies, merges resume after this long.
 */
export const HOLD_MS = 5_000;

/**
 * Holds deferred merges back (pipelines/mergeSchedule.ts) while a load is between waves: its link
 * backlog empties at each boundary, and merging then would merge every project of the first waves
 * once per wave instead of once when the load is in.
 */
export async function holdMerges(store: LedgerStore): Promise<void> {
  await store.redis.set(store.keys.loadHold, '1', 'PX', HOLD_MS);
}

/** Sets a flag of a load in its run hash, which lives as long as the run's tallies. */
async function setRunFlag(store: LedgerStore, runId: string, field: string): Promise<void> {
  const key = store.keys.run(runId);
  await store.redis
    .pipeline()
    .hset(key, field, '1')
    .expire(key, 7 * 24 * 3600)
    .exec();
}

/** Marks a run of a load ended, successfully or not: the later waves stop waiting for it. */
export async function markRunEnded(store: LedgerStore, runId: string, system: SystemId): Promise<void> {
  await setRunFlag(store, runId, `${system}:ended`);
}

/**
 * Whether a run may start its wave: the runs it waits for (`after`, same run id) have ended and
 * every record they brought has gone through normalize and link. Names that changed meanwhile
 * re-examine the records linked by title first (as a sweep would at the end), so that the next
 * wave's records match titles against every name of the earlier ones, and not again afterwards.
 * The first run to find its wave ready opens it for the others of the wave (the runs with the
 * same `after`): once its pages flow, the pipeline is no longer idle for them to see.
 */
export async function waveReady(
  store: LedgerStore,
  queues: Queues,
  runId: string,
  after: readonly SystemId[],
): Promise<boolean> {
  const wave = `open:${after.join(',')}`;
  const [open, ...ended] = await store.redis.hmget(
    store.keys.run(runId),
    wave,
    ...after.map((s) => `${s}:ended`),
  );
  if (open === '1') return true;
  if (ended.some((v) => v !== '1')) return false;
  const [normalize, link] = await Promise.all([queues.busy('normalize'), queues.busy('link')]);
  if (normalize + link > 0) return false;
  if (
    (await store.redis.getdel(store.keys.titlesStale)) === '1' &&
    (await enqueueSet(store, queues, store.keys.titleRefs, 'link')) > 0
  )
    return false;
  await setRunFlag(store, runId, wave);
  return true;
}

/**
 * Waits, in this process, until the next wave of a load run here may start (`hub sync --once`),
 * holding merges back meanwhile; at most `maxMs` from `since`.
 */
export async function awaitWave(
  store: LedgerStore,
  queues: Queues,
  runId: string,
  after: readonly SystemId[],
  opts: { since: number; maxMs: number; pollMs?: number },
): Promise<'ready' | 'overdue'> {
  for (;;) {
    await holdMerges(store);
    if (await waveReady(store, queues, runId, after)) return 'ready';
    if (Date.now() - opts.since >= opts.maxMs) return 'overdue';
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}

/**
 * Queues a run of each system, as one load when there are several: one run id, and each run
 * told which earlier waves to wait for (`loadPlan`). Returns the run id and the waves.
 */
export async function enqueueLoad(
  queues: Queues,
  systems: readonly SystemId[],
  opts: { full: boolean; trigger: IngestJob['trigger'] },
): Promise<{ runId: string; waves: SystemId[][] }> {
  const runId = randomUUID();
  const load = systems.length > 1;
  for (const { system, after } of loadPlan(systems))
    await queues.add(
      'ingest',
      { system, full: opts.full, runId, trigger: opts.trigger, ...(load && { after }) },
      { attempts: 1 },
    );
  return { runId, waves: loadWaves(systems) };
}
