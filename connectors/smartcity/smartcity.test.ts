import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../../src/connector/define.js';
import type { NormalizeResult } from '../../src/model/record.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import {
  capturingLog,
  collect,
  connectionReset,
  connectorContext,
  recordOf,
  UNTHROTTLED,
  useNock,
} from '../../test/helpers/connectors.js';
import { EVENTS_PATH } from './client.js';
import { gcj02ToWgs84, wgs84ToGcj02 } from './gcj02.js';
import connector from './index.js';
import { parsePushBody, pushSignature, replayKey, replayTtlSec, verifyPush } from './push.js';
import { SmartcitySpec, type SmartcityConfig, type SmartcityState } from './spec.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const page = (name: string) =>
  JSON.parse(fixture(name).toString('utf8')) as { events: Array<Record<string, unknown>>; lastSeq: number };

const BASE = 'http://smartcity.test';
const { apiKey: API_KEY, pushSecret: PUSH_SECRET } = SANDBOX_CREDENTIALS.smartcity;

function quarantined(r: NormalizeResult) {
  if (r.ok) throw new Error(`expected quarantine, got a ${r.record.kind} record`);
  return r;
}

// ---------------------------------------------------------------------------------------------
describe('gcj02', () => {
  it('matches the document’s test vector in both directions', () => {
    const g = wgs84ToGcj02(40.6571, 109.8403);
    expect(Math.abs(g.lat - 40.658248)).toBeLessThan(1e-6);
    expect(Math.abs(g.lon - 109.846004)).toBeLessThan(1e-6);
    const w = gcj02ToWgs84(40.658248, 109.846004);
    expect(Math.abs(w.lat - 40.6571)).toBeLessThan(1e-6);
    expect(Math.abs(w.lon - 109.8403)).toBeLessThan(1e-6);
  });

  it('the offset is real (hundreds of metres), so a missed conversion would show', () => {
    const g = wgs84ToGcj02(40.6571, 109.8403);
    expect(Math.abs(g.lon - 109.8403)).toBeGreaterThan(1e-3);
  });

  const mainland = {
    lat: fc.double({ min: 18, max: 53.5, noNaN: true }),
    lon: fc.double({ min: 73.5, max: 135, noNaN: true }),
  };

  it('inverse ∘ forward is the identity across mainland China', () => {
    fc.assert(
      fc.property(mainland.lat, mainland.lon, (lat, lon) => {
        const g = wgs84ToGcj02(lat, lon);
        const w = gcj02ToWgs84(g.lat, g.lon);
        expect(Math.abs(w.lat - lat)).toBeLessThan(1e-8);
        expect(Math.abs(w.lon - lon)).toBeLessThan(1e-8);
      }),
      { numRuns: 2000 },
    );
  });

  it('forward ∘ inverse is the identity across mainland China', () => {
    fc.assert(
      fc.property(mainland.lat, mainland.lon, (lat, lon) => {
        const w = gcj02ToWgs84(lat, lon);
        const g = wgs84ToGcj02(w.lat, w.lon);
        expect(Math.abs(g.lat - lat)).toBeLessThan(1e-8);
        expect(Math.abs(g.lon - lon)).toBeLessThan(1e-8);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('normalize', () => {
  const norm = (raw: unknown) => connector.normalize(raw, 'events');

  it('events-page-1: a site, its progress, snapshots and a dust alert', () => {
    const { events } = page('events-page-1.json');
    const records = events.map((e) => recordOf(norm(e)));
    expect(records.map((r) => r.kind)).toEqual([
      'site',
      'progress',
      'snapshot',
      'progress',
      'progress',
      'snapshot',
      'dustAlert',
      'snapshot',
      'progress',
      'progress',
      'snapshot',
      'progress',
    ]);
    for (const r of records) {
      expect(r.system).toBe('smartcity');
      expect(r.state).toBe('active');
      expect(r.keys.siteId).toBe('SITE-150203-000065');
      expect(r.warnings).toEqual([]);
    }

    const site = records[0]!;
    expect(site).toMatchObject({
      kind: 'site',
      sourceId: 'SITE-150203-000065',
      version: '2021-06-24T01:42:56Z',
      order: Date.UTC(2021, 5, 24, 1, 42, 56),
      sourceTime: '2021-06-24T01:42:56Z',
      keys: { siteId: 'SITE-150203-000065', permitNo: '150203202106149206' },
    });
    expect(site.keys).not.toHaveProperty('investmentCode');
    if (site.kind !== 'site') throw new Error('unreachable');
    // Stored as typed, ideographic space included: matching forms are the link stage's business.
    expect(site.data.name).toBe('博强医　药年产10000吨稀土抛光粉(一期)施工现场');
    expect(site.data.address).toBe('昆都仑区包固路83号');
    expect(site.data.districtCode).toBe('150203');
    const loc = site.data.location!;
    // WGS-84 with 6 decimals that maps back onto the GCJ-02 point the platform sent.
    expect(loc.lat).toBe(Number(loc.lat.toFixed(6)));
    expect(loc.lon).toBe(Number(loc.lon.toFixed(6)));
    expect(Math.abs(loc.lat - 40.638378)).toBeGreaterThan(1e-4);
    const back = wgs84ToGcj02(loc.lat, loc.lon);
    expect(Math.abs(back.lat - 40.638378)).toBeLessThan(1e-6);
    expect(Math.abs(back.lon - 109.819556)).toBeLessThan(1e-6);

    expect(records[1]).toEqual({
      system: 'smartcity',
      kind: 'progress',
      sourceId: '830ff777e132ac4fdd30d1890de6aa7c',
      version: '2021-07-01T08:25:52Z',
      order: Date.UTC(2021, 6, 1, 8, 25, 52),
      state: 'active',
      sourceTime: '2021-07-01T08:25:52Z',
      keys: { siteId: 'SITE-150203-000065' },
      warnings: [],
      data: { percent: 0.5, reporter: '监理单位', eventTime: '2021-07-01T08:25:52Z' },
    });
    expect(records[2]).toMatchObject({
      kind: 'snapshot',
      sourceId: 'eb4459fc9c0bbb8fb82954d115118b82',
      data: {
        cameraId: 'CAM-150203-000065-4',
        imageRef: 'scimg://SITE-150203-000065/20210709T012624Z-7833ad06.jpg',
        imageSha256: '7edc142bae78711c230b7d9b92123004c97e2a25481c49674996c829135c6eaa',
        eventTime: '2021-07-09T01:26:24Z',
      },
    });
    expect(records[6]).toMatchObject({
      kind: 'dustAlert',
      sourceId: 'f045e32bc2fc7d9450be77a7c177c892',
      order: Date.UTC(2021, 7, 2, 4, 19, 14),
      data: { pm10: 526, threshold: 150, level: '红色', deviceId: 'DUST-150203-000065-3' },
    });
  });

  it('events-page-mixed: order follows eventTime, not seq (a buffered upload arrives late)', () => {
    const { events } = page('events-page-mixed.json');
    const records = events.map((e) => recordOf(norm(e)));
    const bySeq = new Map(events.map((e, i) => [e['seq'] as number, records[i]!]));
    // seq 190 was uploaded after seq 189 but happened two days earlier.
    expect(bySeq.get(190)!.order).toBeLessThan(bySeq.get(189)!.order);
    expect(bySeq.get(190)!.sourceTime).toBe('2022-03-02T02:29:23Z');
    const count = (k: string) => records.filter((r) => r.kind === k).length;
    expect([count('snapshot'), count('progress'), count('dustAlert'), count('site')]).toEqual([4, 6, 2, 0]);
    expect(new Set(records.map((r) => r.keys.siteId))).toEqual(
      new Set([
        'SITE-150202-000016',
        'SITE-150200-000006',
        'SITE-150204-000067',
        'SITE-150203-000025',
        'SITE-150203-000065',
        'SITE-150203-000010',
        'SITE-150202-000040',
      ]),
    );
    expect(bySeq.get(183)).toMatchObject({ kind: 'progress', data: { percent: 23, reporter: '建设单位' } });
  });

  describe('events-edge', () => {
    const { events } = page('events-edge.json');
    const results = events.map((e) => norm(e));
    const at = (seq: number) => results[events.findIndex((e) => e['seq'] === seq)]!;

    it('out-of-range and over-precise progress is set aside, the rest of the page survives', () => {
      expect(quarantined(at(502))).toMatchObject({
        kind: 'progress',
        sourceId: '1a1b1c1d1e1f20212223242526272829',
        reason: expect.stringMatching(/progressPercent 130 is outside 0–100/),
      });
      expect(quarantined(at(503)).reason).toMatch(/progressPercent -5 is outside 0–100/);
      expect(quarantined(at(504)).reason).toMatch(/progressPercent 42.55 has more than one decimal/);
      const survivors = results.filter((r) => r.ok);
      expect(survivors.map((r) => recordOf(r).kind)).toEqual(['site', 'progress', 'progress', 'dustAlert']);
    });

    it('site.upsert: GCJ-02 → WGS-84, permit and canonical investment code as keys', () => {
      const site = recordOf(at(501));
      expect(site).toMatchObject({
        kind: 'site',
        sourceId: 'SITE-150203-000076',
        keys: {
          siteId: 'SITE-150203-000076',
          permitNo: '150203202305170042',
          investmentCode: '2023-150203-48-01-000123',
        },
        data: { location: { lat: 40.6571, lon: 109.8403 } },
      });
    });

    it('malformed envelopes are quarantined with a precise reason', () => {
      expect(quarantined(at(506))).toEqual({
        ok: false,
        kind: 'progress',
        sourceId: null,
        reason: 'eventId missing',
      });
      expect(quarantined(at(507))).toMatchObject({
        sourceId: 'xyz',
        reason: 'eventId "xyz" is not 32 hex characters',
      });
      expect(quarantined(at(508))).toMatchObject({
        kind: null,
        sourceId: '4a4b4c4d4e4f50515253545556575859',
        reason: expect.stringMatching(/^unknown event type "noise.alert"/),
      });
      expect(quarantined(at(509)).reason).toMatch(/^eventTime "2024-05-06 10:16:41" is not an ISO 8601/);
      expect(quarantined(at(510)).reason).toMatch(/^siteId "SITE-15020-1" is not SITE-/);
    });

    it('site attributes of the wrong shape quarantine the site event', () => {
      expect(quarantined(at(511))).toMatchObject({
        kind: 'site',
        sourceId: '8a8b8c8d8e8f80818283848586878889',
        reason: expect.stringMatching(/crs "BD-09" is not supported/),
      });
      expect(quarantined(at(512)).reason).toMatch(
        /constructionPermitNo "15020320230517004" is not 18 digits/,
      );
      expect(quarantined(at(513)).reason).toMatch(
        /projectCode "2023-150203-48-04-000123" is not an investment/,
      );
    });

    it('a re-uploaded event (same eventId, new seq and receivedAt) gives the identical record', () => {
      expect(events[4]!['seq']).not.toBe(events[13]!['seq']);
      expect(events[4]!['receivedAt']).not.toBe(events[13]!['receivedAt']);
      expect(recordOf(at(514))).toEqual(recordOf(at(505)));
    });
  });

  it('a site’s later upsert is a newer version of the same identity (permit filled in later)', () => {
    const first = page('events-page-1.json').events[0]!;
    const early = {
      ...first,
      eventTime: '2021-06-20T00:00:00Z',
      payload: { ...(first['payload'] as object), constructionPermitNo: null },
    };
    const a = recordOf(norm(early));
    const b = recordOf(norm(first));
    expect(a.sourceId).toBe(b.sourceId);
    expect(b.order).toBeGreaterThan(a.order);
    expect(a.keys).toEqual({ siteId: 'SITE-150203-000065' });
    expect(b.keys.permitNo).toBe('150203202106149206');
  });

  it('a WGS-84 location is kept, and no location is null', () => {
    const first = page('events-page-1.json').events[0]!;
    const payload = first['payload'] as Record<string, unknown>;
    const wgs = recordOf(
      norm({ ...first, payload: { ...payload, location: { lng: 109.8403, lat: 40.6571, crs: 'WGS-84' } } }),
    );
    expect(wgs.kind === 'site' && wgs.data.location).toEqual({ lat: 40.6571, lon: 109.8403 });
    const none = recordOf(norm({ ...first, payload: { ...payload, location: null } }));
    expect(none.kind === 'site' && none.data.location).toBeNull();
  });

  it('boundary percents 0 and 100 are valid; a non-number percent is quarantined', () => {
    const base = page('events-page-1.json').events[1]!;
    for (const p of [0, 100, 99.9]) {
      expect(recordOf(norm({ ...base, payload: { progressPercent: p, reporter: null } })).data).toMatchObject(
        {
          percent: p,
        },
      );
    }
    expect(quarantined(norm({ ...base, payload: { progressPercent: '42.5' } })).reason).toMatch(
      /^payload\.progressPercent:/,
    );
  });

  it('seq and receivedAt never reach the record, for any values', () => {
    const { events } = page('events-page-mixed.json');
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        fc.nat(),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (e, seq, at) => {
          expect(recordOf(norm({ ...e, seq, receivedAt: at.toISOString() }))).toEqual(recordOf(norm(e)));
        },
      ),
    );
  });

  it('refuses a stream it does not have', () => {
    expect(connector.normalize(page('events-page-1.json').events[0], 'sites').ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('config', () => {
  it('fills the document’s defaults', () => {
    const c = SmartcitySpec.parse({ baseUrl: BASE, auth: { apiKey: 'k', pushSecret: 's' } });
    expect(c.rateLimit).toEqual({ rps: 20, burst: 40 });
    expect(c.pageSize).toBe(1000);
    expect(c.push).toEqual({ enabled: true, windowSec: 300, maxBodyBytes: 1024 * 1024 });
  });

  it('rejects a page size the API does not serve and missing credentials', () => {
    expect(
      SmartcitySpec.safeParse({ baseUrl: BASE, auth: { apiKey: 'k', pushSecret: 's' }, pageSize: 1001 })
        .success,
    ).toBe(false);
    expect(SmartcitySpec.safeParse({ baseUrl: BASE, auth: { apiKey: 'k' } }).success).toBe(false);
  });

  it('declares both credentials as secrets', () => {
    const c = SmartcitySpec.parse({ baseUrl: BASE, auth: { apiKey: API_KEY, pushSecret: PUSH_SECRET } });
    expect(connector.secrets(c)).toEqual([API_KEY, PUSH_SECRET]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('pull (nock)', () => {
  let lines: string[] = [];

  useNock();
  afterEach(() => {
    lines = [];
  });

  function ctx(overrides: Partial<SmartcityConfig> = {}): ConnectorContext<SmartcityConfig> {
    const config = SmartcitySpec.parse({
      baseUrl: BASE,
      auth: { apiKey: API_KEY, pushSecret: PUSH_SECRET },
      retry: { attempts: 3, baseMs: 1, maxMs: 10 },
      pageSize: 2,
      ...overrides,
    });
    const { log } = capturingLog('trace', lines);
    return connectorContext(connector, config, log, { timeoutMs: 2000, rateLimit: UNTHROTTLED });
  }

  const api = () => nock(BASE).matchHeader('x-api-key', API_KEY);
  const ev = (seq: number) => ({ ...page('events-page-1.json').events[seq - 1]!, seq });
  const body = (from: number, to: number, hasMore: boolean, headSeq = 5) => ({
    events: Array.from({ length: to - from + 1 }, (_, i) => ev(from + i)),
    lastSeq: to,
    hasMore,
    headSeq,
  });

  const drain = (c: ConnectorContext<SmartcityConfig>, state?: SmartcityState, full = false) =>
    collect(connector.read(c, state, { full }));

  it('pages by afterSeq until hasMore is false; state after each page is its lastSeq', async () => {
    const scope = api()
      .get(EVENTS_PATH)
      .query({ afterSeq: '0', limit: '2' })
      .reply(200, body(1, 2, true))
      .get(EVENTS_PATH)
      .query({ afterSeq: '2', limit: '2' })
      .reply(200, body(3, 4, true))
      .get(EVENTS_PATH)
      .query({ afterSeq: '4', limit: '2' })
      .reply(200, body(5, 5, false));
    const pages = await drain(ctx());
    expect(pages.map((p) => p.state)).toEqual([{ afterSeq: 2 }, { afterSeq: 4 }, { afterSeq: 5 }]);
    expect(pages.map((p) => p.position)).toEqual([{ afterSeq: 0 }, { afterSeq: 2 }, { afterSeq: 4 }]);
    expect(pages.map((p) => p.stream)).toEqual(['events', 'events', 'events']);
    expect(pages.flatMap((p) => p.records.map((r) => (r as { seq: number }).seq))).toEqual([1, 2, 3, 4, 5]);
    expect(pages[0]!.progress).toEqual({ total: 5 });
    scope.done();
  });

  it('resumes from the stored afterSeq; full ignores it', async () => {
    const resume = api()
      .get(EVENTS_PATH)
      .query({ afterSeq: '4', limit: '2' })
      .reply(200, body(5, 5, false));
    const pages = await drain(ctx(), { afterSeq: 4 });
    expect(pages.map((p) => p.state)).toEqual([{ afterSeq: 5 }]);
    resume.done();

    const full = api()
      .get(EVENTS_PATH)
      .query({ afterSeq: '0', limit: '2' })
      .reply(200, body(1, 1, false, 1));
    expect((await drain(ctx(), { afterSeq: 4 }, true)).map((p) => p.state)).toEqual([{ afterSeq: 1 }]);
    full.done();
  });

  it('an empty page at the head ends the run with the same afterSeq', async () => {
    const scope = api()
      .get(EVENTS_PATH)
      .query({ afterSeq: '7', limit: '2' })
      .reply(200, { events: [], lastSeq: 7, hasMore: false, headSeq: 7 });
    const pages = await drain(ctx(), { afterSeq: 7 });
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toEqual([]);
    expect(pages[0]!.state).toEqual({ afterSeq: 7 });
    scope.done();
  });

  it('a page that claims more but makes no progress fails instead of looping', async () => {
    api()
      .get(EVENTS_PATH)
      .query(true)
      .times(3)
      .reply(200, { events: [], lastSeq: 7, hasMore: true, headSeq: 9 });
    await expect(drain(ctx(), { afterSeq: 7 })).rejects.toMatchObject({ code: 'HUB_SOURCE_PAYLOAD' });
  });

  it('401 is an auth failure after exactly one request', async () => {
    let requests = 0;
    nock(BASE)
      .get(EVENTS_PATH)
      .query(true)
      .times(5)
      .reply(() => {
        requests++;
        return [401, { error: 'unauthorized', message: 'missing or wrong X-API-Key' }];
      });
    await expect(drain(ctx())).rejects.toMatchObject({ code: 'HUB_SOURCE_AUTH', failure: 'config' });
    expect(requests).toBe(1);
  });

  it('400 is a rejected request, not retried', async () => {
    let requests = 0;
    nock(BASE)
      .get(EVENTS_PATH)
      .query(true)
      .times(5)
      .reply(() => {
        requests++;
        return [400, { error: 'bad_request', message: 'limit must be 1-1000' }];
      });
    await expect(drain(ctx())).rejects.toMatchObject({
      code: 'HUB_SOURCE_REJECTED',
      message: expect.stringContaining('bad_request: limit must be 1-1000'),
    });
    expect(requests).toBe(1);
  });

  it('429 waits for Retry-After (capped by the policy), then succeeds', async () => {
    const scope = api()
      .get(EVENTS_PATH)
      .query(true)
      .reply(429, { error: 'rate_limited', message: 'slow down' }, { 'Retry-After': '1' })
      .get(EVENTS_PATH)
      .query(true)
      .reply(200, body(1, 1, false, 1));
    const pages = await drain(ctx());
    expect(pages.map((p) => p.state)).toEqual([{ afterSeq: 1 }]);
    const retries = lines
      .map((l) => JSON.parse(l) as { msg: string; waitMs?: number })
      .filter((l) => l.waitMs !== undefined);
    // Jittered backoff with maxMs 10 never exceeds 10 ms; 40 ms is Retry-After (1 s) capped at 4 × maxMs.
    expect(retries.map((r) => r.waitMs)).toEqual([40]);
    scope.done();
  });

  it('503 and an HTML 500 are retried', async () => {
    const scope = api()
      .get(EVENTS_PATH)
      .query(true)
      .reply(503, { error: 'unavailable', message: 'maintenance' }, { 'Retry-After': '0' })
      .get(EVENTS_PATH)
      .query(true)
      .reply(500, '<html><body>Internal Server Error</body></html>', { 'Content-Type': 'text/html' })
      .get(EVENTS_PATH)
      .query(true)
      .reply(200, body(1, 2, false, 2));
    const pages = await drain(ctx());
    expect(pages[0]!.records).toHaveLength(2);
    scope.done();
  });

  const retryCodes = () =>
    lines.map((l) => JSON.parse(l) as { err?: string }).flatMap((l) => (l.err === undefined ? [] : [l.err]));

  it('a reset connection is retried like a 5xx', async () => {
    const scope = api()
      .get(EVENTS_PATH)
      .query(true)
      .replyWithError(connectionReset())
      .get(EVENTS_PATH)
      .query(true)
      .reply(200, body(1, 1, false, 1));
    expect((await drain(ctx())).map((p) => p.state)).toEqual([{ afterSeq: 1 }]);
    expect(retryCodes()).toEqual([expect.stringContaining('ECONNRESET')]);
    scope.done();
  });

  it('a socket the server really destroys is retried', async () => {
    nock.enableNetConnect('127.0.0.1');
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      if (requests === 1) return req.socket.destroy();
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body(1, 1, false, 1)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      expect((await drain(ctx({ baseUrl: `http://127.0.0.1:${port}` }))).map((p) => p.state)).toEqual([
        { afterSeq: 1 },
      ]);
      expect(requests).toBe(2);
    } finally {
      await new Promise((r) => server.close(r));
      nock.disableNetConnect();
    }
  });

  it('gives up after the policy’s attempts on persistent 503', async () => {
    let requests = 0;
    nock(BASE)
      .get(EVENTS_PATH)
      .query(true)
      .times(10)
      .reply(() => {
        requests++;
        return [503, { error: 'unavailable', message: 'down' }];
      });
    await expect(drain(ctx())).rejects.toMatchObject({ code: 'HUB_SOURCE_TRANSIENT', failure: 'transient' });
    expect(requests).toBe(3);
  });

  it('a 200 with a body that is not an events page is a payload error', async () => {
    api()
      .get(EVENTS_PATH)
      .query(true)
      .times(3)
      .reply(200, '{"events": [', { 'Content-Type': 'application/json' });
    await expect(drain(ctx())).rejects.toMatchObject({ code: 'HUB_SOURCE_PAYLOAD' });
  });

  it('check asks for one event from the start', async () => {
    const scope = api()
      .get(EVENTS_PATH)
      .query({ afterSeq: '0', limit: '1' })
      .reply(200, body(1, 1, true, 3623));
    expect(await connector.check(ctx())).toEqual({ ok: true, detail: 'event log reachable, head seq 3623' });
    scope.done();
  });

  it('check reports a wrong key as an auth failure', async () => {
    nock(BASE).get(EVENTS_PATH).query(true).reply(401, { error: 'unauthorized', message: 'wrong key' });
    expect(await connector.check(ctx())).toMatchObject({ ok: false, failure: 'auth' });
  });

  it('never writes the API key or the push secret to the log', async () => {
    api()
      .get(EVENTS_PATH)
      .query(true)
      .replyWithError(connectionReset(`reset while sending X-API-Key ${API_KEY}`))
      .get(EVENTS_PATH)
      .query(true)
      .reply(503, { error: 'unavailable', message: `key ${API_KEY} throttled` })
      .get(EVENTS_PATH)
      .query(true)
      .reply(200, body(1, 1, false, 1));
    nock(BASE)
      .get(EVENTS_PATH)
      .query(true)
      .reply(401, { error: 'unauthorized', message: `bad key ${API_KEY}` });
    const c = ctx();
    await drain(c);
    nock(BASE)
      .get(EVENTS_PATH)
      .query(true)
      .reply(401, { error: 'unauthorized', message: `bad key ${API_KEY}` });
    const thrown = await drain(c).catch((e: unknown) => e as Error);
    expect(thrown).toMatchObject({ code: 'HUB_SOURCE_AUTH' });
    expect((thrown as Error).message).toContain('bad key ***');
    const failed = await connector.check(c);
    expect(failed.ok).toBe(false);
    c.log.info({ result: failed }, 'check result');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const out = lines.join('\n');
    expect(out).not.toContain(API_KEY);
    expect(out).not.toContain(PUSH_SECRET);
    expect(JSON.stringify(failed)).not.toContain(API_KEY);
  });
});

// ---------------------------------------------------------------------------------------------
describe('push', () => {
  const WINDOW = 300;
  const sample = fixture('push-delivery.http').toString('utf8');
  const [head, rest] = sample.split(/\r?\n\r?\n/, 2) as [string, string];
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)![1]!.trim();
  // The recorded body starts at its first brace; the line before it is the recorder's note.
  const sampleBody = Buffer.from(sample.slice(sample.indexOf('{', sample.indexOf(rest))), 'utf8');

  function delivery(events: unknown[], ts: number, secret = PUSH_SECRET) {
    const rawBody = Buffer.from(
      JSON.stringify(
        { batchId: 'b7e1c3a0-0000-4d1e-9a0f-6f1a2b3c4d5e', sentAt: '2024-05-06T02:11:10Z', events },
        null,
        2,
      ),
      'utf8',
    );
    const timestampHeader = String(ts);
    return { timestampHeader, signatureHeader: pushSignature(secret, timestampHeader, rawBody), rawBody };
  }
  const TS = 1714961470;
  const signed = delivery(page('events-page-1.json').events.slice(0, 3), TS);
  const verify = (d: Partial<Parameters<typeof verifyPush>[0]>, nowSec = TS) =>
    verifyPush({ ...signed, secret: PUSH_SECRET, nowMs: nowSec * 1000, windowSec: WINDOW, ...d });

  it('the recorded sample does not verify: its body was shortened after signing', () => {
    const v = verifyPush({
      timestampHeader: header('X-SC-Timestamp'),
      signatureHeader: header('X-SC-Signature'),
      rawBody: sampleBody,
      secret: PUSH_SECRET,
      nowMs: Number(header('X-SC-Timestamp')) * 1000,
      windowSec: WINDOW,
    });
    expect(v).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
  });

  it('the recorded sample body parses and every event in it normalizes', () => {
    const parsed = parsePushBody(sampleBody);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.body.batchId).toBe(header('X-SC-Batch-Id'));
    expect(parsed.body.events).toHaveLength(6);
    for (const e of parsed.body.events) recordOf(connector.normalize(e, 'events'));
  });

  it('accepts a correctly signed, fresh delivery', () => {
    expect(verify({})).toEqual({ ok: true });
  });

  it('refuses a wrong secret', () => {
    expect(verify({ secret: 'not-the-registered-secret' })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
    expect(verify({ secret: '' })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
  });

  it('refuses a body changed in any one byte', () => {
    fc.assert(
      fc.property(fc.nat({ max: signed.rawBody.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const tampered = Buffer.from(signed.rawBody);
        tampered[i] = tampered[i]! ^ x;
        expect(verify({ rawBody: tampered })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
      }),
      { numRuns: 200 },
    );
  });

  it('verifies the exact bytes: the same JSON re-serialised does not verify', () => {
    const compact = Buffer.from(JSON.stringify(JSON.parse(signed.rawBody.toString('utf8'))), 'utf8');
    expect(compact.equals(signed.rawBody)).toBe(false);
    expect(verify({ rawBody: compact })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
  });

  it('the window is inclusive on both sides: windowSec ok, windowSec + 1 stale', () => {
    expect(verify({}, TS + WINDOW)).toEqual({ ok: true });
    expect(verify({}, TS - WINDOW)).toEqual({ ok: true });
    expect(verify({}, TS + WINDOW + 1)).toEqual({ ok: false, code: 'PUSH_STALE' });
    expect(verify({}, TS - WINDOW - 1)).toEqual({ ok: false, code: 'PUSH_STALE' });
  });

  it('a stale delivery with a bad signature reports the signature (no clock oracle)', () => {
    expect(verify({ secret: 'wrong' }, TS + 10 * WINDOW)).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
  });

  it('a timestamp that was signed but is not Unix seconds is stale', () => {
    const d = { ...signed, timestampHeader: '2024-05-06T02:11:10Z' };
    d.signatureHeader = pushSignature(PUSH_SECRET, d.timestampHeader, d.rawBody);
    expect(verify(d)).toEqual({ ok: false, code: 'PUSH_STALE' });
  });

  it('refuses malformed signature and timestamp headers', () => {
    const hex = signed.signatureHeader.slice('sha256='.length);
    for (const signatureHeader of [
      undefined,
      '',
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex}00`,
      `sha256=${hex.slice(0, 63)}g`,
      [signed.signatureHeader, signed.signatureHeader],
    ]) {
      expect(verify({ signatureHeader })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
    }
    expect(verify({ timestampHeader: undefined })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
    expect(verify({ timestampHeader: String(TS + 1) })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
    // Upper-case hex is the same signature.
    expect(verify({ signatureHeader: `sha256=${hex.toUpperCase()}` })).toEqual({ ok: true });
  });

  it('any signed body verifies under its own secret and fails under another', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (b, s1, s2) => {
          const rawBody = Buffer.from(b);
          const timestampHeader = String(TS);
          const signatureHeader = pushSignature(s1, timestampHeader, rawBody);
          const base = { timestampHeader, signatureHeader, rawBody, nowMs: TS * 1000, windowSec: WINDOW };
          expect(verifyPush({ ...base, secret: s1 })).toEqual({ ok: true });
          if (s1 !== s2)
            expect(verifyPush({ ...base, secret: s2 })).toEqual({ ok: false, code: 'PUSH_SIGNATURE' });
        },
      ),
    );
  });

  it('replayKey: an identical re-send collides; the platform’s re-signed retry does not', () => {
    const again = { ...signed };
    expect(replayKey(again.timestampHeader, again.signatureHeader)).toBe(
      replayKey(signed.timestampHeader, signed.signatureHeader),
    );
    // Retry of the same batch 2 s later: same body, new timestamp, new signature — a new delivery.
    const retry = { ...signed, timestampHeader: String(TS + 2) };
    retry.signatureHeader = pushSignature(PUSH_SECRET, retry.timestampHeader, retry.rawBody);
    expect(verify(retry, TS + 2)).toEqual({ ok: true });
    expect(replayKey(retry.timestampHeader, retry.signatureHeader)).not.toBe(
      replayKey(signed.timestampHeader, signed.signatureHeader),
    );
    expect(
      replayKey(signed.timestampHeader, signed.signatureHeader.toUpperCase().replace('SHA256', 'sha256')),
    ).toBe(replayKey(signed.timestampHeader, signed.signatureHeader));
    expect(replayTtlSec(WINDOW)).toBeGreaterThan(2 * WINDOW);
  });

  describe('parsePushBody', () => {
    const bodyOf = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8');
    const good = { batchId: 'x', sentAt: '2024-05-06T02:11:10Z', events: [{}] };

    it('parses a signed delivery and keeps events raw', () => {
      const r = parsePushBody(signed.rawBody);
      expect(r.ok && r.body.events).toEqual(page('events-page-1.json').events.slice(0, 3));
    });

    it('holds 1–200 events', () => {
      expect(parsePushBody(bodyOf({ ...good, events: Array(200).fill({}) })).ok).toBe(true);
      expect(parsePushBody(bodyOf({ ...good, events: [] }))).toMatchObject({ ok: false, reason: /^events:/ });
      expect(parsePushBody(bodyOf({ ...good, events: Array(201).fill({}) }))).toMatchObject({ ok: false });
    });

    it('refuses non-JSON, non-UTF-8, a missing batchId and an oversized body', () => {
      expect(parsePushBody(Buffer.from('{"batchId":'))).toMatchObject({
        ok: false,
        reason: /not UTF-8 JSON/,
      });
      expect(parsePushBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({
        ok: false,
        reason: /not UTF-8 JSON/,
      });
      expect(parsePushBody(bodyOf({ ...good, batchId: undefined }))).toMatchObject({
        ok: false,
        reason: /^batchId:/,
      });
      expect(parsePushBody(bodyOf(good), 10)).toMatchObject({ ok: false, reason: /exceeds 10/ });
    });
  });
});
