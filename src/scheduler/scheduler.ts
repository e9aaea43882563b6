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
