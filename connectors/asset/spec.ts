import { z } from 'zod';
import { CommonConnectorSpec } from '../../src/connector/spec.js';

/** `connectors.asset` in the hub configuration (asset.md). */
export const AssetSpec = CommonConnectorSpec.extend({
  auth: z
    .object({
      AppKey: z.string().min(1).describe('AppKey issued by the platform operator; sent as X-App-Key.'),
      AppSecret: z
        .string()
        .min(1)
        .describe('AppSecret paired with the AppKey; signs every request (HMAC-SHA256), never sent.'),
    })
    .describe('Request-signing credentials (asset.md §1).'),
  rateLimit: CommonConnectorSpec.shape.rateLimit
    .default({ rps: 10, burst: 20 })
    .describe('Client-side token bucket; the platform allows 10 requests/second per AppKey, burst 20.'),
  pageSize: z.number().int().min(1).max(500).default(500).describe('Asset cards per page (`limit`, 1–500).'),
});
export type AssetConfig = z.infer<typeof AssetSpec>;

/** Persisted cursor state of the asset-card walk. */
export const AssetState = z.object({
  updatedSince: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('Largest updatedAt (epoch ms) processed; the next walk starts there (inclusive).'),
  cursor: z
    .string()
    .nullable()
    .describe('nextCursor of the walk in progress, to resume it; null between walks.'),
});
export type AssetState = z.infer<typeof AssetState>;
