import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { StageDeps } from '../../pipelines/runtime.js';
import { sweepOutboxes } from '../../pipelines/sweep.js';
import type { SystemId } from '../model/systems.js';

export interface Scheduler {
  stop(): void;
  /** Next planned run per connector (ISO), for the status page. */
  next(): Record<string, string | null>;
}

/**
 * The scheduler role: enqueues an incremental run per enabled connector on its cron schedule.
 * The job id is per connector and minute, so several schedulers (several hubs) enqueue one run;
 * a run still going holds the connector lock and the new one fails fast as busy.
 */
export function startScheduler(deps: StageDeps): Scheduler {
  const tasks: Array<{ system: string; task: ScheduledTask }> = [];
  for (const [system, cfg] of Object.entries(deps.config.connectors) as Array<
    [SystemId, { enabled?: boolean; schedule?: string } | undefined]
  >) {
    if (!cfg?.enabled || !cfg.schedule) continue;
    const task = cron.schedule(
      cfg.schedule,
      async () => {
        const running = await deps.store.redis.exists(deps.store.keys.connectorLock(system));
        if (running) {
          deps.log.info({ system }, 'scheduled run skipped: previous run still going');
          return;
        }
        const slot = Math.floor(Date.now() / 60_000);
        await deps.queues.add(
          'ingest',
          { system, full: false, runId: randomUUID(), trigger: 'schedule' },
          { jobId: `sched-${system}-${slot}`, attempts: 1 },
        );
      },
      { name: `sync-${system}`, noOverlap: true },
    );
    tasks.push({ system, task });
  }
  // Time-based findings (STALLED, ASSET_NOT_RECORDED, EVALUATION_OVERDUE) change with the date
  // alone: re-merge every project once a day, just after midnight Beijing time. A project whose
  // findings did not change writes nothing.
  const daily = cron.schedule(
    '10 0 * * *',
    async () => {
      const day = new Date().toISOString().slice(0, 10);
      const first = await deps.store.redis.set(
        `${deps.store.keys.prefix}:daily:${day}`,
        '1',
        'EX',
        86_400 * 2,
        'NX',
      );
      if (first) await remergeAll(deps);
    },
    { name: 'daily-findings', timezone: 'Asia/Shanghai', noOverlap: true },
  );
  tasks.push({ system: 'daily-findings', task: daily });
  // Sweep owed work and pick up time-based changes.
  const sweeper = setInterval(
    () => void sweepOutboxes(deps.store, deps.queues).catch(() => undefined),
    30_000,
  );
  sweeper.unref();
  return {
    stop() {
      clearInterval(sweeper);
      for (const t of tasks) void t.task.stop();
    },
    next() {
      const out: Record<string, string | null> = {};
      for (const t of tasks) {
        const n = t.task.getNextRun();
        out[t.system] = n ? n.toISOString() : null;
      }
      return out;
    },
  };
}

/** Enqueues a merge of every project (used by the daily findings run). */
export async function remergeAll(deps: StageDeps): Promise<number> {
  let after: string | null = null;
  let n = 0;
  for (;;) {
    const keys = await deps.store.listProjectKeys(after, 1000);
    if (keys.length === 0) return n;
    await deps.queues.addIds('merge', keys);
    n += keys.length;
    after = keys[keys.length - 1]!;
  }
}
