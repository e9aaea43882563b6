import { z } from 'zod';
import { STAGES } from '../queues.js';

/** Shapes of the dead-letter service's answers, for API routes (and the OpenAPI document). */

const Common = {
  id: z
    .string()
    .describe('Stable, URL-safe id: `job:<stage>:<jobId>` (pipeline) or `wh:<subscriber>:<n>` (webhook).'),
  error: z.string().describe('The last error.'),
  attempts: z.number().int().describe('Attempts made in the last round.'),
  at: z.string().describe('When it failed last (ISO 8601).'),
};

export const PipelineDeadLetter = z.object({
  ...Common,
  origin: z.literal('pipeline'),
  stage: z.enum(STAGES).describe('Pipeline stage whose job used up its attempts.'),
  jobId: z.string().describe('BullMQ job id.'),
  system: z.string().optional().describe('Source system, for ingest and normalize jobs.'),
});
export type PipelineDeadLetter = z.infer<typeof PipelineDeadLetter>;

export const WebhookDeadLetterView = z.object({
  ...Common,
  origin: z.literal('webhook'),
  subscriber: z.string().describe('Webhook subscriber id from the configuration.'),
  seqs: z.array(z.number().int()).describe('Seqs of the change entries the batch carried.'),
  status: z
    .enum(['dead', 'retrying'])
    .describe('`retrying` from a retry request until the replay is delivered or fails again.'),
  replays: z.number().int().describe('Replays that failed again.'),
});
export type WebhookDeadLetterView = z.infer<typeof WebhookDeadLetterView>;

export const DeadLetter = z.discriminatedUnion('origin', [PipelineDeadLetter, WebhookDeadLetterView]);
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetterOrigin = z.enum(['pipeline', 'webhook']);
export type DeadLetterOrigin = z.infer<typeof DeadLetterOrigin>;

export const DeadLetterList = z.object({ items: z.array(DeadLetter) });

export const ListDeadLettersQuery = z.object({
  origin: DeadLetterOrigin.optional().describe('Only dead letters of this origin.'),
  limit: z.coerce.number().int().min(1).max(1000).default(500).describe('At most this many, newest first.'),
});

export const DeadLetterIdParams = z.object({
  id: z.string().min(1).max(200).describe('Dead-letter id as listed.'),
});

export const RetryAccepted = z.object({
  id: z.string(),
  origin: DeadLetterOrigin,
  status: z.literal('retrying'),
});
