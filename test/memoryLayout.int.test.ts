import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { xmk, zb } from './helpers/budgetRecords.js';
import { deliverBudget, testHub } from './helpers/hub.js';
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
    expect(await redis.hlen(keys.projectMembers(CODE))).toBe(3);
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
    }
  });
});
