import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool } from '../http/probe.js';
import { createSmartcitySimulator } from './simulator.js';
import type { LoggedEvent } from './eventLog.js';
import { loopbackUrl, pushBatches, signPush } from './push.js';

const SECRET = 'push-secret-for-tests';

interface Delivery {
  headers: IncomingMessage['headers'];
  raw: Buffer;
  body: { batchId: string; sentAt: string; events: LoggedEvent[] };
  signatureOk: boolean;
}

/** Verifies like a consumer must: HMAC over the exact body bytes, computed here independently. */
function verify(headers: IncomingMessage['headers'], raw: Buffer): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', SECRET).update(`${headers['x-sc-timestamp']}.`).update(raw).digest('hex')}`,
  );
  const given = Buffer.from(String(headers['x-sc-signature']));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const servers = new ServerPool();
afterEach(() => servers.closeAll());

/** A webhook consumer whose answer to each delivery is decided by `answer`. */
async function consumer(answer: (d: Delivery, n: number, res: ServerResponse) => void) {
  const deliveries: Delivery[] = [];
  const served = await servers.start((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const d: Delivery = {
        headers: req.headers,
        raw,
        body: JSON.parse(raw.toString()),
        signatureOk: verify(req.headers, raw),
      };
      deliveries.push(d);
      answer(d, deliveries.length, res);
    });
  });
  return { url: `${served.base}/webhooks/smartcity`, deliveries, close: served.close };
}

function events(n: number): LoggedEvent[] {
  const sim = createSmartcitySimulator({
    data: Array.from({ length: n }, (_, i) => ({
      eventId: i.toString(16).padStart(32, 'a'),
      type: 'dust.alert' as const,
      eventTime: `2024-05-06T02:${String(i % 60).padStart(2, '0')}:00Z`,
      siteId: 'SITE-150204-000067',
      payload: { pm10: 400 + i, threshold: 150, level: '红色', deviceId: 'DUST-150204-000067-3' },
    })),
  });
  return sim.data;
}

/** A clock that ticks one second per reading, so every signature gets a new timestamp. */
function tickingClock(start = 1_714_961_470_000) {
  let t = start;
  return () => (t += 1000);
}

