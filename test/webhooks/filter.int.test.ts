import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub.js';
import type { ChangeEntry } from '../../src/ledger/store.js';
import { startDelivery, type Delivery } from '../../src/webhooks/delivery.js';
import { deliverBudget, testHub } from '../helpers/hub.js';
import { allChanges, probe, startReceiver, subscriber, xmk, zf, type Receiver } from './helpers.js';

const P1 = '150203202304000301'; // 昆都仑区, 基础设施, over-disbursed
const P2 = '150204202304000302'; // 青山区, 教育
const P3 = '150203202304000303'; // 昆都仑区, 教育

describe('webhook filters by district, sector and finding', () => {
  let hub: Hub & { adminKey: string; readKey: string };
  let delivery: Delivery;
  const rx: Record<string, Receiver> = {};
  let changes: ChangeEntry[];
  const p = probe();

  beforeAll(async () => {
    for (const id of ['kundulun', 'qingshan', 'education', 'over', 'all'])
      rx[id] = await startReceiver('test-webhook-secret-0123456789');
    hub = await testHub(
      {},
      { api: true, workers: ['normalize', 'link', 'merge', 'publish'], delivery: false },
      {
        webhooks: [
          subscriber('kundulun', rx['kundulun']!.url, { filter: { district: ['150203'] }, batchSize: 2 }),
          subscriber('qingshan', rx['qingshan']!.url, { filter: { district: ['青山区'] } }),
          subscriber('education', rx['education']!.url, { filter: { sector: ['教育'] } }),
          subscriber('over', rx['over']!.url, { filter: { finding: ['OVER_DISBURSED'] } }),
          subscriber('all', rx['all']!.url),
        ],
      },
    );
    await deliverBudget(hub, 'XMK.QUERY', [
      xmk(P1),
      xmk(P2, { district: ['150204', '青山区'], sector: ['05', '教育'] }),
      xmk(P3, { sector: ['05', '教育'] }),
    ]);
    await deliverBudget(hub, 'ZF.QUERY', [zf('ZF301', P1, '100.00')]);
    // Filters look at each project as it is when its entry is delivered; starting after the
    // pipelines drained makes that the final state for every entry.
    delivery = startDelivery({
      store: hub.store,
      config: hub.config,
      log: pino({ level: 'silent' }),
      metrics: p.metrics,
      pollMs: 20,
    });
    changes = await allChanges(hub);
    const last = changes[changes.length - 1]!.seq;
    await p.waitFor(
      () => Object.keys(rx).every((id) => p.events.cursor.get(id) === last),
      15_000,
      'every subscriber to pass the last change',
    );
  });
  afterAll(async () => {
    await delivery?.stop();
    await hub?.close();
    for (const r of Object.values(rx)) await r.close();
  });

  const received = (id: string) => rx[id]!.accepted().flatMap((r) => r.body.changes);
  const of = (...keys: string[]) => changes.filter((c) => keys.includes(c.projectKey));

  it('sends each subscriber exactly the changes of matching projects, in seq order', () => {
    expect(new Set(changes.map((c) => c.projectKey))).toEqual(new Set([P1, P2, P3]));
    expect(received('all')).toEqual(changes);
    expect(received('kundulun')).toEqual(of(P1, P3));
    expect(received('qingshan')).toEqual(of(P2));
    expect(received('education')).toEqual(of(P2, P3));
    expect(received('over')).toEqual(of(P1));
  });

  it('skips rejected entries without holding the cursor back and signs every batch', () => {
    for (const r of Object.values(rx)) expect(r.requests.every((q) => q.signatureValid)).toBe(true);
    expect(rx['kundulun']!.accepted().every((r) => r.body.changes.length <= 2)).toBe(true);
    expect(p.events.failed).toEqual([]);
  });
});
