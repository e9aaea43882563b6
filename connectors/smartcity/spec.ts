import { z } from 'zod';
import { CommonConnectorSpec } from '../../src/connector/spec.js';

/** Largest page the event log serves (smartcity.md §3). */
export const MAX_PAGE_SIZE = 1000;

export const SmartcityAuth = z
  .object({
    apiKey: z.string().min(1).describe('Pull API key, sent as the X-API-Key header (smartcity.md §3).'),
    pushSecret: z
      .string()
      .min(1)
      .describe('Push secret agreed at webhook registration; verifies X-SC-Signature (smartcity.md §4).'),
  })
  .describe('Credentials issued by the smart-city platform operator.');

export const SmartcityPush = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Accept signed pushes at POST /api/v1/inbound/smartcity (pull keeps running either way).'),
    windowSec: z
      .number()
      .int()
      .positive()
      .default(300)
      .describe(
        'Largest accepted distance, in seconds, between X-SC-Timestamp and our clock (replay window).',
      ),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024)
      .describe('Push bodies larger than this are refused before they are parsed (200 events fit easily).'),
  })
  .describe('The webhook side: the platform POSTs signed batches of events to the hub.');

export const SmartcitySpec = CommonConnectorSpec.extend({
  auth: SmartcityAuth,
  push: SmartcityPush.default({ enabled: true, windowSec: 300, maxBodyBytes: 1024 * 1024 }).describe(
    'The webhook side: the platform POSTs signed batches of events to the hub.',
  ),
  rateLimit: CommonConnectorSpec.shape.rateLimit
    .default({ rps: 20, burst: 40 })
    .describe('Client-side token bucket; the platform allows 20 requests/second per key, burst 40.'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(MAX_PAGE_SIZE)
    .describe('Events per pull request (`limit`, 1–1000).'),
});
export type SmartcityConfig = z.infer<typeof SmartcitySpec>;

/** Persisted cursor: the `lastSeq` of the last page whose events are durably enqueued. */
export const SmartcityState = z
  .object({
    afterSeq: z.number().int().min(0).describe('Next pull asks for events with seq > afterSeq.'),
  })
  .describe('Position in the platform event log.');
export type SmartcityState = z.infer<typeof SmartcityState>;
