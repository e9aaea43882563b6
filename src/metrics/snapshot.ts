import type { Queues } from '../../pipelines/runtime.js';
import type { LedgerStore } from '../ledger/store.js';
import { STAGES, type StageName } from '../queues.js';
import { QUEUE_STATES } from './catalogue.js';
import { connectorView, type ConnectorView } from './connectors.js';

/** The hub-wide state behind the scrape-time gauges, read from Redis in one go. */
export interface HubSnapshot {
  queues: Record<StageName, Record<(typeof QUEUE_STATES)[number], number>>;
  outboxes: { link: number; merge: number; publish: number };
  projects: number;
  accounting: Awaited<ReturnType<LedgerStore['accounting']>>;
  connectors: Record<string, ConnectorView>;
}

export async function readSnapshot(
  store: LedgerStore,
  queues: Queues,
  systems: readonly string[],
): Promise<HubSnapshot> {
  const [counts, outboxes, projects, accounting, connectors] = await Promise.all([
    Promise.all(STAGES.map((s) => queues.q[s].getJobCounts(...QUEUE_STATES))),
    store.outboxSizes(),
    store.countProjects(),
    store.accounting(),
    Promise.all(
      systems.map(async (s) => {
        const [state, locked] = await Promise.all([
          store.connectorState(s),
          store.redis.exists(store.keys.connectorLock(s)),
        ]);
        return [s, connectorView(state, locked === 1)] as const;
      }),
    ),
  ]);
  const byStage = Object.fromEntries(
    STAGES.map((s, i) => [s, Object.fromEntries(QUEUE_STATES.map((q) => [q, counts[i]![q] ?? 0]))]),
  ) as HubSnapshot['queues'];
  return { queues: byStage, outboxes, projects, accounting, connectors: Object.fromEntries(connectors) };
}
