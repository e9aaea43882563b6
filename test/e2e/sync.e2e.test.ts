import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary, syncOnce, type SyncSummaryRow } from '../../src/cli/syncOnce.js';
import type { Hub } from '../../src/hub.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { generateWave } from '../../src/sandbox/world/wave.js';
import { accountingHolds, ledgerFingerprint } from '../helpers/ledger.js';
import { testHub } from '../helpers/hub.js';

/**
 * End to end: the six simulators over real HTTP on 127.0.0.1 → connectors → pipelines → API,
 * checked against what the generator planted.
 */
describe('six systems end to end', () => {
  let sandbox: Sandbox;
  let hub: Hub & { readKey: string };
  let first: SyncSummaryRow[];
  const get = async (url: string) => {
    const res = await hub.api!.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${hub.readKey}` },
    });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 80, seed: 7 });
    hub = await testHub(sandboxConnectors(sandbox.urls));
    first = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
  });

  it('reads every record every system serves, and every one is accounted for', async () => {
    const served = {
      budget: sandbox.world.data.budget.length,
      oa: sandbox.world.data.oa.length,
      asset: sandbox.world.data.asset.length,
      benefit: sandbox.world.data.benefit.length,
      smartcity: sandbox.world.data.smartcity.length,
      trading: sandbox.world.data.trading.length,
    };
    for (const row of first) {
      expect(row.ok, `${row.system}: ${row.error}`).toBe(true);
      expect(row.fetched, row.system).toBeGreaterThanOrEqual(served[row.system]);
      expect(row.new + row.updated + row.unchanged + row.quarantined).toBe(row.fetched);
    }
    expect(formatSummary(first)).toMatch(
      /^system\s+fetched\s+new\s+updated\s+unchanged\s+quarantined\s+unlinked/,
    );
    const inv = await accountingHolds(hub.store);
    expect(inv.ok, JSON.stringify(inv.detail)).toBe(true);
  });

  it('links every planted case as the generator expects', async () => {
    const cases = new Set<string>();
    for (const e of sandbox.world.expectations.links) {
      const id = `${e.record.system}|${e.record.kind}|${e.record.sourceId}`;
      const s = (await hub.store.loadRecords([id])).get(id);
      expect(s, id).toBeDefined();
      expect(s!.projectKey, `${e.case} ${id}`).toBe(e.projectKey);
      if (e.projectKey === null) expect(s!.reason?.reason, `${e.case} ${id}`).toBe(e.reason);
      cases.add(e.case);
    }
    for (const c of [
      'transitive-award',
      'transitive-contract',
      'transitive-asset',
      'transitive-site',
      'transitive-event',
      'late-anchor',
      'alias-merge',
      'ambiguous-subsidy',
      'fullwidth-code',
      'name-variant',
      'title-match',
      'no-match',
    ]) {
      expect(cases, c).toContain(c);
    }
  });

  it('merges exact money for every expected project, and serves aliases with a redirect', async () => {
    for (const p of sandbox.world.expectations.projects) {
      const res = await get(`/api/v1/projects/${p.projectKey}`);
      expect(res.status, p.projectKey).toBe(200);
      const m = res.body.money;
      for (const [field, v] of Object.entries(p.money))
        expect(m[field] ?? 0, `${p.projectKey} ${field}`).toBe(v ?? 0);
      expect(res.body.name).toBe(p.name);
      expect(res.body.category).toBe(p.category);
      for (const alias of p.aliases) {
        const a = await get(`/api/v1/projects/${alias}`);
        expect(a.body.projectKey).toBe(p.projectKey);
        expect(a.body.redirectedFrom).toBe(alias);
      }
    }
  });

  it('statistics are maintained incrementally and equal the exact sums over projects', async () => {
    const keys = await hub.store.redis.zrange(hub.store.keys.projects, 0, -1);
    const docs = [];
    for (const k of keys) {
      const raw = await hub.store.getProjectRaw(k);
      const doc = JSON.parse(raw!.doc);
      if (!doc.redirectTo && !doc.orphaned) docs.push(doc);
    }
    const [totals] = await hub.store.stats('all');
    expect(totals!.count).toBe(docs.length);
    for (const f of ['totalInvestmentFen', 'allocatedFen', 'disbursedFen', 'contractFen', 'subsidyPaidFen']) {
      const sum = docs.reduce((n, d) => n + BigInt(d.money[f] ?? 0), 0n);
      expect(BigInt(totals!.money[f] ?? 0), f).toBe(sum);
    }
    for (const g of ['sector', 'district', 'category', 'stage', 'year']) {
      const groups = await hub.store.stats(g);
      expect(
        groups.reduce((n, x) => n + x.count, 0),
        g,
      ).toBe(docs.length);
      const byKey = new Map<string, number>();
      for (const d of docs) {
        const key =
          g === 'district' ? d.district.code : g === 'year' ? String(d.dimensions.application.year) : d[g];
        byKey.set(key, (byKey.get(key) ?? 0) + 1);
      }
      for (const x of groups) expect(x.count, `${g}=${x.key}`).toBe(byKey.get(x.key));
    }
  });

  it('a second sync with no source changes writes nothing: no versions, no change-feed entries', async () => {
    const before = await ledgerFingerprint(hub.store);
    const seqBefore = await hub.store.redis.get(hub.store.keys.changesSeq);
    const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
    for (const r of rows) {
      expect(r.ok).toBe(true);
      expect(r.new + r.updated, r.system).toBe(0);
    }
    expect(await hub.store.redis.get(hub.store.keys.changesSeq)).toBe(seqBefore);
    expect((await ledgerFingerprint(hub.store)).hash).toBe(before.hash);
  }, 60_000);

  it('a second wave of source changes gives new versions to exactly the changed projects', async () => {
    const wave = generateWave(sandbox.world, { seed: 99, fraction: 0.1 });
    expect(wave.changedProjects.length).toBeGreaterThan(0);
    const keys = await hub.store.redis.zrange(hub.store.keys.projects, 0, -1);
    const versions = new Map<string, number>();
    for (const k of keys) versions.set(k, (await hub.store.getProjectRaw(k))!.version);
    sandbox.apply(wave);
    const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
    for (const r of rows) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
    const bumped = [];
    for (const k of keys) if ((await hub.store.getProjectRaw(k))!.version !== versions.get(k)) bumped.push(k);
    expect(bumped.sort()).toEqual([...wave.changedProjects].sort());
    for (const p of wave.expectations.projects) {
      const res = await get(`/api/v1/projects/${p.projectKey}`);
      for (const [field, v] of Object.entries(p.money))
        expect(res.body.money[field] ?? 0, `${p.projectKey} ${field}`).toBe(v ?? 0);
    }
    const inv = await accountingHolds(hub.store);
    expect(inv.ok, JSON.stringify(inv.detail)).toBe(true);
  }, 120_000);
});
