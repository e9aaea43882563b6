import type { Redis } from 'ioredis';
import { enqueueLoad } from '../pipelines/load.js';
import { waitForDrain } from '../pipelines/sweep.js';
import type { Queues } from '../pipelines/runtime.js';
import type { LedgerStore } from '../src/ledger/store.js';
import { SYSTEMS } from '../src/model/systems.js';
import { callsDelta, commandCalls } from './redisStats.js';
import { cpuMicros, peakRss, type HubChild } from './procs.js';

export interface SyncMeasure {
  seconds: number;
  records: number;
  cpuMicros: number;
  peakRssBytes: number;
  commands: Array<[string, number]>;
  failed: string[];
}

/**
 * One sync of all six systems done entirely by `hub worker` child processes: the bench enqueues
 * a load of the six systems (as `hub sync --all` without `--once` does: one run per system, in waves), then waits until every stage
 * has drained, sweeping the outboxes as `sync --once` does. CPU and peak RSS are those of the
 * worker processes; the commands are everything Redis executed meanwhile.
 */
export async function measureSync(o: {
  store: LedgerStore;
  queues: Queues;
  admin: Redis;
  workers: HubChild[];
  full: boolean;
  timeoutMs: number;
}): Promise<SyncMeasure> {
  const cpu0 = o.workers.map((w) => cpuMicros(w.pid));
  const cmd0 = await commandCalls(o.admin);
  const t0 = performance.now();
  const { runId } = await enqueueLoad(o.queues, SYSTEMS, { full: o.full, trigger: 'cli' });
  await waitForDrain(o.store, o.queues, { timeoutMs: o.timeoutMs });
  const seconds = (performance.now() - t0) / 1000;
  const cmd1 = await commandCalls(o.admin);
  const cpu = o.workers.reduce((n, w, i) => n + cpuMicros(w.pid) - cpu0[i]!, 0);
  const peak = Math.max(...o.workers.map((w) => peakRss(w.pid)));
  let records = 0;
  const failed: string[] = [];
  for (const s of SYSTEMS) {
    const st = await o.store.connectorState(s);
    if (st['lastRunId'] !== runId || st['lastError'])
      failed.push(`${s}: ${st['lastError'] || 'did not run'}`);
    else records += Number(st['lastFetched'] ?? 0);
  }
  return { seconds, records, cpuMicros: cpu, peakRssBytes: peak, commands: callsDelta(cmd0, cmd1), failed };
}
