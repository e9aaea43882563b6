import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingsOf } from '../../pipelines/merge/findings.js';
import type { ProjectDoc } from '../../pipelines/merge/merge.js';
import { waitForDrain } from '../../pipelines/sweep.js';
import type { Hub } from '../../src/hub.js';
import { METRICS_CATALOGUE, QUEUE_STATES } from '../../src/metrics/catalogue.js';
import { createMetrics, type HubMetrics } from '../../src/metrics/registry.js';
import { beijingDateOf } from '../../src/model/time.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { STAGES } from '../../src/queues.js';
import { deliverBudget, testHub } from '../helpers/hub.js';
import { families, parseSamples, sample, type Samples } from './exposition.js';
import { promtoolCheckMetrics } from './promtool.js';
import { xmk as budgetProject, zb as indicator } from '../helpers/budgetRecords.js';

const CODE = '150203202304000517';

/** Raw budget records in the gateway's field layout (budget.md §4). */
const xmk = budgetProject(CODE, '2023-150203-48-01-000123', '昆都仑区钢铁大街综合管廊建设项目');
const zb = (no: string, je: string, xdrq = '2023-05-08') => ({ ...indicator(no, CODE, je), XDRQ: xdrq });
const zf = (no: string, je: string) => ({
  ZFPZH: no,
  XMDM: CODE,
  ZBBH: 'ZB1',
  ZFRQ: '2023-07-21',
  JE: je,
  SKRMC: '中冶华美建设工程有限公司',
  SKRTYDM: '91150200MA0N2XY41P',
  ZFZT: '已支付',
  BBH: '1',
  XGSJ: '2023-07-21 09:00:00',
});

