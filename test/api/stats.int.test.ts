import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub.js';
import { xmk } from '../helpers/budgetRecords.js';
import { deliverBudget, testHub } from '../helpers/hub.js';

/** GET /stats answers from a copy kept per statistics revision. */
describe('statistics reads', () => {
  let hub: Hub & { adminKey: string };
  const stats = async (groupBy: string) => {
    const res = await hub.api!.inject({
      method: 'GET',
      url: `/api/v1/stats?groupBy=${groupBy}`,
      headers: { authorization: `Bearer ${hub.adminKey}` },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as {
      groups: Array<{ key: string; count: number; money: Record<string, number> }>;
      totals: { count: number; money: Record<string, number> };
    };
  };

  beforeAll(async () => {
    hub = await testHub({});
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('reads the sums once per revision and follows every commit that moves them', async () => {
    await deliverBudget(hub, 'XMK.QUERY', [
      xmk('150203202304000001', '2023-150203-48-01-000001', '甲路改造'),
    ]);
    const first = await stats('district');
    expect(first.totals.count).toBe(1);
    expect(first.groups).toEqual([expect.objectContaining({ key: '150203', count: 1 })]);
    const total = first.totals.money['totalInvestmentFen'];
    expect(total).toBe(45_798_545_000); // 45798.545 万元

    // While the revision stands, reads come from the copy: a write to the sums that does not
    // move the revision (no commit does that) is not seen until the revision moves.
    const { redis, keys } = hub.store;
    await redis.hincrby(keys.stats, 'all\x1fall\x1fcount', 100);
    expect((await stats('sector')).totals).toEqual(first.totals);
    await redis.incr(keys.statsRevision);
    expect((await stats('sector')).totals.count).toBe(101);
    await redis.hincrby(keys.stats, 'all\x1fall\x1fcount', -100);
    await redis.incr(keys.statsRevision);

    // A second project moves the sums and their revision: the next read sees it.
    await deliverBudget(hub, 'XMK.QUERY', [
      xmk('150203202304000002', '2023-150203-48-01-000002', '乙路改造'),
    ]);
    const second = await stats('district');
    expect(second.totals.count).toBe(2);
    expect(second.totals.money['totalInvestmentFen']).toBe(2 * total!);
    expect(second.groups).toEqual([expect.objectContaining({ key: '150203', count: 2 })]);
  });
});
