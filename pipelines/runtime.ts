import { Queue, Worker, type ConnectionOptions, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HubConfig } from '../src/config/schema.js';
import type { MergeCache } from '../src/ledger/mergeCache.js';
import type { LedgerStore } from '../src/ledger/store.js';
import { JOB_SCHEMAS, STAGES, type StageName } from '../src/queues.js';
import type { Checklists } from './merge/archive.js';
import type { FindingThresholds } from './merge/findings.js';
import type { PriorityWeights } from './merge/priority.js';

/** The counters the stages feed (src/metrics implements them; declared here to keep the layers apart). */
export interface StageMetrics {
  recordRun(
    system: string,
    run: {
      ok: boolean;
      durationMs: number;
      fetched: number;
      new: number;
      updated: number;
      unchanged: number;
      quarantined: number;
    },
  ): void;
  recordRecords(
    system: string,
    tally: { new: number; updated: number; unchanged: number; quarantined: number },
  ): void;
}

/** Everything a stage processor needs, built once per process. */
export interface StageDeps {
  store: LedgerStore;
  queues: Queues;
  config: HubConfig;
  log: Logger;
  /** Ledger rules from configuration: archive checklists, finding thresholds, priority weights. */
  ledger: { checklists: Checklists; thresholds: FindingThresholds; weights: PriorityWeights };
  /** Counters of this process (absent in tools that do not export metrics). */
  metrics?: StageMetrics;
  /** What a merge worker keeps between merges (absent: none). */
  mergeCache?: MergeCache;
  /** Connection factory for things that need their own connection. */
  connect: () => Redis;
  /** Aborted when the process shuts down: work that waits (a connector run held back by the backlog) stops waiting. */
  stopping?: AbortSignal;
}

const DEFAULT_JOB: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { count: 100 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Largest number of ids one link/merge/publish job carries. */
export const BATCH = 200;

/**
 * Live changes (a smart-city push, a manual link) overtake a load: every other pipeline job is
 * added with this priority, and BullMQ takes jobs without one before any prioritized job (first
 * in, first out within each). So a push during a province load waits for the jobs running, not
 * for the load's queued pages. Backlog checks count both states (`Queues.backlog`).
 */
export const LOAD_PRIORITY = 1;

/** The options that put a job in its lane: connector runs (ingest) and live jobs unprioritized. */
const laneOf = (stage: StageName, live: boolean | undefined): JobsOptions =>
  stage === 'ingest' || live ? {} : { priority: LOAD_PRIORITY };

export class Queues {
  readonly q: Record<StageName, Queue>;
  constructor(
    connection: Redis,
    /** BullMQ prefix of each stage's queue (one hash tag per queue for Redis Cluster). */
    readonly prefixOf: (stage: StageName) => string,
  ) {
    this.q = Object.fromEntries(
      STAGES.map((s) => [
        s,
        new Queue(s, {
          connection: connection as unknown as ConnectionOptions,
          prefix: prefixOf(s),
          defaultJobOptions: DEFAULT_JOB,
        }),
      ]),
    ) as Record<StageName, Queue>;
  }

  async add<S extends StageName>(
    stage: S,
    data: z.input<(typeof JOB_SCHEMAS)[S]>,
    opts?: JobsOptions,
  ): Promise<Job> {
    const live = (data as { live?: boolean }).live;
    return this.q[stage].add(stage, data, { ...laneOf(stage, live), ...opts });
  }

  /** Jobs of `stage` waiting to run, in either lane. */
  async backlog(stage: StageName): Promise<number> {
    return this.q[stage].getJobCountByTypes('waiting', 'prioritized');
  }

  /** Jobs of `stage` not yet done: waiting in either lane, running, or waiting to retry. */
  async busy(stage: StageName): Promise<number> {
    return this.q[stage].getJobCountByTypes('waiting', 'prioritized', 'active', 'delayed');
  }

  /** Adds id-carrying jobs in batches of BATCH; `live` marks the jobs of live changes (LinkJob.live). */
  async addIds(
    stage: 'link' | 'merge' | 'publish',
    ids: Iterable<string>,
    opts: { live?: boolean } = {},
  ): Promise<void> {
    const all = [...new Set(ids)];
    if (all.length === 0) return;
    const jobs = [];
    const lane = laneOf(stage, opts.live);
    for (let i = 0; i < all.length; i += BATCH) {
      const chunk = all.slice(i, i + BATCH);
      const data = {
        ...(stage === 'link' ? { ids: chunk } : { keys: chunk }),
        ...(opts.live && { live: true }),
      };
      jobs.push({ name: stage, data, opts: lane });
    }
    await this.q[stage].addBulk(jobs);
  }

  async counts(): Promise<Record<StageName, Record<string, number>>> {
    const out = {} as Record<StageName, Record<string, number>>;
    for (const s of STAGES) {
      out[s] = await this.q[s].getJobCounts(
        'waiting',
        'active',
        'delayed',
        'failed',
        'prioritized',
        'paused',
        'completed',
      );
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.q).map((q) => q.close()));
  }
}

export type Processor<S extends StageName> = (
  data: z.infer<(typeof JOB_SCHEMAS)[S]>,
  deps: StageDeps,
  job: Job,
  /** The worker's lock token, which moving the job back to delayed needs. */
  token?: string,
) => Promise<unknown>;

/** Wraps a processor: parse the payload with zod, log failures with the fields operators grep for. */
export function startWorker<S extends StageName>(
  stage: S,
  processor: Processor<S>,
  deps: StageDeps,
  connection: Redis,
  concurrency: number,
): Worker {
  const w = new Worker(
    stage,
    async (job, token) => {
      const data = JOB_SCHEMAS[stage].parse(job.data) as z.infer<(typeof JOB_SCHEMAS)[S]>;
      return processor(data, deps, job, token);
    },
    {
      connection: connection as unknown as ConnectionOptions,
      prefix: deps.queues.prefixOf(stage),
      concurrency,
      maxStalledCount: 5,
      lockDuration: deps.config.workers.lockDurationMs,
      lockRenewTime: Math.floor(deps.config.workers.lockDurationMs / 2),
      stalledInterval: deps.config.workers.stalledIntervalMs,
    },
  );
  w.on('failed', (job, err) => {
    deps.log.error(
      {
        stage,
        jobId: job?.id,
        attempts: job?.attemptsMade,
        system: (job?.data as { system?: string })?.system,
        projectKeys: (job?.data as { keys?: string[] })?.keys?.slice(0, 20),
        runId: (job?.data as { runId?: string | null })?.runId ?? undefined,
        code: (err as { code?: string }).code,
        err: err.message,
      },
      'job failed',
    );
  });
  w.on('error', (err) => deps.log.error({ stage, err: err.message }, 'worker error'));
  return w;
}
