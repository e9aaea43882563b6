import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import type { FaultRule } from '../faults.js';
import type { SmartcityEvent } from '../world/types.js';
import { probe, ServerPool, type ProbeOptions } from '../http/probe.js';
import type { EventPage, LoggedEvent } from './eventLog.js';
import { EVENTS_PATH, SITES_PATH, createSmartcitySimulator, type SmartcitySimulator } from './simulator.js';

const KEY = SANDBOX_CREDENTIALS.smartcity.apiKey;
const SITE = 'SITE-150203-000065';

function hex32(n: number): string {
  return n.toString(16).padStart(32, '0');
}

function progress(n: number, eventTime: string, percent = n % 100): SmartcityEvent {
  return {
    eventId: hex32(n),
    type: 'progress.report',
    eventTime,
    siteId: SITE,
    payload: { progressPercent: percent, reporter: '监理单位' },
  };
}

function siteUpsert(n: number, eventTime: string, permit: string | null): SmartcityEvent {
  return {
    eventId: hex32(n),
    type: 'site.upsert',
    eventTime,
    siteId: SITE,
    payload: {
      siteId: SITE,
      siteName: '博强医药年产10000吨稀土抛光粉(一期)施工现场',
      constructionPermitNo: permit,
      projectCode: null,
      location: { lng: 109.819556, lat: 40.638378, crs: 'GCJ-02' },
      address: '昆都仑区包固路83号',
      districtCode: '150203',
    },
  };
}

/** n events a day apart from 2021-06-01. */
function series(n: number): SmartcityEvent[] {
  return Array.from({ length: n }, (_, i) =>
    progress(i + 1, new Date(Date.UTC(2021, 5, 1 + i, 2, 4, 12)).toISOString().replace('.000Z', 'Z')),
  );
}

const servers = new ServerPool();
afterEach(() => servers.closeAll());

async function start(events: SmartcityEvent[]) {
  const sim: SmartcitySimulator = createSmartcitySimulator({ data: events });
  const { base } = await servers.start(sim.listener);
  const get = (pq: string, o: ProbeOptions = {}) =>
    probe(base + pq, { ...o, headers: o.headers ?? { 'X-API-Key': KEY } });
  const page = async (afterSeq: number, limit: number) => {
    const r = await get(`${EVENTS_PATH}?afterSeq=${afterSeq}&limit=${limit}`);
    expect(r.status).toBe(200);
    return JSON.parse(r.body.toString()) as EventPage;
  };
  return { sim, get, page };
}

