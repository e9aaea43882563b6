import type { StageDeps } from './runtime.js';
import { enqueueSet } from './sweep.js';

/**
 * When to merge. While records are still pouring in (jobs waiting in normalize or link), merging
 * a project now is wasted: a full sync brings each project's records in about ten separate
 * batches, and each would trigger another merge. So under a backlog the projects are left in the
 * merge outbox (commitLinks-var.lua put them there) and merged once when the flow settles; with the
 * pipeline idle they are merged at once, so a single push reaches the change feed without delay.
 *
 * A load of several systems (`hub sync --all`) holds merges back from its start until its last
 * wave is read (pipelines/load.ts): its backlog clears at each wave boundary.
 *
 * Two exceptions keep a long load from hiding other changes: live changes (`live`: a smart-city
 * push, a manual link) are merged at once whatever the backlog, and deferred merges wait at most
 * `workers.mergeDeferMaxMs` — past that the outbox is merged even while the load goes on.
 */
export async function requestMerges(
  deps: StageDeps,
  keys: Iterable<string>,
  opts: { live?: boolean } = {},
): Promise<'now' | 'deferred'> {
  const all = [...keys];
  if (all.length === 0) return 'now';
  if (!opts.live && (await upstreamBacklog(deps)) >= deps.config.workers.mergeDeferBacklog) {
    // NX: the flag keeps the moment the oldest deferred merge was left, which bounds its wait.
    await deps.store.redis.set(deps.store.keys.mergeDeferred, String(Date.now()), 'NX');
    return 'deferred';
  }
  await deps.queues.addIds('merge', all, { live: opts.live });
  await settleDeferredMerges(deps);
  return 'now';
}

/**
 * Enqueues the merges left in the outbox while the pipeline was busy, once it no longer is or the
 * oldest has waited `workers.mergeDeferMaxMs`. Called after link jobs and on a timer in processes
 * that run link workers (the last link job of a burst may itself have seen a backlog). Returns the
 * number of projects enqueued.
 */
export async function settleDeferredMerges(deps: StageDeps, nowMs = Date.now()): Promise<number> {
  const { store } = deps;
  const since = await store.redis.get(store.keys.mergeDeferred);
  if (since === null) return 0;
  // A flag without a time (written by an earlier version) counts as overdue.
  const overdue = !(nowMs - Number(since) < deps.config.workers.mergeDeferMaxMs);
  if (!overdue && (await upstreamBacklog(deps)) >= deps.config.workers.mergeDeferBacklog) return 0;
  // GETDEL: of several processes settling at once, one sweeps.
  if ((await store.redis.getdel(store.keys.mergeDeferred)) === null) return 0;
  return enqueueSet(store, deps.queues, store.keys.needMerge, 'merge');
}

/** Jobs waiting in normalize and link; a load between its waves counts as a backlog that never clears. */
async function upstreamBacklog(deps: StageDeps): Promise<number> {
  const [normalize, link, held] = await Promise.all([
    deps.queues.backlog('normalize'),
    deps.queues.backlog('link'),
    deps.store.redis.exists(deps.store.keys.loadHold),
  ]);
  return held ? Infinity : normalize + link;
}
