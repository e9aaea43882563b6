/**
 * Every metric the hub exports, declared once: the registry is built from this list and the
 * README's metrics table is generated from it (`npm run docs`), so the two cannot drift.
 *
 * Conventions (https://prometheus.io/docs/practices/naming/): prefix `hub_`, base units
 * (seconds), counters end in `_total`, labels only from {@link METRIC_LABELS}.
 */

export const METRIC_LABELS = ['system', 'stage', 'state', 'code', 'subscriber'] as const;
export type MetricLabel = (typeof METRIC_LABELS)[number];

/** What each label means, for the README legend. */
export const LABEL_MEANINGS: Record<MetricLabel, string> = {
  system: 'source system id (`budget`, `oa`, `asset`, `benefit`, `smartcity`, `trading`)',
  stage: 'pipeline stage / queue (`ingest`, `normalize`, `link`, `merge`, `publish`)',
  state: 'the values listed with each metric',
  code: 'finding code, as in the API (`OVER_DISBURSED`, `STALLED`, …)',
  subscriber: 'webhook subscriber name from the configuration',
};

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly MetricLabel[];
  /** The values of the `state` label; their series exist from the start (at zero). */
  readonly states?: readonly string[];
  /**
   * `event`: counted by this process as things happen (each process exports its own share);
   * `scrape`: read from Redis when scraped (every process exports the same, hub-wide value).
   */
  readonly source: 'event' | 'scrape';
  readonly buckets?: readonly number[];
  readonly help: string;
}

// Ingest jobs are whole connector runs, hence the long tail.
const JOB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
export const RECORD_STATES = ['new', 'updated', 'unchanged', 'quarantined'] as const;
export const LEDGER_STATES = ['linked', 'unlinked', 'pending', 'superseded', 'quarantined'] as const;
export const RUN_STATES = ['ok', 'failed'] as const;
export const CACHE_STATES = ['hit', 'miss'] as const;

