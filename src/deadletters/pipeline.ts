import type { Job } from 'bullmq';
import type { Queues } from '../../pipelines/runtime.js';
import { HubErrors } from '../errors.js';
import { STAGES, type StageName } from '../queues.js';
import { pipelineDeadLetterId } from './ids.js';
import type { PipelineDeadLetter } from './schemas.js';

function view(stage: StageName, job: Job): PipelineDeadLetter {
  const system = (job.data as { system?: unknown } | undefined)?.system;
  return {
    id: pipelineDeadLetterId(stage, job.id!),
    origin: 'pipeline',
    stage,
    jobId: job.id!,
    error: job.failedReason ?? '',
    attempts: job.attemptsMade,
    at: new Date(job.finishedOn ?? job.timestamp).toISOString(),
    ...(typeof system === 'string' ? { system } : {}),
  };
}

/** Failed jobs of every stage, newest first per stage, at most `limit` per stage. */
export async function listFailedJobs(queues: Queues, limit: number): Promise<PipelineDeadLetter[]> {
  const per = await Promise.all(
    STAGES.map(async (s) => {
      const jobs = (await queues.q[s].getFailed(0, limit - 1)) as Array<Job | undefined>;
      // A job whose hash expired (removeOnFail) leaves a hole in the list.
      return jobs.filter((j): j is Job => !!j?.id).map((j) => view(s, j));
    }),
  );
  return per.flat();
}

/**
 * Puts a failed job back in its queue with a fresh set of attempts. A job already back in the
 * queue is left as it is (retrying twice is retrying once).
 */
export async function retryFailedJob(queues: Queues, stage: StageName, jobId: string): Promise<void> {
  const job = await queues.q[stage].getJob(jobId);
  if (!job) throw HubErrors.API_NOT_FOUND(`dead letter ${pipelineDeadLetterId(stage, jobId)}`);
  const state = await job.getState();
  if (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return;
  if (state !== 'failed') throw HubErrors.API_NOT_FOUND(`dead letter ${pipelineDeadLetterId(stage, jobId)}`);
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
}

/** Removes the failed jobs of the given stages; returns how many. */
export async function purgeFailedJobs(
  queues: Queues,
  stages: readonly StageName[] = STAGES,
): Promise<number> {
  let n = 0;
  for (const s of stages) {
    // Pages until nothing failed is left; bounded so a job that cannot be removed cannot loop forever.
    for (let page = 0; page < 10_000; page++) {
      const jobs = ((await queues.q[s].getFailed(0, 499)) as Array<Job | undefined>).filter(
        (j): j is Job => !!j?.id,
      );
      if (jobs.length === 0) break;
      const removed = await Promise.all(
        jobs.map((j) =>
          j.remove().then(
            () => 1,
            () => 0,
          ),
        ),
      );
      const got = removed.reduce<number>((a, b) => a + b, 0);
      n += got;
      if (got === 0) break;
    }
  }
  return n;
}
