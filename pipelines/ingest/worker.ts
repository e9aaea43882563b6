import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { connectorFor } from '../../connectors/index.js';
import type { CommonConnectorConfig } from '../../src/connector/spec.js';
import { HubError, HubErrors } from '../../src/errors.js';
import { connectorContext } from '../../src/connector/run.js';
import type { SystemId } from '../../src/model/systems.js';
import type { Processor, StageDeps } from '../runtime.js';
import { HOLD_MS, holdMerges, markRunEnded, waveReady } from '../load.js';

const LOCK_MS = 60_000;

/** How often a run of a load that waits for its wave looks again. */
const WAVE_POLL_MS = 500;

/**
 * ingest: run one connector. Each page is enqueued for normalization first and only then is the
 * cursor saved (cursor-after-enqueue): a crash anywhere re-reads a page, never skips one. A Redis
 * lock keeps two hubs from running the same connector at once.
 *
 * A run of a load waits for the earlier waves as a delayed job, not in its worker slot: the runs
 * it waits for may be queued behind it in the same slots. It waits at most
 * `workers.mergeDeferMaxMs` from when the load was queued (a run that never ends, a record that
 * keeps failing); the order only saves work, links are right in any order.
 */
export const ingestProcessor: Processor<'ingest'> = async (job, deps, bjob, token) => {
  const { after } = job;
  if (after) {
    await holdMerges(deps.store);
    if (after.length > 0 && !(await waveReady(deps.store, deps.queues, job.runId, after))) {
      const waitedMs = Date.now() - bjob.timestamp;
      if (waitedMs < deps.config.workers.mergeDeferMaxMs) {
        await bjob.moveToDelayed(Date.now() + WAVE_POLL_MS, token);
        throw new DelayedError();
      }
      deps.log.warn(
        { system: job.system, runId: job.runId, after, waitedMs },
        'load wave started before the earlier waves were in',
      );
    }
  }
  try {
    return await runConnector(job.system, { full: job.full, runId: job.runId, holdMerges: !!after }, deps);
  } catch (e) {
    // The HTTP layer already retried transient failures; a failed run waits for the next schedule.
    throw new UnrecoverableError(e instanceof Error ? e.message : String(e));
  } finally {
    if (after) await markRunEnded(deps.store, job.runId, job.system);
  }
};

export async function runConnector(
  system: SystemId,
  /** `holdMerges`: the run is one of a load, and holds deferred merges back while it reads. */
  opts: { full: boolean; runId: string; holdMerges?: boolean },
  deps: StageDeps,
): Promise<{ pages: number; fetched: number }> {
  const { store, log } = deps;
  const def = connectorFor(system);
  const config = deps.config.connectors[system] as CommonConnectorConfig | undefined;
  if (!config || !config.enabled) throw HubErrors.CONNECTOR_DISABLED(system);
  const lockKey = store.keys.connectorLock(system);
  const owner = `${opts.runId}:${randomUUID()}`;
  const got = await store.redis.set(lockKey, owner, 'PX', LOCK_MS, 'NX');
  if (!got) throw HubErrors.CONNECTOR_BUSY(system, (await store.redis.get(lockKey)) ?? '?');
  const renew = setInterval(() => {
    void store.redis.pexpire(lockKey, LOCK_MS);
  }, LOCK_MS / 3);
  const hold = opts.holdMerges
    ? setInterval(() => void holdMerges(store).catch(() => undefined), HOLD_MS / 3)
    : null;
  if (opts.holdMerges) await holdMerges(store);
  const started = Date.now();
  const runLog = log.child({ system, runId: opts.runId });
  let pages = 0;
  let fetched = 0;
  try {
    const ctx = connectorContext(system, deps.config, runLog);
    const saved = await store.connectorState(system);
    const state = !opts.full && saved['state'] ? def.state.parse(JSON.parse(saved['state'])) : undefined;
    await store.saveConnector(system, { running: opts.runId, lastStart: new Date(started).toISOString() });
    runLog.info({ full: opts.full, resumed: state !== undefined }, 'connector run started');
    for await (const page of def.read(ctx, state, { full: opts.full })) {
      await belowBacklog(system, deps);
      // Durable first: BullMQ's add resolves once the job is in Redis.
      await deps.queues.add('normalize', {
        system,
        stream: page.stream,
        position: page.position,
        raws: page.records,
        runId: opts.runId,
        receivedAt: new Date().toISOString(),
      });
      await store.saveConnector(system, {
        state: JSON.stringify(page.state),
        lastPageAt: new Date().toISOString(),
      });
      pages++;
      fetched += page.records.length;
      await store.redis.hincrby(store.keys.run(opts.runId), `${system}:pages`, 1);
    }
    const ms = Date.now() - started;
    await store.saveConnector(system, {
      lastSuccess: new Date().toISOString(),
      lastRunId: opts.runId,
      lastDurationMs: ms,
      lastFetched: fetched,
      lastError: '',
      running: '',
      consecutiveFailures: 0,
    });
    runLog.info({ pages, fetched, durationMs: ms }, 'connector run finished');
    deps.metrics?.recordRun(system, {
      ok: true,
      durationMs: ms,
      fetched,
      new: 0,
      updated: 0,
      unchanged: 0,
      quarantined: 0,
    });
    return { pages, fetched };
  } catch (e) {
    const err = e instanceof HubError ? e : HubErrors.INTERNAL.with({ cause: e });
    const message = e instanceof Error ? e.message : String(e);
    await store.saveConnector(system, {
      lastError: `${err.code}: ${message}`,
      lastErrorAt: new Date().toISOString(),
      lastRunId: opts.runId,
      running: '',
    });
    // A run stopped by a shutdown says nothing about the source.
    if (err.code !== 'HUB_CONNECTOR_INTERRUPTED')
      await store.redis.hincrby(store.keys.connector(system), 'consecutiveFailures', 1);
    runLog.error({ code: err.code, err: message, pages }, 'connector run failed');
    deps.metrics?.recordRun(system, {
      ok: false,
      durationMs: Date.now() - started,
      fetched,
      new: 0,
      updated: 0,
      unchanged: 0,
      quarantined: 0,
    });
    throw e;
  } finally {
    clearInterval(renew);
    if (hold) clearInterval(hold);
    // Release only our own lock.
    await store.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
      1,
      lockKey,
      owner,
    );
  }
}

const BACKLOG_POLL_MS = 100;

/**
 * Holds a connector run back while `workers.ingestBacklog` pages wait for normalization: a full
 * sync reads pages far faster than the pipeline stores them, and would otherwise park a whole
 * source in Redis as queued jobs. The sources' cursors and continuation tokens stay valid while a
 * run waits (see ../shared/sources). When the process is shutting down the run stops at the next
 * page, waiting or not: that page was not enqueued and its cursor not saved, so the next run reads
 * it again.
 */
async function belowBacklog(system: SystemId, deps: StageDeps): Promise<void> {
  const limit = deps.config.workers.ingestBacklog;
  for (;;) {
    if (deps.stopping?.aborted) throw HubErrors.CONNECTOR_INTERRUPTED(system);
    if ((await deps.queues.backlog('normalize')) < limit) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, BACKLOG_POLL_MS);
      function done() {
        clearTimeout(t);
        deps.stopping?.removeEventListener('abort', done);
        resolve();
      }
      deps.stopping?.addEventListener('abort', done);
    });
  }
}
