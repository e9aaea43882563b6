import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.js';
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
    await hub.store.redis.srem(hub.store.keys.needLink, id);
    expect(await store([a1!])).toEqual(['REARM']);
    expect(await hub.store.redis.sismember(hub.store.keys.needLink, id)).toBe(1);
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
    expect(await hub.store.redis.smembers(hub.store.keys.needLink)).toEqual(
      expect.arrayContaining([id, recordId(b1!)]),
    );
  });

  it('stores nothing for an empty page', async () => {
    expect(await store([])).toEqual([]);
  });
});
