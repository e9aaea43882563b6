import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HttpClient } from '../http/client.js';
import type { NormalizeResult } from '../model/record.js';
import type { SystemId } from '../model/systems.js';
import type { CommonConnectorConfig } from './spec.js';

/** One page of raw records as the source returned them, with the cursor state after it. */
export interface RawPage<S> {
  /** Which stream of the system (e.g. `ZF.QUERY`, `documents`, `award`). */
  stream: string;
  /** Raw records, parsed from the wire format but otherwise untouched. */
  records: unknown[];
  /** Where the page came from, for quarantine entries (page number, token, sequence). */
  position: Record<string, string | number | null>;
  /** State to persist once this page's records are durably enqueued. */
  state: S;
  /** Progress hint for operators: records so far in this run and the total when the source says. */
  progress?: { total?: number };
}

export interface ConnectorContext<C> {
  config: C;
  http: HttpClient;
  log: Logger;
  signal?: AbortSignal;
  /** Injectable clock (epoch ms) so that signatures and cursors are testable. */
  now?: () => number;
}

export type CheckResult =
  | { ok: true; detail: string }
  | { ok: false; failure: 'connection' | 'tls' | 'auth' | 'payload' | 'other'; detail: string };

/**
 * A source system, declared. The framework (pipelines/ingest) runs it: it builds the HTTP
 * client from the config, calls `read` with the persisted state, enqueues each page, then
 * persists `page.state`. `normalize` is pure and runs in the normalize stage.
 *
 * @example
 * export default defineConnector({
 *   system: 'budget',
 *   title: '预算管理一体化平台',
 *   spec: BudgetSpec,
 *   state: BudgetState,
 *   secrets: (c) => [c.auth.Token],
 *   check: (ctx) => new BudgetClient(ctx).check(),
 *   read: (ctx, state, opts) => new BudgetClient(ctx).read(state, opts),
 *   normalize: normalizeBudget,
 * });
 */
export interface ConnectorDefinition<C extends CommonConnectorConfig = CommonConnectorConfig, S = unknown> {
  system: SystemId;
  title: string;
  /** zod schema of `connectors.<system>` in the hub configuration. */
  spec: z.ZodType<C>;
  /** zod schema of the persisted cursor state. */
  state: z.ZodType<S>;
  /** Streams the connector reads (for status and docs). */
  streams: readonly string[];
  /** Credential values from the config, so the HTTP layer and logs can redact them. */
  secrets(config: C): string[];
  /** Can we reach and authenticate? Answers within the configured timeout. */
  check(ctx: ConnectorContext<C>): Promise<CheckResult>;
  /** Incremental read from `state` (undefined, or `full`, = from the beginning). */
  read(ctx: ConnectorContext<C>, state: S | undefined, opts: { full: boolean }): AsyncIterable<RawPage<S>>;
  /** Pure: one raw record of `stream` → a normalized record or a quarantine reason. */
  normalize(raw: unknown, stream: string): NormalizeResult;
}

/** Identity function that exists for types and editor help. */
export function defineConnector<C extends CommonConnectorConfig, S>(
  def: ConnectorDefinition<C, S>,
): ConnectorDefinition<C, S> {
  return def;
}

/** A connector with its types erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = ConnectorDefinition<any, any>;
