import type { Queues } from '../../pipelines/runtime.js';
import { CONNECTORS } from '../../connectors/index.js';
import type { HubConfig } from '../config/schema.js';
import type { LedgerStore } from '../ledger/store.js';
import { cachedFindings, countFindings } from '../metrics/findings.js';
import { SYSTEMS } from '../model/systems.js';
import { beijingDateOf } from '../model/time.js';
import { STAGES } from '../queues.js';
import type { StatusData } from './page.js';

export interface StatusSources {
  config: HubConfig;
  store: LedgerStore;
  queues: Queues;
  /** Next planned run per connector, when this process runs the scheduler. */
  nextRuns?: () => Record<string, string | null>;
  /** The most recent dead letters, newest first. */
  deadLetters?: () => Promise<StatusData['deadLetters']>;
}

/** Gathers what the status page shows; findings are counted at most once a minute. */
export function statusCollector(src: StatusSources): () => Promise<StatusData> {
  const findings = cachedFindings(
    () => countFindings(src.store, beijingDateOf(Date.now()), src.config.ledger.findings),
    { ttlMs: 60_000, now: Date.now },
  );
  return async () => {
    const [acct, projects, counts, found, dead] = await Promise.all([
      src.store.accounting(),
      src.store.countProjects(),
      src.queues.counts(),
      findings(),
      src.deadLetters ? src.deadLetters() : Promise.resolve([]),
    ]);
    const next = src.nextRuns?.() ?? {};
    const connectors = [];
    for (const id of SYSTEMS) {
      const cfg = src.config.connectors[id] as { enabled?: boolean } | undefined;
      const s = await src.store.connectorState(id);
      const lastSuccess = s['lastSuccess'] || null;
      connectors.push({
        id,
        title: CONNECTORS[id].title,
        enabled: !!cfg?.enabled,
        lastSuccess,
        nextRun: next[id] ?? null,
        lagSeconds: lastSuccess ? Math.round((Date.now() - Date.parse(lastSuccess)) / 1000) : null,
        lastFetched: s['lastFetched'] ? Number(s['lastFetched']) : null,
        lastError: s['lastError'] || null,
        running: !!s['running'],
      });
    }
    return {
      generatedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      connectors,
      queues: STAGES.map((stage) => ({
        stage,
        waiting: (counts[stage]['waiting'] ?? 0) + (counts[stage]['prioritized'] ?? 0),
        active: counts[stage]['active'] ?? 0,
        delayed: counts[stage]['delayed'] ?? 0,
        failed: counts[stage]['failed'] ?? 0,
      })),
      ledger: {
        projects,
        systems: Object.entries(acct)
          .sort(([a], [b]) => SYSTEMS.indexOf(a as never) - SYSTEMS.indexOf(b as never))
          .map(([system, a]) => ({ system, ...a })),
      },
      findings: [...found.counts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, count]) => ({ code, count })),
      deadLetters: dead.slice(0, 20),
    };
  };
}
