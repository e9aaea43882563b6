import type { Logger } from 'pino';
import type { Queues, StageDeps } from '../../pipelines/runtime.js';
import type { HubConfig } from '../config/schema.js';
import type { LedgerStore } from '../ledger/store.js';
import type { HubMetrics } from '../metrics/registry.js';
import type { StatusData } from '../status/page.js';

/** What the API's routes are given (services shared with the workers of the same process). */
export interface ApiDeps {
  config: HubConfig;
  store: LedgerStore;
  queues: Queues;
  log: Logger;
  ledger: StageDeps['ledger'];
  metrics: Pick<HubMetrics, 'render' | 'contentType'>;
  /** What the status page shows, gathered on demand. */
  status: () => Promise<StatusData>;
}