export const METRICS_CATALOGUE = [
  // ---- connectors ----------------------------------------------------------------------
  {
    name: 'hub_connector_runs_total',
    type: 'counter',
    labels: ['system', 'state'],
    states: RUN_STATES,
    source: 'event',
    help: 'Connector runs that ended, by outcome.',
  },
  {
    name: 'hub_connector_run_duration_seconds',
    type: 'histogram',
    labels: ['system'],
    source: 'event',
    buckets: RUN_BUCKETS,
    help: 'Duration of connector runs, successful or not.',
  },
  {
    name: 'hub_connector_records_fetched_total',
    type: 'counter',
    labels: ['system'],
    source: 'event',
    help: 'Raw records read from the source system.',
  },
  {
    name: 'hub_connector_records_total',
    type: 'counter',
    labels: ['system', 'state'],
    states: RECORD_STATES,
    source: 'event',
    help: 'Fetched records by what the ledger made of them: a new record, a new version of one, the same version again, or quarantined as invalid.',
  },
  {
    name: 'hub_connector_last_success_timestamp_seconds',
    type: 'gauge',
    labels: ['system'],
    source: 'scrape',
    help: 'Unix time the last successful run finished; absent until a run has succeeded.',
  },
  {
    name: 'hub_connector_lag_seconds',
    type: 'gauge',
    labels: ['system'],
    source: 'scrape',
    help: 'Seconds since the last successful run finished: how stale the ledger may be for this system. Absent until a run has succeeded.',
  },
  {
    name: 'hub_connector_last_run_duration_seconds',
    type: 'gauge',
    labels: ['system'],
    source: 'scrape',
    help: 'Duration of the last successful run; absent until a run has succeeded.',
  },
  {
    name: 'hub_connector_consecutive_failures',
    type: 'gauge',
    labels: ['system'],
    source: 'scrape',
    help: 'Runs that failed in a row since the last success (0 when the last run succeeded).',
  },
  {
    name: 'hub_connector_running',
    type: 'gauge',
    labels: ['system'],
    source: 'scrape',
    help: '1 while a run of this connector holds its lock (in any process), else 0.',
  },
  // ---- stages and queues ---------------------------------------------------------------
  {
    name: 'hub_stage_jobs_processed_total',
    type: 'counter',
    labels: ['stage'],
    source: 'event',
    help: 'Jobs this process completed successfully.',
  },
  {
    name: 'hub_stage_jobs_failed_total',
    type: 'counter',
    labels: ['stage'],
    source: 'event',
    help: 'Failed job attempts in this process; a job retried after failing counts once per failed attempt.',
  },
  {
    name: 'hub_stage_job_duration_seconds',
    type: 'histogram',
    labels: ['stage'],
    source: 'event',
    buckets: JOB_BUCKETS,
    help: 'Processing time of each job attempt, completed or failed, in this process.',
  },
  {
    name: 'hub_merge_cache_records_total',
    type: 'counter',
    labels: ['state'],
    states: CACHE_STATES,
    source: 'event',
    help: 'Member records the merges of this process took from its cache (`hit`) or read and parsed from Redis (`miss`); while misses dominate a steady push load, raise `workers.mergeCacheRecords`.',
  },
  {
    name: 'hub_queue_jobs',
    type: 'gauge',
    labels: ['stage', 'state'],
    states: QUEUE_STATES,
    source: 'scrape',
    help: 'Jobs in each stage queue by state: `prioritized` are the jobs of loads (connector runs, sweeps), `waiting` those of live changes (pushes, manual links), which run first; `failed` are kept 7 days.',
  },
  {
    name: 'hub_outbox_items',
    type: 'gauge',
    labels: ['stage'],
    source: 'scrape',
    help: 'Items the outboxes say are owed to the `link`, `merge` and `publish` stages (the truth behind lost jobs).',
  },
  // ---- ledger --------------------------------------------------------------------------
  {
    name: 'hub_ledger_projects',
    type: 'gauge',
    labels: [],
    source: 'scrape',
    help: 'Golden projects in the ledger.',
  },
  {
    name: 'hub_ledger_records',
    type: 'gauge',
    labels: ['system', 'state'],
    states: LEDGER_STATES,
    source: 'scrape',
    help: 'Received record versions by where they stand; summed over `state` it is what the system delivered (as `GET /api/v1/accounting`).',
  },
  {
    name: 'hub_ledger_findings',
    type: 'gauge',
    labels: ['code'],
    source: 'scrape',
    help: 'Projects with each finding as of today (Beijing date). Recomputed over all projects at most once a minute, in the background; a code seen once stays exported at 0.',
  },
  {
    name: 'hub_ledger_findings_computed_timestamp_seconds',
    type: 'gauge',
    labels: [],
    source: 'scrape',
    help: 'Unix time `hub_ledger_findings` was computed; it lags by up to a minute plus one scan.',
  },
  // ---- webhooks ------------------------------------------------------------------------
  {
    name: 'hub_webhook_deliveries_total',
    type: 'counter',
    labels: ['subscriber'],
    source: 'event',
    help: 'Webhook delivery attempts, successful or not.',
  },
  {
    name: 'hub_webhook_delivery_failures_total',
    type: 'counter',
    labels: ['subscriber'],
    source: 'event',
    help: 'Webhook delivery attempts that failed.',
  },
  {
    name: 'hub_webhook_oldest_undelivered_age_seconds',
    type: 'gauge',
    labels: ['subscriber'],
    source: 'event',
    help: 'Age of the oldest change not yet delivered to the subscriber; 0 when it is up to date.',
  },
] as const satisfies readonly MetricSpec[];

type Catalogue = (typeof METRICS_CATALOGUE)[number];
export type MetricName = Catalogue['name'];
/** Names of the metrics of one type (and source), for typed access to the built registry. */
export type MetricNameOf<
  T extends MetricType,
  S extends MetricSpec['source'] = MetricSpec['source'],
> = Extract<Catalogue, { type: T; source: S }>['name'];