describe('smartcity simulator: the event log', () => {
  it('pages by seq: consecutive from 1, afterSeq exclusive, lastSeq, hasMore and headSeq', async () => {
    const { page } = await start(series(25));
    const seen: number[] = [];
    let afterSeq = 0;
    for (;;) {
      const p = await page(afterSeq, 10);
      expect(p.headSeq).toBe(25);
      expect(p.lastSeq).toBe(p.events.at(-1)!.seq);
      expect(p.hasMore).toBe(p.lastSeq < 25);
      seen.push(...p.events.map((e) => e.seq));
      if (!p.hasMore) break;
      afterSeq = p.lastSeq;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await page(25, 10)).toEqual({ events: [], lastSeq: 25, hasMore: false, headSeq: 25 });
    expect(await page(40, 10)).toEqual({ events: [], lastSeq: 40, hasMore: false, headSeq: 25 });
  });

  it('answers with the default limit of 500 and the field order of §1 and §3', async () => {
    const { get } = await start(series(600));
    const raw = (await get(EVENTS_PATH)).body.toString();
    const p = JSON.parse(raw) as EventPage;
    expect(p.events).toHaveLength(500);
    expect(Object.keys(p)).toEqual(['events', 'lastSeq', 'hasMore', 'headSeq']);
    expect(Object.keys(p.events[0]!)).toEqual([
      'seq',
      'receivedAt',
      'eventId',
      'type',
      'eventTime',
      'siteId',
      'payload',
    ]);
  });

  it('assigns receivedAt after eventTime, never going back in seq order, deterministically', async () => {
    const late = progress(99, '2021-06-02T00:00:00Z');
    const events = [...series(5), late];
    const { sim } = await start(events);
    const twin = createSmartcitySimulator({ data: events });
    expect(twin.data.map((e) => e.receivedAt)).toEqual(sim.data.map((e) => e.receivedAt));
    for (const [i, e] of sim.data.entries()) {
      expect(Date.parse(e.receivedAt)).toBeGreaterThan(Date.parse(e.eventTime));
      expect(e.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      if (i > 0)
        expect(Date.parse(e.receivedAt)).toBeGreaterThanOrEqual(Date.parse(sim.data[i - 1]!.receivedAt));
    }
  });

  it('formats receivedAt exactly, across a day boundary, 5-179 s after an unhindered event', async () => {
    const e = progress(1, '2021-06-01T23:59:58Z');
    const { sim } = await start([e]);
    const delay = Date.parse(sim.data[0]!.receivedAt) - Date.parse(e.eventTime);
    expect(delay).toBeGreaterThanOrEqual(5_000);
    expect(delay).toBeLessThan(180_000);
    expect(sim.data[0]!.receivedAt).toBe(
      new Date(Date.parse(sim.data[0]!.receivedAt)).toISOString().replace('.000Z', 'Z'),
    );
    expect(sim.data[0]!.receivedAt.startsWith('2021-06-02T00:0')).toBe(true);
  });

  it('logs a re-uploaded event again under a new seq and a later receivedAt', async () => {
    const events = series(3);
    const { sim, page } = await start(events);
    sim.apply({ smartcity: [events[0]!, progress(4, '2021-06-04T02:04:12Z')] });
    const p = await page(0, 100);
    expect(p.headSeq).toBe(5);
    const copies = p.events.filter((e) => e.eventId === events[0]!.eventId);
    expect(copies.map((e) => e.seq)).toEqual([1, 4]);
    expect(copies[1]).toMatchObject({ ...events[0], seq: 4 });
    expect(Date.parse(copies[1]!.receivedAt)).toBeGreaterThan(Date.parse(copies[0]!.receivedAt));
  });

  it('gives an immediately repeated upload a later receivedAt too', async () => {
    const e = progress(1, '2021-06-01T00:00:00Z');
    const { sim } = await start([e, e, e]);
    const times = sim.data.map((x) => Date.parse(x.receivedAt));
    expect(times[1]).toBeGreaterThan(times[0]!);
    expect(times[2]).toBeGreaterThan(times[1]!);
  });

  it('serves a site as its latest site.upsert by eventTime, not by arrival', async () => {
    const newer = siteUpsert(2, '2021-06-10T00:00:00Z', '150203202106149206');
    const older = siteUpsert(1, '2021-06-01T00:00:00Z', null);
    const { get } = await start([progress(3, '2021-05-30T00:00:00Z'), newer, older]);
    const r = await get(`${SITES_PATH}/${SITE}`);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ ...newer.payload, lastEventTime: newer.eventTime });
  });

  it('404s a site that has events but no site.upsert', async () => {
    const { get } = await start([progress(1, '2021-05-30T00:00:00Z')]);
    const r = await get(`${SITES_PATH}/${SITE}`);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body.toString())).toEqual({ error: 'not_found', message: 'unknown site' });
  });

  it.each([
    [`${EVENTS_PATH}?limit=1001`, 400, 'bad_request'],
    [`${EVENTS_PATH}?limit=0`, 400, 'bad_request'],
    [`${EVENTS_PATH}?afterSeq=-1`, 400, 'bad_request'],
    ['/smartcity/api/v2/nothing', 404, 'not_found'],
  ] as const)('answers %s with %i %s', async (pq, status, error) => {
    const { get } = await start(series(2));
    const r = await get(pq);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body.toString())).toMatchObject({ error });
  });

  it('answers a missing or wrong key with 401 and a wrong method with 405', async () => {
    const { get } = await start(series(2));
    const attempts: Array<Record<string, string>> = [{}, { 'X-API-Key': 'wrong' }];
    for (const headers of attempts) {
      const r = await get(EVENTS_PATH, { headers });
      expect([r.status, JSON.parse(r.body.toString()).error]).toEqual([401, 'unauthorized']);
    }
    const post = await get(EVENTS_PATH, { method: 'POST' });
    expect([post.status, JSON.parse(post.body.toString()).error]).toEqual([405, 'method_not_allowed']);
  });
});

