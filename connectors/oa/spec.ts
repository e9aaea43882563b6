import { z } from 'zod';
import { CommonConnectorSpec } from '../../src/connector/spec.js';

/** Largest page the listing serves (oa.md §3). */
export const MAX_PAGE_SIZE = 100;

/** `connectors.oa` in the hub configuration. Credential names are those of oa.md §1. */
export const OaSpec = CommonConnectorSpec.extend({
  auth: z
    .object({
      client_id: z.string().min(1).describe('OAuth2 client id issued by the OA operator.'),
      client_secret: z.string().min(1).describe('OAuth2 client secret paired with client_id; a secret.'),
    })
    .describe('OAuth2 client-credentials pair, exchanged at POST /oa/oauth2/token for a bearer token.'),
  rateLimit: CommonConnectorSpec.shape.rateLimit
    .default({ rps: 20, burst: 40 })
    .describe('Client-side token bucket; the OA API allows 20 requests/second per client, burst 40.'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(MAX_PAGE_SIZE)
    .describe('Documents per page (`pageSize`, 1–100); the largest page means the fewest requests.'),
});
export type OaConfig = z.infer<typeof OaSpec>;

/** `yyyy-MM-dd HH:mm:ss`, Beijing time: the format of `updateTime` and `updateTimeFrom`. */
export const BEIJING_SECOND = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Persisted cursor of the document walk (oa.md §3, incremental synchronisation). */
export const OaState = z.object({
  updateTimeFrom: z
    .string()
    .regex(BEIJING_SECOND)
    .nullable()
    .describe(
      'Between walks: the largest updateTime processed (the next walk starts there, inclusive). ' +
        'During a walk: the bound the walk queries with. null = from the beginning.',
    ),
  pageNo: z.number().int().min(1).describe('Next page of the running walk (1 between walks), to resume it.'),
});
export type OaState = z.infer<typeof OaState>;
