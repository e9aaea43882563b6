import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import type { FaultRule } from '../faults.js';
import type { AssetCard } from '../world/types.js';
import { probe, ServerPool, type ProbeOptions } from '../http/probe.js';
import { sign } from './signature.js';
import { ASSET_CARDS_PATH, createAssetSimulator, type AssetSimulator } from './simulator.js';

const NOW = 1_727_740_800_000;
const { AppKey, AppSecret } = SANDBOX_CREDENTIALS.asset;

function card(n: number, updatedAt: number, originalValue = `${n * 100}.25`): AssetCard {
  return {
    assetCode: `ZC150202202200${String(n).padStart(4, '0')}`,
    assetName: `道路-东河区科学路市政道路改造${n}`,
    categoryCode: '1020100',
    categoryName: '道路',
    originalValue,
    quantity: 1,
    entryDate: '2022-11-08',
    custodianUnit: { name: '包头市东河区住房和城乡建设局', uscc: '11150202MB0123456R' },
    sourceContractNo: n % 2 ? 'BTHT20210000031' : null,
    projectCode: n % 3 ? null : '2023-150203-48-01-000123',
    status: '在用',
    handoverDate: '2022-10-28',
    updatedAt,
    version: 1,
  };
}

interface Signing {
  secret?: string;
  timestamp?: number;
  nonce?: string;
  appKey?: string;
}

function signed(pathAndQuery: string, s: Signing = {}, method = 'GET'): Record<string, string> {
  const [path, query = ''] = pathAndQuery.split('?') as [string, string?];
  const timestamp = String(s.timestamp ?? NOW);
  const nonce = s.nonce ?? randomBytes(12).toString('base64url');
  const appKey = s.appKey ?? AppKey;
  const signature = sign(s.secret ?? AppSecret, {
    method,
    path,
    rawQuery: query,
    appKey,
    timestamp,
    nonce,
    body: Buffer.alloc(0),
  });
  return { 'X-App-Key': appKey, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
}

interface Envelope {
  success: boolean;
  code: string;
  message: string;
  requestId: string;
  data: { items: Array<Record<string, unknown>>; hasMore: boolean; nextCursor: string | null } | null;
}

const servers = new ServerPool();
afterEach(() => servers.closeAll());

async function start(cards: AssetCard[]): Promise<{
  sim: AssetSimulator;
  get: (pq: string, o?: ProbeOptions & Signing) => ReturnType<typeof probe>;
}> {
  const sim = createAssetSimulator({ data: cards, now: () => NOW });
  const { base } = await servers.start(sim.listener);
  return { sim, get: (pq, o = {}) => probe(base + pq, { ...o, headers: o.headers ?? signed(pq, o) }) };
}

async function walk(
  get: (pq: string) => ReturnType<typeof probe>,
  query: string,
  between?: (page: number) => void,
): Promise<string[]> {
  const codes: string[] = [];
  let pq = `${ASSET_CARDS_PATH}?${query}`;
  for (let page = 0; ; page++) {
    const r = await get(pq);
    expect(r.status).toBe(200);
    const env = JSON.parse(r.body.toString()) as Envelope;
    codes.push(...env.data!.items.map((c) => c['assetCode'] as string));
    if (!env.data!.hasMore) {
      expect(env.data!.nextCursor).toBeNull();
      return codes;
    }
    between?.(page);
    pq = `${ASSET_CARDS_PATH}?limit=${new URLSearchParams(query).get('limit')}&cursor=${env.data!.nextCursor}`;
  }
}

describe('asset simulator: signature checks', () => {
  const pq = `${ASSET_CARDS_PATH}?updatedSince=0&limit=10`;

  it('accepts a correctly signed request', async () => {
    const { get } = await start([card(1, 1000)]);
    const r = await get(pq);
    expect(r.status).toBe(200);
    const env = JSON.parse(r.body.toString()) as Envelope;
    expect(env).toMatchObject({ success: true, code: 'OK', message: '' });
    expect(env.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }, 'SIGNATURE_INVALID'],
    ['a stale timestamp', { timestamp: NOW - 5 * 60_000 - 1 }, 'TIMESTAMP_EXPIRED'],
    ['a future timestamp', { timestamp: NOW + 5 * 60_000 + 1 }, 'TIMESTAMP_EXPIRED'],
    ['a short nonce', { nonce: 'short' }, 'NONCE_INVALID'],
    ['an unknown AppKey', { appKey: 'ak-unknown' }, 'APPKEY_INVALID'],
  ] as const)('rejects %s with 401 %s', async (_what, s, code) => {
    const { get } = await start([card(1, 1000)]);
    const r = await get(pq, s);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body.toString())).toMatchObject({ success: false, code, data: null });
  });

  it('accepts a timestamp exactly 5 minutes off', async () => {
    const { get } = await start([card(1, 1000)]);
    expect((await get(pq, { timestamp: NOW - 5 * 60_000 })).status).toBe(200);
  });

  it('rejects a reused nonce, but not one burnt by a forged request', async () => {
    const { get } = await start([card(1, 1000)]);
    const nonce = 'reused-nonce-0001';
    expect((await get(pq, { nonce, secret: 'forged' })).status).toBe(401);
    expect((await get(pq, { nonce })).status).toBe(200);
    const again = await get(pq, { nonce });
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body.toString()).code).toBe('NONCE_REUSED');
  });

  it('rejects missing headers and a signature over a different query', async () => {
    const { get } = await start([card(1, 1000)]);
    const missing = await get(pq, { headers: { 'X-App-Key': AppKey } });
    expect(JSON.parse(missing.body.toString()).code).toBe('AUTH_HEADERS_MISSING');
    const tampered = await get(`${ASSET_CARDS_PATH}?updatedSince=0&limit=11`, { headers: signed(pq) });
    expect(JSON.parse(tampered.body.toString()).code).toBe('SIGNATURE_INVALID');
  });
});