describe('pushBatches (smartcity.md §4)', () => {
  it('delivers every event in signed batches with the documented headers', async () => {
    const c = await consumer((_d, _n, res) => res.writeHead(204).end());
    const all = events(45);
    const r = await pushBatches({ url: c.url, secret: SECRET, events: all, batchSize: 20 });
    expect(r).toEqual({ delivered: 3, failed: 0, attempts: 3 });
    for (const d of c.deliveries) {
      expect(d.signatureOk).toBe(true);
      expect(d.headers['user-agent']).toBe('SmartCity-Webhook/2.3');
      expect(d.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(d.headers['x-sc-batch-id']).toBe(d.body.batchId);
      expect(d.headers['x-sc-timestamp']).toMatch(/^\d{10}$/);
      expect(d.body.sentAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Object.keys(d.body)).toEqual(['batchId', 'sentAt', 'events']);
    }
    const got = c.deliveries.flatMap((d) => d.body.events).sort((a, b) => a.seq - b.seq);
    expect(got).toEqual(all);
    expect(c.deliveries.map((d) => d.body.events.length).sort()).toEqual([20, 20, 5]);
  });

  it('retries a 500 with the same batchId and body but a new timestamp and signature', async () => {
    const c = await consumer((_d, n, res) => res.writeHead(n === 1 ? 500 : 200).end());
    const r = await pushBatches({
      url: c.url,
      secret: SECRET,
      events: events(5),
      now: tickingClock(),
      retryDelaysMs: [0],
    });
    expect(r).toEqual({ delivered: 1, failed: 0, attempts: 2 });
    const [first, second] = c.deliveries as [Delivery, Delivery];
    expect(second.headers['x-sc-batch-id']).toBe(first.headers['x-sc-batch-id']);
    expect(second.raw.equals(first.raw)).toBe(true);
    expect(second.headers['x-sc-timestamp']).not.toBe(first.headers['x-sc-timestamp']);
    expect(second.headers['x-sc-signature']).not.toBe(first.headers['x-sc-signature']);
    expect([first.signatureOk, second.signatureOk]).toEqual([true, true]);
  });

  it('retries a consumer that does not answer in time, and drops a batch after the last retry', async () => {
    const silent = await consumer((_d, n, res) => {
      if (n > 1) res.writeHead(200).end();
    });
    expect(
      await pushBatches({
        url: silent.url,
        secret: SECRET,
        events: events(3),
        timeoutMs: 100,
        retryDelaysMs: [0],
      }),
    ).toEqual({
      delivered: 1,
      failed: 0,
      attempts: 2,
    });
    await silent.close();
    const failing = await consumer((_d, _n, res) => res.writeHead(503).end());
    const r = await pushBatches({
      url: failing.url,
      secret: SECRET,
      events: events(3),
      retryDelaysMs: [0, 0, 0, 0, 0],
    });
    expect(r).toEqual({ delivered: 0, failed: 1, attempts: 6 });
    expect(new Set(failing.deliveries.map((d) => d.body.batchId)).size).toBe(1);
  });

  it('keeps exactly `concurrency` batches in flight', async () => {
    const held: ServerResponse[] = [];
    let answered = 0;
    const total = 10;
    // Answers only once as many requests are open as the sender may have, so the walk can
    // finish only if the sender really keeps four in flight and never more.
    const c = await consumer((_d, _n, res) => {
      held.push(res);
      expect(held.length).toBeLessThanOrEqual(4);
      if (held.length === Math.min(4, total - answered)) {
        answered += held.length;
        for (const h of held.splice(0)) h.writeHead(200).end();
      }
    });
    const r = await pushBatches({
      url: c.url,
      secret: SECRET,
      events: events(total),
      batchSize: 1,
      concurrency: 4,
    });
    expect(r).toEqual({ delivered: total, failed: 0, attempts: total });
  });

  it('delivers acknowledged batches twice at duplicateRate 1, and replays with a seed', async () => {
    const c = await consumer((_d, _n, res) => res.writeHead(200).end());
    const r = await pushBatches({
      url: c.url,
      secret: SECRET,
      events: events(4),
      batchSize: 2,
      duplicateRate: 1,
      retryDelaysMs: [0],
    });
    expect(r).toEqual({ delivered: 2, failed: 0, attempts: 4 });
    const ids = c.deliveries.map((d) => d.body.batchId);
    expect(new Set(ids).size).toBe(2);
    const half = async () =>
      (
        await pushBatches({
          url: c.url,
          secret: SECRET,
          events: events(40),
          batchSize: 1,
          duplicateRate: 0.5,
          seed: 9,
          retryDelaysMs: [0],
        })
      ).attempts;
    const a = await half();
    expect(a).toBeGreaterThan(40);
    expect(a).toBeLessThan(80);
    expect(await half()).toBe(a);
  });

  it('refuses anything but plain http on the loopback interface', async () => {
    for (const url of [
      'http://10.0.0.1/hook',
      'http://example.com/hook',
      'https://127.0.0.1/hook',
      'http://127.0.0.2.nip.io/hook',
    ]) {
      expect(() => loopbackUrl(url)).toThrow(/only delivers to/);
      await expect(pushBatches({ url, secret: SECRET, events: events(1) })).rejects.toThrow(
        /only delivers to/,
      );
    }
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://[::1]:9/x'])
      expect(() => loopbackUrl(url)).not.toThrow();
  });

  it('refuses batches over 200 events', async () => {
    await expect(
      pushBatches({ url: 'http://127.0.0.1:9/x', secret: SECRET, events: events(1), batchSize: 201 }),
    ).rejects.toThrow(RangeError);
  });

  it('signs timestamp "." body with the push secret', () => {
    const body = Buffer.from('{"batchId":"b","sentAt":"2024-05-06T02:11:10Z","events":[]}');
    const expected = createHmac('sha256', SECRET).update(`1714961470.${body.toString()}`).digest('hex');
    expect(signPush(SECRET, 1714961470, body)).toBe(`sha256=${expected}`);
  });
});
