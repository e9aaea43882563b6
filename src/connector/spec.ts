import { z } from 'zod';

/**
 * Options every connector has. A connector's own schema extends this with its `auth` block
 * (field names exactly as its source document names the credentials) and protocol options.
 */
export const CommonConnectorSpec = z.object({
  enabled: z.boolean().default(true).describe('Run this connector (scheduled and on demand).'),
  baseUrl: z
    .url({ error: 'expected a URL' })
    .describe('Base URL given by the system operator; endpoint paths of the document are appended to it.'),
  schedule: z
    .string()
    .default('*/15 * * * *')
    .describe('Cron expression (node-cron, 5 or 6 fields) for incremental runs in the scheduler role.'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Deadline for one HTTP request, connect to last byte, in milliseconds.'),
  rateLimit: z
    .object({
      rps: z.number().positive().describe('Requests per second this hub sends to the system.'),
      burst: z.number().int().positive().describe('Requests that may be sent at once after a quiet period.'),
    })
    .describe('Client-side token bucket; keep it at or below the limit the document states.'),
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024)
    .describe('Responses larger than this are cut off and fail the request (protects memory).'),
  retry: z
    .object({
      attempts: z
        .number()
        .int()
        .min(1)
        .max(20)
        .default(6)
        .describe('Attempts per request, the first included.'),
      baseMs: z.number().int().positive().default(500).describe('First backoff delay in milliseconds.'),
      maxMs: z.number().int().positive().default(30_000).describe('Longest backoff delay in milliseconds.'),
    })
    .default({ attempts: 6, baseMs: 500, maxMs: 30_000 })
    .describe('Retry policy for transient failures (5xx, 429, resets, busy envelopes).'),
  pageSize: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Records per page; defaults to the largest the document allows.'),
});
export type CommonConnectorConfig = z.infer<typeof CommonConnectorSpec>;