describe('asset simulator: listing', () => {
  it('walks every card exactly once, in (updatedAt, assetCode) order', async () => {
    // Shared updatedAt values make the assetCode tie-break matter at page edges.
    const cards = Array.from({ length: 1234 }, (_, i) =>
      card(i, 1_600_000_000_000 + Math.floor(i / 7) * 1000),
    );
    const { get } = await start([...cards].reverse());
    const codes = await walk(get, 'updatedSince=0&limit=500');
    expect(codes).toEqual(cards.map((c) => c.assetCode));
  });

  it('treats updatedSince as inclusive', async () => {
    const { get } = await start([card(1, 1000), card(2, 2000), card(3, 2000), card(4, 3000)]);
    const codes = await walk(get, 'updatedSince=2000&limit=100');
    expect(codes).toEqual([card(2, 0).assetCode, card(3, 0).assetCode, card(4, 0).assetCode]);
  });

  it('delivers a card modified mid-walk again later in the same walk', async () => {
    const cards = Array.from({ length: 10 }, (_, i) => card(i, 1000 + i));
    const { sim, get } = await start(cards);
    const modified = { ...cards[1]!, updatedAt: 5000, version: 2, originalValue: '77.7' };
    const codes = await walk(get, 'updatedSince=0&limit=4', (page) => {
      if (page === 0) sim.apply({ asset: [modified] });
    });
    expect(codes.filter((c) => c === modified.assetCode)).toHaveLength(2);
    expect(codes.at(-1)).toBe(modified.assetCode);
    expect(new Set(codes).size).toBe(10);
    expect(sim.data.find((c) => c.assetCode === modified.assetCode)?.version).toBe(2);
  });

  it('writes originalValue with exactly the stored decimal text', async () => {
    const values = ['8234100.5', '0.10', '12500000.35', '-3', '0'];
    const { get } = await start(values.map((v, i) => card(i, 1000 + i, v)));
    const r = await get(`${ASSET_CARDS_PATH}?limit=10`);
    const raw = r.body.toString();
    for (const v of values) expect(raw).toContain(`"originalValue":${v},`);
    expect(JSON.parse(raw).data.items).toHaveLength(values.length);
  });

  it('refuses cards whose originalValue is not a JSON number', () => {
    expect(() => createAssetSimulator({ data: [card(1, 1000, '1,000.00')] })).toThrow(/not a JSON number/);
    const sim = createAssetSimulator({ data: [] });
    expect(() => sim.apply({ asset: [card(1, 1000, '.5')] })).toThrow(/not a JSON number/);
  });

  it('serves the fields of §4 in document order', async () => {
    const { get } = await start([card(3, 1000)]);
    const item = (JSON.parse((await get(`${ASSET_CARDS_PATH}?limit=1`)).body.toString()) as Envelope).data!
      .items[0]!;
    expect(Object.keys(item)).toEqual([
      'assetCode',
      'assetName',
      'categoryCode',
      'categoryName',
      'originalValue',
      'quantity',
      'entryDate',
      'custodianUnit',
      'sourceContractNo',
      'projectCode',
      'status',
      'handoverDate',
      'updatedAt',
      'version',
    ]);
    expect(item).toMatchObject({
      sourceContractNo: 'BTHT20210000031',
      projectCode: '2023-150203-48-01-000123',
      originalValue: 300.25,
    });
  });

  it('serves a single card and 404s an unknown one', async () => {
    const c = card(5, 1000);
    const { get } = await start([c]);
    const one = JSON.parse((await get(`${ASSET_CARDS_PATH}/${c.assetCode}`)).body.toString());
    expect(one.data.assetCode).toBe(c.assetCode);
    const missing = await get(`${ASSET_CARDS_PATH}/ZC0000`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString()).code).toBe('NOT_FOUND');
  });

  it.each([
    [`${ASSET_CARDS_PATH}?limit=100&cursor=bm90LWEtY3Vyc29y`, 400, 'CURSOR_INVALID'],
    [`${ASSET_CARDS_PATH}?limit=100&cursor=%25%25`, 400, 'CURSOR_INVALID'],
    [`${ASSET_CARDS_PATH}?limit=501`, 400, 'PARAM_INVALID'],
    [`${ASSET_CARDS_PATH}?limit=0`, 400, 'PARAM_INVALID'],
    [`${ASSET_CARDS_PATH}?updatedSince=yesterday`, 400, 'PARAM_INVALID'],
    ['/asset/open/v1/unknown', 404, 'NOT_FOUND'],
  ] as const)('answers %s with %i %s', async (pq, status, code) => {
    const { get } = await start([card(1, 1000)]);
    const r = await get(pq);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body.toString())).toMatchObject({ success: false, code });
  });

  it('answers a wrong method with 405', async () => {
    const { get } = await start([card(1, 1000)]);
    const r = await get(ASSET_CARDS_PATH, { method: 'POST', headers: signed(ASSET_CARDS_PATH, {}, 'POST') });
    expect(r.status).toBe(405);
    expect(JSON.parse(r.body.toString()).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('pages a 100,000-card index in milliseconds', async () => {
    const cards = Array.from({ length: 100_000 }, (_, i) => card(i, 1_600_000_000_000 + i * 1000));
    const { get } = await start(cards);
    const pq = `${ASSET_CARDS_PATH}?updatedSince=${1_600_000_000_000 + 50_000_000}&limit=500`;
    const r = await get(pq);
    expect((JSON.parse(r.body.toString()) as Envelope).data!.items).toHaveLength(500);
    expect(r.elapsedMs).toBeLessThan(250);
  });
});

describe('asset simulator: faults', () => {
  const pq = `${ASSET_CARDS_PATH}?limit=100`;
  const cards = Array.from({ length: 20 }, (_, i) => card(i, 1000 + i));

  async function withFault(rule: FaultRule, o: ProbeOptions = {}) {
    const { sim, get } = await start(cards);
    sim.faults.add(rule);
    const faulted = await get(pq, o);
    const after = await get(pq);
    expect(after.status).toBe(200);
    return faulted;
  }
  const code = (b: Buffer) => (JSON.parse(b.toString()) as Envelope).code;

  it('http429: RATE_LIMITED with Retry-After', async () => {
    const r = await withFault({ mode: 'http429', retryAfterSec: 3 });
    expect([r.status, r.headers['retry-after'], code(r.body)]).toEqual([429, '3', 'RATE_LIMITED']);
  });

  it('http500: an HTML page', async () => {
    const r = await withFault({ mode: 'http500' });
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toMatch(/text\/html/);
  });

  it('http503 and envelopeBusy: 503 with Retry-After, the latter in the envelope', async () => {
    const gateway = await withFault({ mode: 'http503' });
    expect([gateway.status, gateway.headers['retry-after']]).toEqual([503, '1']);
    const busy = await withFault({ mode: 'envelopeBusy', retryAfterSec: 7 });
    expect([busy.status, busy.headers['retry-after'], code(busy.body)]).toEqual([
      503,
      '7',
      'SERVICE_UNAVAILABLE',
    ]);
  });

  it.each(['authExpired', 'authFail'] as const)(
    '%s: 401 SIGNATURE_INVALID for a valid request',
    async (mode) => {
      const r = await withFault({ mode });
      expect([r.status, code(r.body)]).toEqual([401, 'SIGNATURE_INVALID']);
    },
  );

  it('reset: the connection closes without an answer', async () => {
    const r = await withFault({ mode: 'reset' });
    expect(r.outcome).toBe('reset');
    expect(r.status).toBeUndefined();
  });

  it('slow: the right answer, after delayMs', async () => {
    const r = await withFault({ mode: 'slow', delayMs: 150 });
    expect(r.status).toBe(200);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(145);
    expect((JSON.parse(r.body.toString()) as Envelope).data!.items).toHaveLength(20);
  });

  it('stall: headers and half the body, then nothing until the client gives up', async () => {
    const r = await withFault({ mode: 'stall' }, { timeoutMs: 300 });
    expect(r.outcome).toBe('timeout');
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(Math.floor(Number(r.headers['content-length']) / 2));
  });

  it('truncated: a 200 whose JSON is cut off', async () => {
    const r = await withFault({ mode: 'truncated' });
    expect([r.outcome, r.status]).toEqual(['complete', 200]);
    expect(() => JSON.parse(r.body.toString())).toThrow();
  });

  it('malformed: exactly one card with originalValue -5 among good ones', async () => {
    const r = await withFault({ mode: 'malformed' });
    const items = (JSON.parse(r.body.toString()) as Envelope).data!.items;
    expect(items.filter((c) => c['originalValue'] === -5)).toHaveLength(1);
    expect(items.filter((c) => c['originalValue'] !== -5)).toHaveLength(19);
  });

  it('tooLarge: a parseable 200 of sizeBytes, and a client that aborts a 100 MB one', async () => {
    const r = await withFault({ mode: 'tooLarge', sizeBytes: 2_000_000 });
    expect([r.outcome, r.status, r.body.length]).toEqual(['complete', 200, 2_000_000]);
    expect((JSON.parse(r.body.toString()) as Envelope).data!.items).toHaveLength(20);
    const huge = await withFault({ mode: 'tooLarge' }, { abortAfterBytes: 4_000_000 });
    expect([huge.outcome, huge.status]).toEqual(['aborted', 200]);
  });

  it('badEncoding: declares a charset the body is not in', async () => {
    const r = await withFault({ mode: 'badEncoding' });
    expect(r.headers['content-type']).toBe('application/json; charset=GBK');
  });

  it('applies a rule only to its pathPrefix', async () => {
    const { sim, get } = await start(cards);
    sim.faults.add({ mode: 'http500', pathPrefix: `${ASSET_CARDS_PATH}/` });
    expect((await get(pq)).status).toBe(200);
    expect((await get(`${ASSET_CARDS_PATH}/${cards[0]!.assetCode}`)).status).toBe(500);
    expect(sim.faults.seen).toEqual([ASSET_CARDS_PATH, `${ASSET_CARDS_PATH}/${cards[0]!.assetCode}`]);
  });
});