describe('smartcity simulator: faults', () => {
  async function withFault(rule: FaultRule, o: ProbeOptions = {}) {
    const { sim, get } = await start(series(20));
    sim.faults.add(rule);
    const faulted = await get(`${EVENTS_PATH}?limit=100`, o);
    expect((await get(`${EVENTS_PATH}?limit=100`)).status).toBe(200);
    return faulted;
  }
  const error = (b: Buffer) => (JSON.parse(b.toString()) as { error: string }).error;

  it('http429: rate_limited with Retry-After', async () => {
    const r = await withFault({ mode: 'http429', retryAfterSec: 2 });
    expect([r.status, r.headers['retry-after'], error(r.body)]).toEqual([429, '2', 'rate_limited']);
  });

  it('http500: an HTML page', async () => {
    const r = await withFault({ mode: 'http500' });
    expect([r.status, r.headers['content-type']]).toEqual([500, 'text/html; charset=utf-8']);
  });

  it('http503 and envelopeBusy: 503 with Retry-After, the latter as unavailable', async () => {
    const gateway = await withFault({ mode: 'http503', retryAfterSec: 4 });
    expect([gateway.status, gateway.headers['retry-after']]).toEqual([503, '4']);
    const busy = await withFault({ mode: 'envelopeBusy' });
    expect([busy.status, busy.headers['retry-after'], error(busy.body)]).toEqual([503, '1', 'unavailable']);
  });

  it.each(['authExpired', 'authFail'] as const)('%s: 401 unauthorized with the right key', async (mode) => {
    const r = await withFault({ mode });
    expect([r.status, error(r.body)]).toEqual([401, 'unauthorized']);
  });

  it('reset, slow, stall and truncated bend the transport', async () => {
    expect((await withFault({ mode: 'reset' })).outcome).toBe('reset');
    const slow = await withFault({ mode: 'slow', delayMs: 120 });
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(115);
    expect((JSON.parse(slow.body.toString()) as EventPage).events).toHaveLength(20);
    const stall = await withFault({ mode: 'stall' }, { timeoutMs: 250 });
    expect([stall.outcome, stall.status]).toEqual(['timeout', 200]);
    expect(stall.body.length).toBeLessThan(Number(stall.headers['content-length']));
    const cut = await withFault({ mode: 'truncated' });
    expect([cut.outcome, cut.status]).toEqual(['complete', 200]);
    expect(() => JSON.parse(cut.body.toString())).toThrow();
  });

  it('malformed: one progress report of 130 % among good events', async () => {
    const r = await withFault({ mode: 'malformed' });
    const events = (JSON.parse(r.body.toString()) as EventPage).events;
    expect(events).toHaveLength(20);
    expect(events.filter((e) => e.payload['progressPercent'] === 130)).toHaveLength(1);
    expect(events.filter((e) => (e.payload['progressPercent'] as number) <= 100)).toHaveLength(19);
  });

  it('malformed stays on the wire: the log itself is not changed', async () => {
    const { sim, get } = await start(series(3));
    sim.faults.add({ mode: 'malformed' });
    await get(EVENTS_PATH);
    expect(sim.data.map((e: LoggedEvent) => e.payload['progressPercent'])).toEqual([1, 2, 3]);
  });

  it('tooLarge: a parseable 200 of sizeBytes', async () => {
    const r = await withFault({ mode: 'tooLarge', sizeBytes: 1_500_000 });
    expect([r.status, r.body.length]).toEqual([200, 1_500_000]);
    expect((JSON.parse(r.body.toString()) as EventPage).events).toHaveLength(20);
  });

  it('badEncoding: declares a charset the body is not in', async () => {
    const r = await withFault({ mode: 'badEncoding' });
    expect(r.headers['content-type']).toBe('application/json; charset=GBK');
  });
});
