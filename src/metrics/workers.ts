import type { Job, Worker } from 'bullmq';
import type { Counter, Histogram } from 'prom-client';

export interface StageCounters {
  processed: Counter;
  failed: Counter;
  duration: Histogram;
}

/** Seconds an attempt took; a retried attempt has no `finishedOn` of its own, so it ends now. */
function attemptSeconds(job: Job, nowMs: number): number | null {
  if (!job.processedOn) return null;
  const end = job.finishedOn && job.finishedOn >= job.processedOn ? job.finishedOn : nowMs;
  return (end - job.processedOn) / 1000;
}

const observed = new WeakMap<Worker, Set<StageCounters>>();

/**
 * Counts a worker's completed and failed attempts and their durations from BullMQ's events
 * (emitted after the job's state was written to Redis). Observing the same worker twice with
 * the same counters is a no-op, so a re-wired hub cannot double count.
 */
export function observeWorker(stage: string, worker: Worker, m: StageCounters): void {
  const seen = observed.get(worker) ?? new Set<StageCounters>();
  if (seen.has(m)) return;
  seen.add(m);
  observed.set(worker, seen);
  const labels = { stage };
  worker.on('completed', (job: Job) => {
    m.processed.inc(labels);
    const s = attemptSeconds(job, Date.now());
    if (s !== null) m.duration.observe(labels, s);
  });
  worker.on('failed', (job: Job | undefined) => {
    m.failed.inc(labels);
    const s = job ? attemptSeconds(job, Date.now()) : null;
    if (s !== null) m.duration.observe(labels, s);
  });
}
