import { z } from 'zod';
import { CommonConnectorSpec } from '../../src/connector/spec.js';

/** Largest page the listing serves (benefit.md §1). */
export const MAX_PAGE_SIZE = 200;

/** `connectors.benefit` in the hub configuration. Credential names are those of benefit.md. */
export const BenefitSpec = CommonConnectorSpec.extend({
  auth: z
    .object({
      token: z
        .string()
        .min(1)
        .describe('Static access token issued by the operator; sent as X-Access-Token.'),
    })
    .describe('Static token authentication (benefit.md, header X-Access-Token).'),
  rateLimit: CommonConnectorSpec.shape.rateLimit
    .default({ rps: 20, burst: 40 })
    .describe('Client-side token bucket; the platform allows 20 requests/second per token, burst 40.'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(MAX_PAGE_SIZE)
    .describe('Disbursements per page (`limit`, 1–200); the largest page means the fewest requests.'),
});
export type BenefitConfig = z.infer<typeof BenefitSpec>;

/** ISO 8601 at Beijing offset, second resolution, the form `updatedAt` has (benefit.md §3). */
export const BEIJING_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

/** Persisted cursor (benefit.md §1, incremental synchronisation). */
export const BenefitState = z.object({
  updatedFrom: z
    .string()
    .regex(BEIJING_ISO)
    .nullable()
    .describe('Largest updatedAt processed (+08:00); the next query starts there, inclusive. null = all.'),
});
export type BenefitState = z.infer<typeof BenefitState>;
