import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForDrain } from '../../pipelines/sweep.js';
import { syncOnce } from '../../src/cli/syncOnce.js';
import type { Hub } from '../../src/hub.js';
import { recordId } from '../../src/model/record.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { ExpectedLink, Wave } from '../../src/sandbox/world/types.js';
import { testHub } from '../helpers/hub.js';
import { accountingHolds } from '../helpers/ledger.js';
import { dropKeys } from './dropKeys.js';

interface RecordRef {
  system: string;
  kind: string;
  sourceId: string;
  linkedBy: string;
}

/**
 * Manual links (ledger.md §2, POST /api/v1/links): an operator links what no rule could; the
 * link overrides rules 2–5, survives later syncs, and never overrides a budget code (rule 1).
 */
describe('manual links', () => {
  let sandbox: Sandbox;
  let hub: Hub & { adminKey: string; readKey: string };
  let admin: Redis;

  const call = async (method: 'GET' | 'POST', url: string, key: string, payload?: object) => {
    const res = await hub.api!.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
    return { status: res.statusCode, body: res.json() };
  };
  const project = async (key: string) =>
    (await call('GET', `/api/v1/projects/${key}`, hub.readKey)).body as {
      projectKey: string;
      records: RecordRef[];
    };
  const refOf = (l: ExpectedLink) => l.record;
  const linkOf = async (l: ExpectedLink) => {
    const id = `${l.record.system}|${l.record.kind}|${l.record.sourceId}`;
    return (await hub.store.loadRecords([id])).get(id)!;
  };
  const drain = () => waitForDrain(hub.store, hub.queues, { timeoutMs: 20_000 });
  const sync = async (full: boolean) => {
    const rows = await syncOnce(hub, [...SYSTEMS], { full, quiet: true, timeoutMs: 30_000 });
    for (const r of rows) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
    return rows;
  };
  const planted = (c: ExpectedLink['case'], kind: string) =>
    sandbox.world.expectations.links.filter((l) => l.case === c && l.record.kind === kind);

  beforeAll(async () => {
    admin = new Redis(inject('redisUrl'));
    sandbox = await startSandbox({ projects: 40, seed: 3 });
    hub = await testHub(sandboxConnectors(sandbox.urls));
    await sync(false);
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
    if (hub) await dropKeys(admin, hub.config.redis.prefix);
    await admin?.quit();
  });

  it('needs the admin scope', async () => {
    const [subsidy] = planted('no-match', 'subsidy');
    const target = sandbox.world.expectations.projects[0]!.projectKey;
    const res = await call('POST', '/api/v1/links', hub.readKey, { ...refOf(subsidy!), projectKey: target });
    expect(res.status).toBe(403);
    await drain();
    expect((await linkOf(subsidy!)).state).toBe('unlinked');
  });

  it('links an unlinked subsidy, and the link survives re-syncs and a new version of the record', async () => {
    const subsidy = planted('no-match', 'subsidy')[1]!;
    expect((await linkOf(subsidy)).reason?.reason).toBe('no-match');
    const target = sandbox.world.expectations.projects[1]!.projectKey;
    const before = await hub.store.accounting();

    const res = await call('POST', '/api/v1/links', hub.adminKey, { ...refOf(subsidy), projectKey: target });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ projectKey: target, status: 'accepted' });
    await drain();
    // An operator's link is a live change: merged at once, never deferred behind a load.
    const linkJobs = await hub.queues.q.link.getJobs(['completed']);
    const ours = linkJobs.find((j) => (j.data as { ids: string[] }).ids.includes(recordId(refOf(subsidy))));
    expect((ours?.data as { live?: boolean } | undefined)?.live).toBe(true);
    const expected = { ...refOf(subsidy), linkedBy: 'manual' };
    expect((await project(target)).records).toContainEqual(expect.objectContaining(expected));
    const after = await hub.store.accounting();
    expect(after['benefit']!.linked).toBe(before['benefit']!.linked + 1);
    expect(after['benefit']!.unlinked).toBe(before['benefit']!.unlinked - 1);
    const unlinked = await call('GET', '/api/v1/unlinked?system=benefit&limit=500', hub.readKey);
    expect(unlinked.body.items.map((i: RecordRef) => i.sourceId)).not.toContain(subsidy.record.sourceId);

    // Nothing changed at the source: a full re-read re-delivers the record.
    await sync(true);
    expect((await project(target)).records).toContainEqual(expect.objectContaining(expected));

    // The source edits the record: its new version is linked again, and the manual link holds.
    const held = (await linkOf(subsidy)).hash;
    const row = sandbox.world.data.benefit.find((d) => d.applicationId === subsidy.record.sourceId)!;
    sandbox.apply(waveOf({ benefit: [{ ...row, updatedAt: '2026-09-30T10:00:00+08:00' }] }));
    const rows = await sync(false);
    expect(rows.find((r) => r.system === 'benefit')!.updated).toBe(1);
    const relinked = await linkOf(subsidy);
    expect(relinked.hash).not.toBe(held);
    expect({ projectKey: relinked.projectKey, linkedBy: relinked.linkedBy }).toEqual({
      projectKey: target,
      linkedBy: 'manual',
    });
    expect((await accountingHolds(hub.store)).ok).toBe(true);
  }, 60_000);

  it('answers with the survivor when asked to link to an alias', async () => {
    const merged = sandbox.world.expectations.projects.find((p) => p.aliases.length > 0)!;
    const subsidy = planted('no-match', 'subsidy')[2]!;
    const res = await call('POST', '/api/v1/links', hub.adminKey, {
      ...refOf(subsidy),
      projectKey: merged.aliases[0],
    });
    expect(res.body.projectKey).toBe(merged.projectKey);
    await drain();
    expect((await project(merged.projectKey)).records).toContainEqual(
      expect.objectContaining({ ...refOf(subsidy), linkedBy: 'manual' }),
    );
  });

  it('does not override a budget code (rule 1)', async () => {
    const payment = sandbox.world.expectations.links.find(
      (l) => l.record.system === 'budget' && l.record.kind === 'payment' && l.projectKey !== null,
    )!;
    const own = payment.projectKey!;
    const other = sandbox.world.expectations.projects.find((p) => p.projectKey !== own)!.projectKey;
    expect((await linkOf(payment)).linkedBy).toBe('budgetCode');

    const res = await call('POST', '/api/v1/links', hub.adminKey, { ...refOf(payment), projectKey: other });
    expect(res.status).toBe(202);
    await drain();
    const s = await linkOf(payment);
    expect({ projectKey: s.projectKey, linkedBy: s.linkedBy }).toEqual({
      projectKey: own,
      linkedBy: 'budgetCode',
    });
    const ids = (p: { records: RecordRef[] }) => p.records.map((r) => `${r.system}|${r.kind}|${r.sourceId}`);
    const id = `budget|payment|${payment.record.sourceId}`;
    expect(ids(await project(own))).toContain(id);
    expect(ids(await project(other))).not.toContain(id);
  });

  it('overrides a transitive link (rule 3)', async () => {
    const award = planted('transitive-award', 'award')[0]!;
    expect((await linkOf(award)).linkedBy).toBe('transitive');
    const other = sandbox.world.expectations.projects.find((p) => p.projectKey !== award.projectKey)!;
    await call('POST', '/api/v1/links', hub.adminKey, { ...refOf(award), projectKey: other.projectKey });
    await drain();
    const s = await linkOf(award);
    expect({ projectKey: s.projectKey, linkedBy: s.linkedBy }).toEqual({
      projectKey: other.projectKey,
      linkedBy: 'manual',
    });
    const ids = (await project(award.projectKey!)).records.map((r) => r.sourceId);
    expect(ids).not.toContain(award.record.sourceId);
  });

  it('lists an ambiguous subsidy with its candidate projects', async () => {
    const ambiguous = planted('ambiguous-subsidy', 'subsidy');
    expect(ambiguous.length).toBeGreaterThan(0);
    const res = await call('GET', '/api/v1/unlinked?reason=ambiguous&limit=500', hub.readKey);
    expect(res.status).toBe(200);
    const items = res.body.items as Array<RecordRef & { reason: string; candidates: string[] }>;
    expect(items.every((i) => i.reason === 'ambiguous')).toBe(true);
    for (const a of ambiguous) {
      const item = items.find((i) => i.system === 'benefit' && i.sourceId === a.record.sourceId);
      expect(item, a.record.sourceId).toBeDefined();
      expect(item!.candidates.length).toBeGreaterThanOrEqual(2);
      expect(item!.candidates).toEqual([...item!.candidates].sort());
      for (const c of item!.candidates)
        expect((await call('GET', `/api/v1/projects/${c}`, hub.readKey)).status, c).toBe(200);
    }
  });
});

/** A wave that changes only what `changes` holds. */
function waveOf(changes: Partial<Pick<Wave, 'benefit'>>): Wave {
  return {
    budget: [],
    smartcity: [],
    oa: [],
    asset: [],
    benefit: [],
    trading: [],
    changedProjects: [],
    expectations: { projects: [] },
    ...changes,
  };
}
