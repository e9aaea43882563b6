import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.js';
import { sweepOutboxes } from '../../pipelines/sweep.js';
import { normalizeBatch } from '../../pipelines/normalize/normalize.js';
import { testHub } from '../../test/helpers/hub.js';
import { zb } from '../../test/helpers/budgetRecords.js';
import type { Hub } from '../hub.js';
import { recordId, type NormalizedRecord } from '../model/record.js';

/** upsertRecords-var.lua: a page of versions in one step, statuses per item, exact counters. */
describe('storing a page of record versions', () => {
  let hub: Hub;
  const CODE = '150203202304000517';
  const page = (...raws: unknown[]): NormalizedRecord[] => {
    const { records, rejected } = normalizeBatch(raws, 'ZB.QUERY', connectorFor('budget').normalize);
    expect(rejected).toEqual([]);
    return records;
  };
  const store = (records: NormalizedRecord[]) =>
    hub.store.upsertRecords(records.map((record) => ({ record, receivedAt: '2026-11-24T00:00:00Z' })));

  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('tells new, updated, stale, duplicate and re-armed versions apart, within one page too', async () => {
    const [a1] = page(zb('A', CODE, '1.00', 1));
    const id = recordId(a1!);
    expect(await store([a1!])).toEqual(['NEW']);
    // Received but never linked: a re-delivery re-arms it for linking.
    const firstTick = Number(await hub.store.redis.zscore(hub.store.keys.needLink, id));
    expect(firstTick).toBeGreaterThan(0);
    await hub.store.redis.zrem(hub.store.keys.needLink, id);
    expect(await store([a1!])).toEqual(['REARM']);
    // Scored with a newer tick of the link clock than the first wake-up.
    expect(Number(await hub.store.redis.zscore(hub.store.keys.needLink, id))).toBe(firstTick + 1);
    // Once linked, the same version is a plain duplicate.
    const h = await hub.store.redis.hget(hub.store.keys.record(id), 'h');
    await hub.store.redis.hset(hub.store.keys.record(id), 'lh', h!);
    expect(await store([a1!])).toEqual(['DUP']);

    // A newer and an older version in the same page, and one identity twice.
    const [a3, a2, b1, b1again] = page(
      zb('A', CODE, '3.00', 3),
      zb('A', CODE, '2.00', 2),
      zb('B', CODE, '5.00', 1),
      zb('B', CODE, '5.00', 1),
    );
    // (B's second copy finds B stored and not yet linked: re-armed, not counted again.)
    expect(await store([a3!, a2!, b1!, b1again!])).toEqual(['UPDATED', 'STALE', 'NEW', 'REARM']);
    const held = (await hub.store.loadRecords([id])).get(id)!.record as { data: { amountFen: number } };
    expect(held.data.amountFen).toBe(300);
    // The older version, delivered again later, is recognized as received.
    expect(await store([a2!])).toEqual(['DUP']);

    const acct = await hub.store.redis.hgetall(hub.store.keys.accounting);
    expect(acct).toMatchObject({ 'budget:versions': '4', 'budget:identities': '2' });
    expect((await hub.store.accounting())['budget']).toMatchObject({
      received: 4,
      superseded: 2,
      pending: 2,
    });
    expect(await hub.store.redis.zrange(hub.store.keys.needLink, 0, -1)).toEqual(
      expect.arrayContaining([id, recordId(b1!)]),
    );
  });

  it('stores nothing for an empty page', async () => {
    expect(await store([])).toEqual([]);
  });

  /**
   * The link outbox is scored by the link clock: a link job reads the clock before anything it
   * decides from, and its commit settles only wake-ups no newer than that reading. A provider that
   * wrote its index entry after the job's reads wakes the record with a newer tick, and that
   * wake-up must outlive the commit (it is what re-links the record if the provider's own queued
   * job is lost).
   */
  it('settles a link wake-up only when the committing job began after it', async () => {
    const [rec] = page(zb('CLOCK-1', '150203202304000999', '9.00', 1));
    const id = recordId(rec!);
    expect(await store([rec!])).toEqual(['NEW']);
    const k = hub.store.keys;
    const stored = (await hub.store.loadRecords([id])).get(id)!;
    const decision = {
      stored,
      projectKey: null,
      linkedBy: '',
      reason: { reason: 'anchor-missing', candidates: [] },
      provided: [],
      referenced: [],
    };

    const read = await hub.store.linkClock();
    expect(Number(await hub.store.redis.zscore(k.needLink, id))).toBe(read);
    await hub.store.wakeLinks([id, id]);
    const woken = Number(await hub.store.redis.zscore(k.needLink, id));
    expect(woken).toBe(read + 1);

    // Committed by the job that began before the wake-up: still owed.
    expect(await hub.store.commitLinks(read, [decision])).toEqual(['TOUCHED']);
    expect(Number(await hub.store.redis.zscore(k.needLink, id))).toBe(woken);
    // Committed by a job that began after it: settled.
    expect(await hub.store.commitLinks(await hub.store.linkClock(), [decision])).toEqual(['SAME']);
    expect(await hub.store.redis.zscore(k.needLink, id)).toBeNull();
  });

  /**
   * Two passes link the same version at once (a normalize job linking a new record, and a link job
   * a provider's wake-up queued): the later commit finds the record changed. It is linked again
   * only while a wake-up is still owed; otherwise the earlier pass read after every wake-up
   * written, and linking again would only repeat it.
   */
  it('tells a lost race with nothing owed (SETTLED) from one that must be linked again (STALE)', async () => {
    const [rec] = page(zb('RACE-1', '150203202304000998', '9.00', 1));
    const id = recordId(rec!);
    expect(await store([rec!])).toEqual(['NEW']);
    const k = hub.store.keys;
    const stored = (await hub.store.loadRecords([id])).get(id)!;
    const decision = (projectKey: string) => ({
      stored,
      projectKey,
      linkedBy: 'budgetCode',
      reason: null,
      provided: [],
      referenced: [],
    });
    // Both passes read the record unlinked; the first commits and settles the wake-up.
    expect(await hub.store.commitLinks(await hub.store.linkClock(), [decision('P1')])).toEqual(['MOVED']);
    expect(await hub.store.redis.zscore(k.needLink, id)).toBeNull();
    const acct = await hub.store.accounting();
    expect(await hub.store.commitLinks(await hub.store.linkClock(), [decision('P2')])).toEqual(['SETTLED']);
    expect((await hub.store.loadRecords([id])).get(id)!.projectKey).toBe('P1');
    expect(await hub.store.accounting()).toEqual(acct);
    // A wake-up owed (a provider wrote after the first pass read): linked again.
    await hub.store.wakeLinks([id]);
    expect(await hub.store.commitLinks(await hub.store.linkClock(), [decision('P2')])).toEqual(['STALE']);
    expect((await hub.store.loadRecords([id])).get(id)!.projectKey).toBe('P1');
    // The outboxes as the tests below expect them: the merge the first commit asked for is not theirs.
    await hub.store.redis.srem(k.needMerge, 'P1');
  });

  it('adopts a link outbox left as a plain set by an earlier version, and sweeps it into link jobs', async () => {
    const k = hub.store.keys;
    await hub.store.redis.del(k.needLink);
    await hub.store.redis.sadd(k.legacyNeedLink, 'budget|indicator|OLD-1', 'budget|indicator|OLD-2');
    const before = await hub.queues.backlog('link');

    expect(await sweepOutboxes(hub.store, hub.queues)).toBe(2);
    expect(await hub.store.redis.exists(k.legacyNeedLink)).toBe(0);
    expect(await hub.store.redis.zrange(k.needLink, 0, -1, 'WITHSCORES')).toEqual([
      'budget|indicator|OLD-1',
      '0',
      'budget|indicator|OLD-2',
      '0',
    ]);
    expect(await hub.queues.backlog('link')).toBe(before + 1);
    expect(await hub.store.adoptLegacyLinkOutbox()).toBe(0);
  });
});
