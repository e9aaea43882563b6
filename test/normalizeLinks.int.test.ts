import { describe, expect, it } from 'vitest';
import { budgetPage, deliverBudget, testHub } from './helpers/hub.js';
import { xmk, zb } from './helpers/budgetRecords.js';
import { until } from './helpers/poll.js';

/**
 * A normalize job links the records it stores for the first time itself, from the records in
 * hand; library entries, and records it finds updated or never linked (a crash), go to link jobs.
 */
describe('normalize links the records it finds new', () => {
  const KEY = '150203202304000517';

  it('links new records without a link job; library entries and updated versions go to the link stage', async () => {
    const hub = await testHub({});
    try {
      const linked = async () => (await hub.store.accounting())['budget']?.linked ?? 0;
      const linkJobs = () => hub.queues.busy('link');
      await deliverBudget(hub, 'XMK.QUERY', [xmk(KEY, '2023-150203-48-01-000123', '综合管廊建设项目')]);
      expect(await linked()).toBe(1);
      // From here on nothing is linked by a link job: those wait in the paused queue.
      await hub.queues.q.link.pause();
      await hub.queues.add('normalize', budgetPage('ZB.QUERY', [zb('ZB1', KEY, '100.00')]));
      await until(async () => (await linked()) === 2, 10_000, 'the indicator linked');
      expect(await linkJobs()).toBe(0);
      const indicator = (await hub.store.loadRecords(['budget|indicator|ZB1'])).get('budget|indicator|ZB1')!;
      expect({
        state: indicator.state,
        projectKey: indicator.projectKey,
        linkedBy: indicator.linkedBy,
      }).toEqual({
        state: 'linked',
        projectKey: KEY,
        linkedBy: 'budgetCode',
      });
      // Nothing is owed to the link stage, and the project is merged from both records.
      expect(await hub.store.redis.zcard(hub.store.keys.needLink)).toBe(0);
      await until(
        async () => {
          const raw = await hub.store.getProjectRaw(KEY);
          return !!raw && (JSON.parse(raw.doc) as { records: unknown[] }).records.length === 2;
        },
        10_000,
        'the project merged from both records',
      );

      // A newer version of a record already held: its link may move, so the link stage reads it.
      await hub.queues.add('normalize', budgetPage('ZB.QUERY', [zb('ZB1', KEY, '200.00', 2)]));
      await until(async () => (await linkJobs()) === 1, 10_000, 'a link job for the updated indicator');
      expect(await hub.store.redis.zscore(hub.store.keys.needLink, 'budget|indicator|ZB1')).not.toBeNull();
      // A new library entry: to the link stage too, which links whichever version is newest then.
      const OTHER = '150203202304000518';
      await hub.queues.add(
        'normalize',
        budgetPage('XMK.QUERY', [xmk(OTHER, '2023-150203-48-01-000124', '道路')]),
      );
      await until(async () => (await linkJobs()) === 2, 10_000, 'a link job for the new library entry');
      expect(
        (await hub.store.loadRecords([`budget|project|${OTHER}`])).get(`budget|project|${OTHER}`)!.state,
      ).toBe('pending');
      await hub.queues.q.link.resume();
      await until(async () => (await linked()) === 3, 10_000, 'everything linked once the link stage runs');
    } finally {
      await hub.close();
    }
  });
});
