import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOnce } from '../../src/cli/syncOnce.js';
import type { Hub } from '../../src/hub.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { testHub } from '../helpers/hub.js';

/** The ledger's reading endpoints on a synced sandbox city: stats, export, priority, history, knownAt. */
describe('reading the ledger', () => {
  let sandbox: Sandbox;
  let hub: Hub & { readKey: string; adminKey: string };
  const get = async (url: string, key?: string) => {
    const res = await hub.api!.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${key ?? hub.readKey}` },
    });
    return { status: res.statusCode, body: res.body, headers: res.headers, json: () => res.json() };
  };
  const allProjects = async () => {
    const out = [];
    let cursor: string | null = null;
    do {
      const page = (
        await get(`/api/v1/projects?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).json();
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 60, seed: 17 });
    hub = await testHub(sandboxConnectors(sandbox.urls));
    await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
  }, 120_000);
  afterAll(async () => {
    await hub.close();
    await sandbox.close();
  });

  it('GET /stats totals equal the sums over all projects, exactly, for every grouping', async () => {
    const projects = await allProjects();
    for (const groupBy of ['sector', 'district', 'category', 'stage', 'year']) {
      const s = (await get(`/api/v1/stats?groupBy=${groupBy}`)).json();
      expect(s.groupBy).toBe(groupBy);
      expect(s.totals.count).toBe(projects.length);
      expect(s.groups.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(projects.length);
      for (const f of [
        'totalInvestmentFen',
        'requestedSubsidyFen',
        'allocatedFen',
        'disbursedFen',
        'contractFen',
      ]) {
        const sum = projects.reduce((n, p) => n + BigInt(p.money[f] ?? 0), 0n);
        expect(BigInt(s.totals.money[f]), `${groupBy} ${f}`).toBe(sum);
        const groupSum = s.groups.reduce(
          (n: bigint, g: { money: Record<string, number> }) => n + BigInt(g.money[f] ?? 0),
          0n,
        );
        expect(groupSum, `${groupBy} ${f} over groups`).toBe(sum);
      }
    }
    expect((await get('/api/v1/stats?groupBy=color')).status).toBe(400);
  });

  it('GET /export streams every project as NDJSON and as CSV with a header', async () => {
    const projects = await allProjects();
    const nd = await get('/api/v1/export?format=ndjson');
    expect(nd.status).toBe(200);
    expect(nd.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = nd.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((p) => p.projectKey).sort()).toEqual(projects.map((p) => p.projectKey).sort());
    expect(lines[0]).toHaveProperty('records');
    const csv = await get('/api/v1/export?format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows[0]!.startsWith('projectKey,name,')).toBe(true);
    expect(rows).toHaveLength(projects.length + 1);
  });

  it('sort=priority lists construction and stalled projects first, with stable cursors', async () => {
    const out: Array<{ projectKey: string; stage: string; priority: { score: number; band: number } }> = [];
    let cursor: string | null = null;
    do {
      const page = (
        await get(
          `/api/v1/projects?sort=priority&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).json();
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(out.length).toBe((await allProjects()).length);
    expect(new Set(out.map((p) => p.projectKey)).size).toBe(out.length);
    for (let i = 1; i < out.length; i++)
      expect(out[i - 1]!.priority.score).toBeGreaterThanOrEqual(out[i]!.priority.score);
    const firstBand3 = out.findIndex((p) => p.priority.band === 3);
    const lastBand1 = out.map((p) => p.priority.band).lastIndexOf(1);
    if (firstBand3 >= 0 && lastBand1 >= 0) expect(lastBand1).toBeLessThan(firstBand3);
    expect(out.filter((p) => p.stage === 'construction').every((p) => p.priority.band === 1)).toBe(true);
  });

  it('history lists every version with its records; knownAt rebuilds an earlier state', async () => {
    const [first] = await allProjects();
    const h = (await get(`/api/v1/projects/${first.projectKey}/history`)).json();
    expect(h.versions.length).toBeGreaterThanOrEqual(1);
    expect(h.versions[0].version).toBe(1);
    expect(h.versions.flatMap((v: { records: unknown[] }) => v.records).length).toBeGreaterThan(0);
    const now = (await get(`/api/v1/projects/${first.projectKey}`)).json();
    const known = (
      await get(`/api/v1/projects/${first.projectKey}?knownAt=${encodeURIComponent(h.versions[0].at)}`)
    ).json();
    expect(known.version).toBe(1);
    expect(known.version).toBeLessThanOrEqual(now.version);
    const before = await get(`/api/v1/projects/${first.projectKey}?knownAt=2000-01-01T00:00:00Z`);
    expect(before.status).toBe(404);
  });

  it('every stored project carries its stage, six dimensions, findings and priority', async () => {
    const [first] = await allProjects();
    const p = (await get(`/api/v1/projects/${first.projectKey}`)).json();
    expect(Object.keys(p.dimensions).sort()).toEqual([
      'application',
      'archive',
      'construction',
      'funds',
      'performance',
      'review',
    ]);
    expect(p.dimensions.archive).toHaveProperty('complete');
    expect(Array.isArray(p.findings)).toBe(true);
    expect(p.priority.band).toBeGreaterThanOrEqual(1);
    // asOf far in the future: a project under construction with no later progress is stalled.
    const future = (await get(`/api/v1/projects?stage=construction&limit=1`)).json().items[0];
    if (future) {
      const later = (await get(`/api/v1/projects/${future.projectKey}?asOf=2099-01-01`)).json();
      expect(later.findings.map((f: { code: string }) => f.code)).toContain('STALLED');
    }
  });
});
