import type { Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { DEFAULT_THRESHOLDS, type FindingThresholds } from '../../pipelines/merge/findings.js';
import type { Queues } from '../../pipelines/runtime.js';
import type { LedgerStore } from '../ledger/store.js';
import { beijingDateOf } from '../model/time.js';
import { STAGES } from '../queues.js';
import { buildMetrics, type Collectors } from './build.js';
import { CACHE_STATES, LEDGER_STATES, QUEUE_STATES, RECORD_STATES, RUN_STATES } from './catalogue.js';
import { coalesce } from './coalesce.js';
import { lagSeconds } from './connectors.js';
import { cachedFindings, countFindings } from './findings.js';
import { readSnapshot } from './snapshot.js';
import { observeWorker } from './workers.js';

/** One connector run, as the ingest stage or `hub sync` sees it when it ends. */
export interface RunStats {
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  durationMs: number;
  ok: boolean;
}

export interface MetricsDeps {
  store: LedgerStore;
  queues: Queues;
  /** Systems whose series exist from the start (at zero), so a dashboard never sees a gap. */
  systems: readonly string[];
  /** The thresholds the API evaluates findings with (`config.ledger.findings`); default ledger.md's. */
  findingThresholds?: FindingThresholds;
  /** Findings are recomputed at most this often (default 60 s). */
  findingsTtlMs?: number;
  now?: () => number;
}

export interface HubMetrics {
  registry: Registry;
  /** Counts the worker's completed/failed jobs and their durations under `stage`. */
  observeWorker(stage: string, worker: Worker): void;
  recordRun(system: string, run: RunStats): void;
  /** Records normalized in this process, by outcome (fed by the normalize stage, for every run). */
  recordRecords(system: string, tally: Pick<RunStats, 'new' | 'updated' | 'unchanged' | 'quarantined'>): void;
  recordDelivery(subscriber: string, ok: boolean): void;
  /** A member record a merge took from the merge cache (`hit`) or read from Redis (`miss`). */
  recordMergeCache(state: (typeof CACHE_STATES)[number]): void;
  /** Seconds since the oldest change not yet delivered to `subscriber` was made; 0 when none waits. */
  setOldestUndelivered(subscriber: string, seconds: number): void;
  /** The Prometheus text exposition; rejects when Redis cannot be read. */
  render(): Promise<string>;
  /** The `Content-Type` to answer `render()` with. */
  contentType: string;
}

/**
 * The hub's metrics (src/metrics/catalogue.ts), on a registry of their own. Create it once per
 * process: counters fed by events count what happened in this process; gauges read from Redis
 * at scrape time are hub-wide.
 *
 * @example
 * const metrics = createMetrics({ store, queues, systems: SYSTEMS });
 * for (const w of workers) metrics.observeWorker(w.name, w); // a BullMQ worker's name is its queue: the stage
 * app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()));
 */
export function createMetrics(deps: MetricsDeps): HubMetrics {
  const now = deps.now ?? Date.now;
  const registry = new Registry();
  const snapshot = coalesce(() => readSnapshot(deps.store, deps.queues, deps.systems));
  const findings = cachedFindings(
    () => countFindings(deps.store, beijingDateOf(now()), deps.findingThresholds ?? DEFAULT_THRESHOLDS),
    {
      ttlMs: deps.findingsTtlMs ?? 60_000,
      now,
    },
  );
  // A finding code that no project has any more is exported at 0, so a graph falls to 0 instead of ending.
  const codesSeen = new Set<string>();

  const collectors: Collectors = {
    hub_connector_last_success_timestamp_seconds: async (g) => {
      const s = await snapshot();
      g.reset();
      for (const [system, v] of Object.entries(s.connectors))
        if (v.lastSuccess !== null) g.set({ system }, v.lastSuccess);
    },
    hub_connector_lag_seconds: async (g) => {
      const s = await snapshot();
      const at = now();
      g.reset();
      for (const [system, v] of Object.entries(s.connectors)) {
        const lag = lagSeconds(v, at);
        if (lag !== null) g.set({ system }, lag);
      }
    },
    hub_connector_last_run_duration_seconds: async (g) => {
      const s = await snapshot();
      g.reset();
      for (const [system, v] of Object.entries(s.connectors))
        if (v.lastDuration !== null) g.set({ system }, v.lastDuration);
    },
    hub_connector_consecutive_failures: async (g) => {
      const s = await snapshot();
      for (const [system, v] of Object.entries(s.connectors)) g.set({ system }, v.consecutiveFailures);
    },
    hub_connector_running: async (g) => {
      const s = await snapshot();
      for (const [system, v] of Object.entries(s.connectors)) g.set({ system }, v.running ? 1 : 0);
    },
    hub_queue_jobs: async (g) => {
      const s = await snapshot();
      for (const stage of STAGES)
        for (const state of QUEUE_STATES) g.set({ stage, state }, s.queues[stage][state]);
    },
    hub_outbox_items: async (g) => {
      const s = await snapshot();
      for (const [stage, n] of Object.entries(s.outboxes)) g.set({ stage }, n);
    },
    hub_ledger_projects: async (g) => {
      g.set((await snapshot()).projects);
    },
    hub_ledger_records: async (g) => {
      const s = await snapshot();
      for (const system of new Set([...deps.systems, ...Object.keys(s.accounting)])) {
        const a = s.accounting[system];
        for (const state of LEDGER_STATES) g.set({ system, state }, a?.[state] ?? 0);
      }
    },
    hub_ledger_findings: async (g) => {
      const f = await findings();
      for (const code of f.counts.keys()) codesSeen.add(code);
      g.reset();
      for (const code of [...codesSeen].sort()) g.set({ code }, f.counts.get(code) ?? 0);
    },
    hub_ledger_findings_computed_timestamp_seconds: async (g) => {
      g.set((await findings()).computedAt / 1000);
    },
  };
  const m = buildMetrics(registry, collectors);

  const runs = m.counter('hub_connector_runs_total');
  const runDuration = m.histogram('hub_connector_run_duration_seconds');
  const fetched = m.counter('hub_connector_records_fetched_total');
  const records = m.counter('hub_connector_records_total');
  const stage = {
    processed: m.counter('hub_stage_jobs_processed_total'),
    failed: m.counter('hub_stage_jobs_failed_total'),
    duration: m.histogram('hub_stage_job_duration_seconds'),
  };
  const mergeCache = m.counter('hub_merge_cache_records_total');
  const deliveries = m.counter('hub_webhook_deliveries_total');
  const deliveryFailures = m.counter('hub_webhook_delivery_failures_total');
  const oldestUndelivered = m.gauge('hub_webhook_oldest_undelivered_age_seconds');

  for (const system of deps.systems) {
    for (const state of RUN_STATES) runs.inc({ system, state }, 0);
    for (const state of RECORD_STATES) records.inc({ system, state }, 0);
    fetched.inc({ system }, 0);
    runDuration.zero({ system });
  }
  for (const state of CACHE_STATES) mergeCache.inc({ state }, 0);
  for (const s of STAGES) {
    stage.processed.inc({ stage: s }, 0);
    stage.failed.inc({ stage: s }, 0);
    stage.duration.zero({ stage: s });
  }

  return {
    registry,
    observeWorker: (name, worker) => observeWorker(name, worker, stage),
    recordRun(system, run) {
      runs.inc({ system, state: run.ok ? 'ok' : 'failed' });
      runDuration.observe({ system }, run.durationMs / 1000);
      fetched.inc({ system }, run.fetched);
      for (const state of RECORD_STATES) records.inc({ system, state }, run[state]);
    },
    recordRecords(system, tally) {
      for (const state of RECORD_STATES) records.inc({ system, state }, tally[state]);
    },
    recordMergeCache(state) {
      mergeCache.inc({ state });
    },
    recordDelivery(subscriber, ok) {
      deliveries.inc({ subscriber });
      // Created at zero on the first delivery, so the failure ratio is defined from the start.
      deliveryFailures.inc({ subscriber }, ok ? 0 : 1);
    },
    setOldestUndelivered(subscriber, seconds) {
      oldestUndelivered.set({ subscriber }, seconds);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
