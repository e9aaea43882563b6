import { z } from 'zod';
import { CommonConnectorSpec } from '../../src/connector/spec.js';

/** `connectors.trading` in the hub configuration (trading.md). */
export const TradingSpec = CommonConnectorSpec.extend({
  auth: z
    .object({
      accessKey: z
        .string()
        .min(1)
        .describe(
          'Key issued by the trading center; sent as the `accessKey` query parameter and redacted from logs.',
        ),
    })
    .describe('Feed credentials (trading.md §1).'),
  rateLimit: CommonConnectorSpec.shape.rateLimit
    .default({ rps: 10, burst: 20 })
    .describe('Client-side token bucket; the center allows 10 requests/second per key, burst 20.'),
  pageSize: z.number().int().min(1).max(200).default(200).describe('Notices per page (`pageSize`, 1–200).'),
});
export type TradingConfig = z.infer<typeof TradingSpec>;

/** The three notice types; each is a stream with its own cursor. */
export const TRADING_STREAMS = ['tender', 'award', 'contract'] as const;
export type TradingStream = (typeof TRADING_STREAMS)[number];

export const StreamState = z.object({
  startTime: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    .nullable()
    .describe(
      'Largest publishTime processed (yyyy-MM-dd HH:mm:ss, Beijing); the next walk starts there (inclusive).',
    ),
  pageToken: z
    .string()
    .nullable()
    .describe('nextPageToken of the walk in progress, to resume it; null between walks.'),
});
export type StreamState = z.infer<typeof StreamState>;

const FRESH: StreamState = { startTime: null, pageToken: null };

/** Persisted cursor state: one per notice type. */
export const TradingState = z.object({
  tender: StreamState.default(FRESH),
  award: StreamState.default(FRESH),
  contract: StreamState.default(FRESH),
});
export type TradingState = z.infer<typeof TradingState>;

export function freshTradingState(): TradingState {
  return { tender: { ...FRESH }, award: { ...FRESH }, contract: { ...FRESH } };
}
