import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { deliverBudget, testHub } from './helpers/hub.js';
import { xmk, zb, zf } from './helpers/budgetRecords.js';

describe('pipelines on a real Redis', () => {
  let hub: Hub & { adminKey: string; readKey: string };
  const get = async (url: string, key = hub.readKey) => {
    const res = await hub.api!.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    return { status: res.statusCode, body: res.json() };
  };

  beforeAll(async () => {
    hub = await testHub({});
  });
  afterAll(async () => {
    await hub.close();
  });

  it('links by budget code, merges exact sums, ignores revoked records, and publishes one change per version', async () => {
    // Payments and indicators arrive before their project: they wait as anchor-missing.
    await deliverBudget(hub, 'ZF.QUERY', [
      zf('ZFPZ1', '150203202304000517', '3500000.00'),
      zf('ZFPZ2', '150203202304000517', '1200000.00'),
    ]);
    let unl = await get('/api/v1/unlinked?reason=anchor-missing');
    expect(unl.body.items.map((i: { sourceId: string }) => i.sourceId).sort()).toEqual(['ZFPZ1', 'ZFPZ2']);

    await deliverBudget(hub, 'XMK.QUERY', [
      xmk('150203202304000517', '2023-150203-48-01-000123', '昆都仑区钢铁大街综合管廊建设项目'),
    ]);
    await deliverBudget(hub, 'ZB.QUERY', [
      zb('ZB1', '150203202304000517', '17959838.00'),
      zb('ZB2', '150203202304000517', '100.00', 1, '已收回'),
    ]);

    const p = await get('/api/v1/projects/150203202304000517');
    expect(p.status).toBe(200);
    expect(p.body.money).toMatchObject({
      totalInvestmentFen: 45798545000,
      requestedSubsidyFen: 25256219000,
      reviewedFen: null,
      allocatedFen: 1795983800,
      disbursedFen: 470000000,
    });
    expect(p.body.records).toHaveLength(5);
    expect(p.body.records.find((r: { sourceId: string }) => r.sourceId === 'ZB2').state).toBe('revoked');
    expect(p.body.stage).toBe('funded');
    expect(p.body.provenance.name).toMatchObject({
      system: 'budget',
      kind: 'project',
      sourceId: '150203202304000517',
    });
    expect(p.body.findings.map((f: { code: string }) => f.code)).not.toContain('OVER_DISBURSED');

    unl = await get('/api/v1/unlinked');
    expect(unl.body.total).toBe(0);

    const acct = await get('/api/v1/accounting');
    expect(acct.body.systems.budget).toMatchObject({
      received: 5,
      linked: 5,
      unlinked: 0,
      quarantined: 0,
      superseded: 0,
      pending: 0,
    });
  });

  it('a re-delivery and an older version change nothing; a newer version does', async () => {
    const before = await get('/api/v1/changes?after=0&limit=1000');
    const v0 = (await get('/api/v1/projects/150203202304000517')).body.version;
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZFPZ1', '150203202304000517', '3500000.00')]);
    await deliverBudget(hub, 'XMK.QUERY', [
      xmk('150203202304000517', '2023-150203-48-01-000123', '昆都仑区钢铁大街综合管廊建设项目'),
    ]);
    expect((await get('/api/v1/changes?after=0&limit=1000')).body.changes).toHaveLength(
      before.body.changes.length,
    );
    expect((await get('/api/v1/projects/150203202304000517')).body.version).toBe(v0);

    // v3 then v2: the older one arriving later loses.
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZFPZ2', '150203202304000517', '1200000.00', 3, '已退回')]);
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZFPZ2', '150203202304000517', '1300000.00', 2)]);
    const p = await get('/api/v1/projects/150203202304000517');
    expect(p.body.money.disbursedFen).toBe(350000000);
    const acct = await get('/api/v1/accounting');
    expect(acct.body.systems.budget).toMatchObject({ received: 7, linked: 5, superseded: 2 });
    const changes = (await get(`/api/v1/changes?after=${before.body.nextSeq}`)).body.changes;
    expect(changes.length).toBeGreaterThanOrEqual(1);
    expect(
      changes.flatMap((c: { events: Array<{ type: string; field?: string }> }) => c.events),
    ).toContainEqual({
      type: 'moneyChanged',
      field: 'disbursedFen',
      from: 470000000,
      to: 350000000,
    });
    const seqs = (await get('/api/v1/changes?after=0&limit=1000')).body.changes.map(
      (c: { seq: number }) => c.seq,
    );
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
  });

  it('quarantines a malformed record with its reason and keeps the rest of the page', async () => {
    await deliverBudget(hub, 'ZB.QUERY', [
      zb('ZB3', '150203202304000517', '-5.00'),
      { ...zb('ZB4', '150203202304000517', '1.00'), XDRQ: '2023-02-30' },
      zb('ZB5', '150203202304000517', '200.00'),
    ]);
    const q = await get('/api/v1/quarantine?system=budget', hub.adminKey);
    expect(q.body.total).toBe(2);
    expect(q.body.items.map((i: { sourceId: string }) => i.sourceId).sort()).toEqual(['ZB3', 'ZB4']);
    expect(q.body.items.find((i: { sourceId: string }) => i.sourceId === 'ZB4').reason).toMatch(/XDRQ/);
    expect((await get('/api/v1/projects/150203202304000517')).body.money.allocatedFen).toBe(
      1795983800 + 20000,
    );
    expect((await get('/api/v1/quarantine', hub.readKey)).status).toBe(403);
  });

  it('merges two library entries sharing an investment code under the smallest key, with redirects', async () => {
    await deliverBudget(hub, 'XMK.QUERY', [
      xmk('150203202604000999', '2023-150203-48-01-000123', '昆都仑区钢铁大街综合管廊建设项目（续建）'),
    ]);
    await deliverBudget(hub, 'ZB.QUERY', [zb('ZB9', '150203202604000999', '50.00')]);
    await deliverBudget(hub, 'XMK.QUERY', [
      xmk('150203202104000001', '2023-150203-48-01-000123', '昆都仑区钢铁大街综合管廊建设项目'),
    ]);
    const alias = await get('/api/v1/projects/150203202304000517');
    expect(alias.status).toBe(200);
    expect(alias.body.projectKey).toBe('150203202104000001');
    expect(alias.body.redirectedFrom).toBe('150203202304000517');
    expect(alias.body.codes.budget).toEqual([
      '150203202104000001',
      '150203202304000517',
      '150203202604000999',
    ]);
    expect(alias.body.money.allocatedFen).toBe(1795983800 + 20000 + 5000);
    const changes = (await get('/api/v1/changes?after=0&limit=1000')).body.changes;
    expect(
      changes.some(
        (c: { kind: string; projectKey: string }) =>
          c.kind === 'merged' && c.projectKey === '150203202304000517',
      ),
    ).toBe(true);
    const list = (await get('/api/v1/projects')).body.items.map((i: { projectKey: string }) => i.projectKey);
    expect(list).toEqual(['150203202104000001']);
  });

  it('refuses requests without a valid key and leaks nothing', async () => {
    const res = await hub.api!.inject({ method: 'GET', url: '/api/v1/projects' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: { code: 'HUB_API_UNAUTHORIZED', message: 'a valid API key is required' },
    });
    const bad = await hub.api!.inject({
      method: 'GET',
      url: '/api/v1/projects',
      headers: { authorization: 'Bearer nope' },
    });
    expect(bad.statusCode).toBe(401);
    const missing = await get('/api/v1/projects/000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('HUB_API_NOT_FOUND');
    expect((await get('/api/v1/projects?limit=9999')).status).toBe(400);
  });
});