describe('/metrics on a real Redis', () => {
  let hub: Hub;
  let metrics: HubMetrics;
  let text: string;
  let samples: Samples;
  const now = Date.now();

  beforeAll(async () => {
    hub = await testHub({});
    metrics = createMetrics({ store: hub.store, queues: hub.queues, systems: SYSTEMS, now: () => now });
    // Before any job runs: events are only counted from the moment a worker is observed.
    for (const w of hub.workers) metrics.observeWorker(w.name, w);

    // The payments before their project: normalize links new records itself, and these wait
    // unlinked until the library entry wakes them, in link jobs.
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZFPZ1', '35000.00'), zf('ZFPZ2', '12000.00')]);
    await deliverBudget(hub, 'XMK.QUERY', [xmk]);
    // Allocated 10,000 yuan but 47,000 disbursed: the project has an OVER_DISBURSED finding.
    await deliverBudget(hub, 'ZB.QUERY', [zb('ZB1', '10000.00'), zb('ZB2', '1.00', '2023-02-30')]);
    // A payload the normalize stage refuses, with one attempt: a failed job that stays in its queue.
    await hub.queues.add('normalize', { system: 'budget', raws: 'not a page' } as never, { attempts: 1 });
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });

    await hub.store.saveConnector('budget', {
      lastSuccess: new Date(now - 120_000).toISOString(),
      lastDurationMs: 4500,
      consecutiveFailures: 0,
    });
    await hub.store.saveConnector('oa', { lastError: 'HUB_SOURCE_AUTH: refused', consecutiveFailures: 3 });
    await hub.store.redis.set(hub.store.keys.connectorLock('trading'), 'run-1', 'PX', 60_000);
    metrics.recordRun('budget', {
      fetched: 6,
      new: 4,
      updated: 0,
      unchanged: 1,
      quarantined: 1,
      durationMs: 4500,
      ok: true,
    });
    metrics.recordRun('oa', {
      fetched: 0,
      new: 0,
      updated: 0,
      unchanged: 0,
      quarantined: 0,
      durationMs: 800,
      ok: false,
    });
    metrics.recordDelivery('crm', true);
    metrics.recordDelivery('crm', false);
    metrics.setOldestUndelivered('crm', 42);

    text = await metrics.render();
    samples = parseSamples(text);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('passes promtool check metrics without a single problem', async () => {
    const res = await promtoolCheckMetrics(text);
    expect(res.output, res.output).toBe('');
    expect(res.code).toBe(0);
  });

  it('exports exactly the catalogue, with the catalogued types', () => {
    expect(Object.fromEntries(families(text))).toEqual(
      Object.fromEntries(METRICS_CATALOGUE.map((m) => [m.name, m.type])),
    );
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('reports the ledger: projects, records by state per system, matching the accounting', async () => {
    expect(sample(samples, 'hub_ledger_projects')).toBe(1);
    // The project, one allocation and two payments are linked; ZB2 (an impossible date) is quarantined.
    expect(sample(samples, 'hub_ledger_records', { system: 'budget', state: 'linked' })).toBe(4);
    expect(sample(samples, 'hub_ledger_records', { system: 'budget', state: 'quarantined' })).toBe(1);
    expect(sample(samples, 'hub_ledger_records', { system: 'budget', state: 'unlinked' })).toBe(0);
    for (const system of SYSTEMS.filter((s) => s !== 'budget'))
      expect(sample(samples, 'hub_ledger_records', { system, state: 'linked' }), system).toBe(0);
    const acct = (await hub.store.accounting())['budget']!;
    for (const state of ['linked', 'unlinked', 'pending', 'superseded', 'quarantined'] as const)
      expect(sample(samples, 'hub_ledger_records', { system: 'budget', state }), state).toBe(acct[state]);
  });

  it('counts findings by code as the API computes them today', async () => {
    expect(sample(samples, 'hub_ledger_findings', { code: 'OVER_DISBURSED' })).toBe(1);
    const raw = await hub.store.getProjectRaw(CODE);
    const expected = findingsOf(JSON.parse(raw!.doc) as ProjectDoc, beijingDateOf(now));
    const exported = [...samples].filter(([k]) => k.startsWith('hub_ledger_findings{'));
    expect(exported).toHaveLength(expected.length);
    for (const f of expected)
      expect(sample(samples, 'hub_ledger_findings', { code: f.code }), f.code).toBe(1);
    expect(sample(samples, 'hub_ledger_findings_computed_timestamp_seconds')).toBe(now / 1000);
  });

  it('counts jobs per stage from the observed workers, with durations', () => {
    expect(sample(samples, 'hub_stage_jobs_processed_total', { stage: 'normalize' })).toBe(3);
    for (const stage of ['link', 'merge', 'publish'])
      expect(sample(samples, 'hub_stage_jobs_processed_total', { stage }), stage).toBeGreaterThan(0);
    // No ingest worker runs in this hub: the series exists, at zero.
    expect(sample(samples, 'hub_stage_jobs_processed_total', { stage: 'ingest' })).toBe(0);
    expect(sample(samples, 'hub_stage_jobs_failed_total', { stage: 'normalize' })).toBe(1);
    // Every attempt, completed or failed, is timed.
    expect(sample(samples, 'hub_stage_job_duration_seconds_count', { stage: 'normalize' })).toBe(4);
    expect(sample(samples, 'hub_stage_job_duration_seconds_bucket', { stage: 'normalize', le: '+Inf' })).toBe(
      4,
    );
    expect(sample(samples, 'hub_stage_job_duration_seconds_sum', { stage: 'normalize' })).toBeGreaterThan(0);
  });

  it('reports every queue depth, with the failed job where it is', () => {
    for (const stage of STAGES)
      for (const state of QUEUE_STATES)
        expect(sample(samples, 'hub_queue_jobs', { stage, state }), `${stage}/${state}`).toBeDefined();
    expect(sample(samples, 'hub_queue_jobs', { stage: 'normalize', state: 'failed' })).toBe(1);
    expect(sample(samples, 'hub_queue_jobs', { stage: 'link', state: 'waiting' })).toBe(0);
    for (const stage of ['link', 'merge', 'publish'])
      expect(sample(samples, 'hub_outbox_items', { stage }), stage).toBe(0);
  });

  it('reports connector state from Redis: last success, lag, duration, failures, running', () => {
    expect(sample(samples, 'hub_connector_last_success_timestamp_seconds', { system: 'budget' })).toBe(
      (now - 120_000) / 1000,
    );
    expect(sample(samples, 'hub_connector_lag_seconds', { system: 'budget' })).toBe(120);
    expect(sample(samples, 'hub_connector_last_run_duration_seconds', { system: 'budget' })).toBe(4.5);
    // Never succeeded: no made-up timestamp or lag.
    expect(sample(samples, 'hub_connector_lag_seconds', { system: 'oa' })).toBeUndefined();
    expect(sample(samples, 'hub_connector_last_success_timestamp_seconds', { system: 'oa' })).toBeUndefined();
    expect(sample(samples, 'hub_connector_consecutive_failures', { system: 'oa' })).toBe(3);
    expect(sample(samples, 'hub_connector_consecutive_failures', { system: 'budget' })).toBe(0);
    expect(sample(samples, 'hub_connector_running', { system: 'trading' })).toBe(1);
    expect(sample(samples, 'hub_connector_running', { system: 'budget' })).toBe(0);
  });

  it('counts recorded runs and their records per system', () => {
    expect(sample(samples, 'hub_connector_runs_total', { system: 'budget', state: 'ok' })).toBe(1);
    expect(sample(samples, 'hub_connector_runs_total', { system: 'oa', state: 'failed' })).toBe(1);
    expect(sample(samples, 'hub_connector_runs_total', { system: 'asset', state: 'ok' })).toBe(0);
    expect(sample(samples, 'hub_connector_records_fetched_total', { system: 'budget' })).toBe(6);
    expect(sample(samples, 'hub_connector_records_total', { system: 'budget', state: 'new' })).toBe(4);
    expect(sample(samples, 'hub_connector_records_total', { system: 'budget', state: 'quarantined' })).toBe(
      1,
    );
    expect(sample(samples, 'hub_connector_run_duration_seconds_sum', { system: 'budget' })).toBe(4.5);
    expect(sample(samples, 'hub_connector_run_duration_seconds_bucket', { system: 'budget', le: '5' })).toBe(
      1,
    );
    expect(sample(samples, 'hub_connector_run_duration_seconds_bucket', { system: 'budget', le: '1' })).toBe(
      0,
    );
  });

  it('counts webhook deliveries and failures and the oldest undelivered change per subscriber', () => {
    expect(sample(samples, 'hub_webhook_deliveries_total', { subscriber: 'crm' })).toBe(2);
    expect(sample(samples, 'hub_webhook_delivery_failures_total', { subscriber: 'crm' })).toBe(1);
    expect(sample(samples, 'hub_webhook_oldest_undelivered_age_seconds', { subscriber: 'crm' })).toBe(42);
  });

  it('reads Redis afresh on each scrape', async () => {
    await hub.store.saveConnector('oa', { consecutiveFailures: 4 });
    const again = parseSamples(await metrics.render());
    expect(sample(again, 'hub_connector_consecutive_failures', { system: 'oa' })).toBe(4);
  });
});

describe('promtool check metrics', () => {
  it('finds the problems it is there to find', async () => {
    const res = await promtoolCheckMetrics('# HELP jobs Jobs.\n# TYPE jobs counter\njobs 1\n');
    expect(res.output).toMatch(/_total/);
  });
});
