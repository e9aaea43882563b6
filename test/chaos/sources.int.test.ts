import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOnce } from '../../src/cli/syncOnce.js';
import { SYSTEMS, type SystemId } from '../../src/model/systems.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { testHub } from '../helpers/hub.js';
import { accountingHolds, ledgerFingerprint } from '../helpers/ledger.js';

/**
 * Sources misbehaving: 429 storms, 5xx, resets, stalled and truncated responses, tokens expiring
 * mid-run, a run that fails and resumes from its saved cursor, and a source down for long —
 * each must end in the same ledger as an undisturbed run, with the outage reported.
 */
// Enough attempts to outlast the storm below (11 consecutive faults on one request at worst).
const fast = { attempts: 14, baseMs: 5, maxMs: 50 };

function connectors(sandbox: Sandbox, timeoutMs = 1500) {
  const c = sandboxConnectors(sandbox.urls, { retry: fast }) as Record<SystemId, Record<string, unknown>>;
  for (const s of SYSTEMS) c[s] = { ...c[s], timeoutMs, pageSize: 50 };
  return c;
}

describe('sources misbehaving', () => {
  let sandbox: Sandbox;
  let reference: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 30, seed: 21 });
    const hub = await testHub(connectors(sandbox));
    const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
    expect(rows.every((r) => r.ok)).toBe(true);
    reference = (await ledgerFingerprint(hub.store)).hash;
    await hub.close();
  }, 120_000);
  afterAll(() => sandbox.close());

  it('retries through 429 storms, 5xx, resets, stalls, truncation and expiring tokens to the same ledger', async () => {
    const storm: FaultRule[] = [
      { mode: 'http429', times: 4, retryAfterSec: 0 },
      { mode: 'http500', times: 2 },
      { mode: 'reset', times: 2 },
      { mode: 'http503', times: 1, retryAfterSec: 0 },
      { mode: 'truncated', times: 1 },
      { mode: 'stall', times: 1 },
    ];
    for (const s of SYSTEMS) sandbox.faults[s].add(...storm);
    // The token expires mid-run (after the first listing call).
    sandbox.faults.oa.add({ mode: 'authExpired', pathPrefix: '/oa/api', after: 1 });
    const hub = await testHub(connectors(sandbox));
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      for (const r of rows) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
      for (const s of SYSTEMS) expect(sandbox.faults[s].pending(), s).toBe(0);
      expect((await ledgerFingerprint(hub.store)).hash).toBe(reference);
      expect((await accountingHolds(hub.store)).ok).toBe(true);
    } finally {
      for (const s of SYSTEMS) sandbox.faults[s].clear();
      await hub.close();
    }
  }, 120_000);

  it('a run that fails mid-way resumes from its last saved cursor and ends in the same ledger', async () => {
    const hub = await testHub(connectors(sandbox));
    try {
      // Let the first pages through, then fail every request for longer than the retries last.
      for (const s of SYSTEMS) sandbox.faults[s].add({ mode: 'http500', times: Infinity, after: 2 });
      const first = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      for (const s of SYSTEMS) sandbox.faults[s].clear();
      expect(first.some((r) => r.fetched > 0)).toBe(true);
      const failed = first.filter((r) => !r.ok).map((r) => r.system);
      expect(failed.length).toBeGreaterThan(0);
      const status = await hub.store.connectorState(failed[0]!);
      expect(status['lastError']).toMatch(/HUB_SOURCE_TRANSIENT|HTTP 500/);
      const second = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      for (const r of second) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
      expect((await ledgerFingerprint(hub.store)).hash).toBe(reference);
      expect((await accountingHolds(hub.store)).ok).toBe(true);
    } finally {
      for (const s of SYSTEMS) sandbox.faults[s].clear();
      await hub.close();
    }
  }, 120_000);

  it('a source down for long is reported while the others sync completely', async () => {
    sandbox.faults.trading.add({ mode: 'http503', times: Infinity, retryAfterSec: 0 });
    const hub = await testHub(connectors(sandbox));
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      expect(rows.find((r) => r.system === 'trading')!.ok).toBe(false);
      for (const r of rows.filter((x) => x.system !== 'trading')) expect(r.ok, r.system).toBe(true);
      const res = await hub.api!.inject({
        method: 'GET',
        url: '/api/v1/connectors',
        headers: { authorization: `Bearer ${hub.adminKey}` },
      });
      const trading = res.json().items.find((c: { id: string }) => c.id === 'trading');
      expect(trading.lastError).toMatch(/trading/);
      expect(trading.consecutiveFailures).toBeGreaterThanOrEqual(1);
      expect(trading.lastSuccess).toBeNull();
      const budget = res.json().items.find((c: { id: string }) => c.id === 'budget');
      expect(budget.lastSuccess).not.toBeNull();
      // The API keeps serving the ledger of the others.
      const list = await hub.api!.inject({
        method: 'GET',
        url: '/api/v1/projects?limit=5',
        headers: { authorization: `Bearer ${hub.adminKey}` },
      });
      expect(list.json().items.length).toBe(5);
    } finally {
      sandbox.faults.trading.clear();
      await hub.close();
    }
  }, 120_000);
});
