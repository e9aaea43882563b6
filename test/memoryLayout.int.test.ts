import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { xmk, zb } from './helpers/budgetRecords.js';
import { budgetPage, deliverBudget, testHub } from './helpers/hub.js';
import { until } from './helpers/poll.js';
import { waitForDrain } from '../pipelines/sweep.js';
import { scanKeys } from './helpers/ledger.js';

/**
 * Most of the ledger's Redis memory is many small keys per project; their encodings decide it.
 * Small hashes must stay listpacks (and are used where sets would be hash tables).
 */
describe('the ledger keys per project', () => {
  let hub: Hub;
  const CODE = '150203202304000888';
  beforeAll(async () => {
    hub = await testHub({});
    await deliverBudget(hub, 'XMK.QUERY', [xmk(CODE, '2023-150203-48-01-000888', '丙路改造')]);
    await deliverBudget(hub, 'ZB.QUERY', [zb('ZB88', CODE, '100.00'), zb('ZB89', CODE, '200.00')]);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('are compact encodings: records, projects, members and subscriptions as listpack hashes', async () => {
    const { redis, keys } = hub.store;
    const encoding = async (key: string) => [await redis.type(key), await redis.object('ENCODING', key)];
    // Three members and the member revision.
    expect(await redis.hlen(keys.projectMembers(CODE))).toBe(4);
    expect(await encoding(keys.projectMembers(CODE))).toEqual(['hash', 'listpack']);
    expect(await encoding(keys.project(CODE))).toEqual(['hash', 'listpack']);
    const refs = await scanKeys(redis, `${keys.prefix}:refs:bc:*`);
    expect(refs.length).toBeGreaterThan(0);
    for (const k of refs) expect(await encoding(k)).toEqual(['hash', 'listpack']);
    const records = await scanKeys(redis, `${keys.prefix}:rec:*`);
    expect(records).toHaveLength(3);
    for (const k of records) {
      expect(await encoding(k)).toEqual(['hash', 'listpack']);
      // Nothing stored for nothing: empty reasons, provided keys and the like are absent.
      const fields = await redis.hgetall(k);
      expect(Object.entries(fields).filter(([, v]) => v === '')).toEqual([]);
      // Linked at its current version: the hash last linked is the current one, not stored twice.
      expect(fields['st']).toBe('linked');
      expect(fields['lh']).toBeUndefined();
    }
  });

  it('keep the hash last linked only while a newer version waits to be linked', async () => {
    const { redis, keys } = hub.store;
    const [id] = (await scanKeys(redis, `${keys.prefix}:rec:*`)).filter((k) => k.endsWith('ZB88'));
    const linked = await redis.hget(id!, 'h');
    // A newer version arrives; the link stage is held back so it stays unlinked for a moment.
    await hub.queues.q.link.pause();
    await hub.queues.add('normalize', budgetPage('ZB.QUERY', [zb('ZB88', CODE, '150.00', 2)]));
    await until(async () => (await redis.hget(id!, 'h')) !== linked, 10_000, 'the new version stored');
    expect(await redis.hget(id!, 'lh')).toBe(linked);
    await hub.queues.q.link.resume();
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
    expect(await redis.hget(id!, 'lh')).toBeNull();
    expect(
      (await hub.store.loadRecords([id!.slice(`${keys.prefix}:rec:`.length)])).get(
        id!.slice(`${keys.prefix}:rec:`.length),
      )?.linkedHash,
    ).toBe(await redis.hget(id!, 'h'));
  });
});
