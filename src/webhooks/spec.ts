import { z } from 'zod';

/**
 * Webhook subscribers (ledger.md §5), as written in the configuration file. Target URLs come only
 * from here: nothing a source system or an API caller sends can add or change a subscriber.
 */

const Codes = (what: string) =>
  z.array(z.string().min(1)).min(1).optional().describe(`${what}; any one of them matches.`);

export const WebhookFilter = z
  .object({
    district: Codes('District codes or names (`150203` or `昆都仑区`) of the project'),
    sector: Codes('Sectors of the project, as in the project record'),
    finding: Codes(
      'Finding codes (`OVER_DISBURSED` …) the project has now, or that the change opens or closes',
    ),
  })
  .describe(
    'Only changes of matching projects are sent (every given field must match). Others are skipped, never sent later.',
  );
export type WebhookFilter = z.infer<typeof WebhookFilter>;

export const WebhookSubscriberSpec = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/i, { error: 'expected 1–64 letters, digits, _ or -' })
    .describe('Stable name of the subscriber: it keys its cursor and dead letters (`wh:<id>:<n>`).'),
  url: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .describe(
      'Where batches are POSTed (http or https). Taken only from this file; redirects are not followed.',
    ),
  secret: z
    .string()
    .min(16, { error: 'expected at least 16 characters' })
    .describe(
      'HMAC-SHA256 key of `X-Ledger-Signature` (shared with the subscriber); write it as ${ENV_VAR}.',
    ),
  filter: WebhookFilter.optional(),
  batchSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe('Change entries read per batch; a POST carries at most this many.'),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(8)
    .describe(
      'Attempts per batch, the first included; then the batch is dead-lettered and delivery goes on.',
    ),
  backoff: z
    .object({
      baseMs: z
        .number()
        .int()
        .positive()
        .default(1000)
        .describe('First retry delay in milliseconds (doubles per attempt, with jitter).'),
      maxMs: z.number().int().positive().default(300_000).describe('Longest retry delay in milliseconds.'),
    })
    .default({ baseMs: 1000, maxMs: 300_000 })
    .describe('Exponential backoff between attempts; a Retry-After answer is honoured.'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Deadline of one POST, connect to response, in milliseconds.'),
  enabled: z
    .boolean()
    .default(true)
    .describe('Deliver to this subscriber (its cursor is kept while disabled).'),
});
export type WebhookSubscriber = z.infer<typeof WebhookSubscriberSpec>;

export const WebhooksSpec = z
  .array(WebhookSubscriberSpec)
  .default([])
  .superRefine((subs, ctx) => {
    const seen = new Set<string>();
    subs.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id ${s.id}` });
      seen.add(s.id);
    });
  })
  .describe(
    'Subscribers that receive the change feed (ledger.md §5): signed POST batches, in seq order, at least once, retried, then dead-lettered (see src/webhooks/README.md).',
  );
