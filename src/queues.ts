import { z } from 'zod';
import { SystemId } from './model/systems.js';

/** Queue names and job payload schemas, declared once. */
export const STAGES = ['ingest', 'normalize', 'link', 'merge', 'publish'] as const;
export type StageName = (typeof STAGES)[number];

export const IngestJob = z.object({
  system: SystemId,
  full: z.boolean().default(false),
  runId: z.string(),
  trigger: z.enum(['schedule', 'cli', 'api', 'demo']).default('cli'),
  /**
   * Present when the run is one of a load of several systems (`hub sync --all`, one run id for
   * all): the systems of the earlier waves, whose runs it waits for (pipelines/ingest/waves.ts).
   * A run of a load, waiting or reading, holds deferred merges back.
   */
  after: z.array(SystemId).optional(),
});
export type IngestJob = z.infer<typeof IngestJob>;

export const NormalizeJob = z.object({
  system: SystemId,
  stream: z.string(),
  position: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  raws: z.array(z.unknown()),
  runId: z.string().nullable(),
  receivedAt: z.string(),
  /** Records that arrived on their own (a smart-city push), not from a connector run: see LinkJob.live. */
  live: z.boolean().optional(),
});
export type NormalizeJob = z.infer<typeof NormalizeJob>;

export const LinkJob = z.object({
  ids: z.array(z.string()).min(1),
  /**
   * A live change (a push, a manual link): its jobs overtake the load's queued jobs in every stage
   * (they carry no BullMQ priority, the load's do), and its projects are merged at once even while
   * a load keeps the pipeline busy, instead of waiting with the load's merges for the backlog to
   * clear.
   */
  live: z.boolean().optional(),
});
export type LinkJob = z.infer<typeof LinkJob>;

/** `live`: the projects of a live change, merged and published ahead of a load (see LinkJob.live). */
export const MergeJob = z.object({ keys: z.array(z.string()).min(1), live: z.boolean().optional() });
export type MergeJob = z.infer<typeof MergeJob>;

export const PublishJob = z.object({ keys: z.array(z.string()).min(1), live: z.boolean().optional() });
export type PublishJob = z.infer<typeof PublishJob>;

export const JOB_SCHEMAS = {
  ingest: IngestJob,
  normalize: NormalizeJob,
  link: LinkJob,
  merge: MergeJob,
  publish: PublishJob,
} as const;
