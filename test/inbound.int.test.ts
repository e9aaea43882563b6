import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushSignature } from '../connectors/smartcity/push.js';
import { waitForDrain } from '../pipelines/sweep.js';
import type { Hub } from '../src/hub.js';
import { testHub } from './helpers/hub.js';

const SECRET = 'push-secret-for-tests';
const event = (id: string, percent: number) => ({
  seq: 1,
  receivedAt: '2024-05-06T02:11:09Z',
  eventId: id.padEnd(32, '0'),
  type: 'progress.report',
  eventTime: '2024-05-06T02:10:41Z',
  siteId: 'SITE-150203-000076',
  payload: { progressPercent: percent, reporter: '监理单位' },
});

describe('smart-city push endpoint', () => {
  let hub: Hub & { adminKey: string };
  const post = (body: string, ts: number, sig?: string) =>
    hub.api!.inject({
      method: 'POST',
      url: '/api/v1/inbound/smartcity',
      payload: body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-sc-timestamp': String(ts),
        'x-sc-signature': sig ?? pushSignature(SECRET, String(ts), Buffer.from(body)),
        'x-sc-batch-id': 'b1',
      },
    });

  beforeAll(async () => {
    hub = await testHub({
      smartcity: {
        enabled: true,
        baseUrl: 'http://127.0.0.1:9',
        rateLimit: { rps: 1, burst: 1 },
        auth: { apiKey: 'k-k-k-k', pushSecret: SECRET },
      },
    });
  });
  afterAll(() => hub.close());

  it('accepts a signed batch once it is enqueued; the events reach the ledger as unlinked records', async () => {
    const body = JSON.stringify({
      batchId: 'b1',
      sentAt: '2024-05-06T02:11:10Z',
      events: [event('a1', 42.5), event('a2', 130)],
    });
    const now = Math.floor(Date.now() / 1000);
    const res = await post(body, now);
    expect(res.statusCode).toBe(202);
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 20_000 });
    // Pushed events are live changes: their merges never wait behind a load (mergeSchedule.ts).
    const pages = await hub.queues.q.normalize.getJobs(['completed']);
    expect(pages.map((j) => (j.data as { live?: boolean }).live)).toEqual([true]);
    const acct = await hub.store.accounting();
    // 130 % is out of range: quarantined; the other waits for its site.
    expect(acct['smartcity']).toMatchObject({ received: 2, unlinked: 1, quarantined: 1 });
    // The same delivery again is a replay …
    expect((await post(body, now)).statusCode).toBe(409);
    // … while the platform's retry (new timestamp and signature) is accepted and harmless.
    expect((await post(body, now + 1)).statusCode).toBe(202);
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 20_000 });
    expect((await hub.store.accounting())['smartcity']).toMatchObject({
      received: 2,
      unlinked: 1,
      quarantined: 1,
    });
  });

  it('rejects bad signatures, stale timestamps and oversized bodies without an API key involved', async () => {
    const body = JSON.stringify({ batchId: 'b2', sentAt: '2024-05-06T02:11:10Z', events: [event('b1', 1)] });
    const now = Math.floor(Date.now() / 1000);
    const bad = await post(body, now, 'sha256=' + '0'.repeat(64));
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('HUB_PUSH_SIGNATURE');
    const stale = await post(body, now - 3600);
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('HUB_PUSH_STALE');
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const big = await post(huge, now);
    expect(big.statusCode).toBe(413);
  });
});
