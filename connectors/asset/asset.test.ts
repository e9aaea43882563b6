import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../../src/connector/define.js';
import { HubErrors } from '../../src/errors.js';
import {
  collect,
  connectorContext,
  recordOf,
  silentLog,
  UNTHROTTLED,
  useNock,
} from '../../test/helpers/connectors.js';
import { ASSET_CARDS_PATH } from './client.js';
import asset from './index.js';
import { parseExactJson } from './json.js';
import { canonicalQuery, signatureHeaders, stringToSign } from './sign.js';
import { AssetSpec, type AssetConfig, type AssetState } from './spec.js';

const BASE = 'https://asset.example.gov.cn';
const APP_KEY = 'ak-ledger-hub-01';
const APP_SECRET = 'asset-test-secret-7b1f';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function makeCtx(opts: { now?: () => number; pageSize?: number } = {}): ConnectorContext<AssetConfig> {
  const config = AssetSpec.parse({
    baseUrl: BASE,
    auth: { AppKey: APP_KEY, AppSecret: APP_SECRET },
    retry: { attempts: 4, baseMs: 1, maxMs: 5 },
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
  });
  const ctx = connectorContext(asset, config, silentLog(), FAST);
  return { ...ctx, ...(opts.now ? { now: opts.now } : {}) };
}

const FAST = { timeoutMs: 5_000, rateLimit: UNTHROTTLED };

function readAll(ctx: ConnectorContext<AssetConfig>, state?: AssetState, full = false) {
  return collect(asset.read(ctx, state, { full }));
}

function envelope(data: unknown, code = 'OK', success = true): string {
  return JSON.stringify({
    success,
    code,
    message: success ? '' : code.toLowerCase(),
    requestId: 'r-1',
    data,
  });
}

function card(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assetCode: 'ZC1502022022000004',
    assetName: '道路-东河区科学路市政道路改造1',
    categoryCode: '1020100',
    categoryName: '道路',
    originalValue: '8234100.5',
    quantity: 1,
    entryDate: '2022-11-08',
    custodianUnit: { name: '包头市东河区住房和城乡建设局', uscc: '11150202927515800A' },
    sourceContractNo: 'BTHT20210000031',
    projectCode: null,
    status: '在用',
    handoverDate: '2022-10-28',
    updatedAt: 1667962202000,
    version: 1,
    ...over,
  };
}

/** What the platform does on its side: recompute the signature from the request as received. */
function verifies(req: Request): boolean {
  const url = new URL(req.url);
  const expected = signatureHeaders({
    method: req.method,
    path: url.pathname,
    query: [...url.searchParams],
    appKey: req.headers.get('x-app-key') ?? '',
    appSecret: APP_SECRET,
    timestamp: Number(req.headers.get('x-timestamp')),
    nonce: req.headers.get('x-nonce') ?? '',
  });
  return expected['X-Signature'] === req.headers.get('x-signature');
}

/** The signing headers of an intercepted request. */
function signing(req: Request): Record<string, string | null> {
  const h = (n: string) => req.headers.get(n);
  return {
    appKey: h('x-app-key'),
    timestamp: h('x-timestamp'),
    nonce: h('x-nonce'),
    signature: h('x-signature'),
  };
}

useNock();

describe('request signing (asset.md §1)', () => {
  const example = {
    method: 'GET',
    path: '/asset/open/v1/asset-cards',
    query: [
      ['updatedSince', '1714521600000'],
      ['limit', '100'],
    ] as const,
    appKey: 'ak-ledger-hub-01',
    appSecret: 'example-secret',
    timestamp: 1727740800123,
    nonce: 'n4Kq9ZpX2v7RtY0w',
  };

  it('reproduces the worked example', () => {
    expect(stringToSign(example)).toBe(
      [
        'GET',
        '/asset/open/v1/asset-cards',
        'limit=100&updatedSince=1714521600000',
        'ak-ledger-hub-01',
        '1727740800123',
        'n4Kq9ZpX2v7RtY0w',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signatureHeaders(example)).toEqual({
      'X-App-Key': 'ak-ledger-hub-01',
      'X-Timestamp': '1727740800123',
      'X-Nonce': 'n4Kq9ZpX2v7RtY0w',
      'X-Signature': '39IDl6JN+2Kvp1nk2XQlGuL+4XvZxMvH1EZROsZWt60=',
    });
  });

  it('encodes per RFC 3986 and sorts by encoded name, then value', () => {
    expect(
      canonicalQuery([
        ['b', '2'],
        ['a', 'z'],
        ['a', 'y x'],
        ['c', "!*'()~._-"],
        ['名', '值'],
      ]),
    ).toBe('%E5%90%8D=%E5%80%BC&a=y%20x&a=z&b=2&c=%21%2A%27%28%29~._-');
    expect(canonicalQuery([])).toBe('');
  });

  it('hashes a non-empty body instead of the empty string', () => {
    const withBody = stringToSign({ ...example, method: 'POST', body: '{"a":1}' });
    const expectedHash = '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862';
    expect(withBody.split('\n')[6]).toBe(expectedHash);
  });

  it('signs every attempt afresh: a retried request gets a new timestamp and nonce', async () => {
    let clock = 1_727_740_800_000;
    const ctx = makeCtx({ now: () => (clock += 1_000) });
    const seen: Array<Record<string, string | null>> = [];
    const verified: boolean[] = [];
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query(true)
      .times(2)
      .reply((req: Request) => {
        seen.push(signing(req));
        verified.push(verifies(req));
        return seen.length === 1
          ? [503, envelope(null, 'SERVICE_UNAVAILABLE', false), { 'Retry-After': '0' }]
          : [200, envelope({ items: [], hasMore: false, nextCursor: null })];
      });
    const pages = await readAll(ctx);
    expect(pages).toHaveLength(1);
    expect(seen).toHaveLength(2);
    const [a, b] = seen as [Record<string, string>, Record<string, string>];
    for (const h of [a, b]) {
      expect(h.appKey).toBe(APP_KEY);
      expect(h.timestamp).toMatch(/^\d{13}$/);
      expect(h.nonce).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(h.signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.timestamp).toBe('1727740801000');
    expect(Number(b.timestamp)).toBeGreaterThan(Number(a.timestamp));
    expect(verified).toEqual([true, true]);
  });

  it('re-signs after NONCE_REUSED and TIMESTAMP_EXPIRED instead of failing', async () => {
    const ctx = makeCtx();
    const nonces: string[] = [];
    const answers = [
      [401, envelope(null, 'NONCE_REUSED', false)],
      [401, envelope(null, 'TIMESTAMP_EXPIRED', false)],
      [200, envelope({ items: [card()], hasMore: false, nextCursor: null })],
    ] as const;
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query(true)
      .times(3)
      .reply((req: Request) => {
        nonces.push(req.headers.get('x-nonce') ?? '');
        const [status, body] = answers[nonces.length - 1]!;
        return [status, body];
      });
    const pages = await readAll(ctx);
    expect(pages[0]!.records).toHaveLength(1);
    expect(new Set(nonces).size).toBe(3);
  });

  it('signs the path as sent when the base URL has a path of its own', async () => {
    const ctx = makeCtx();
    const { config, http } = connectorContext(
      asset,
      { ...ctx.config, baseUrl: `${BASE}/gw/` },
      ctx.log,
      FAST,
    );
    let ok = false;
    nock(BASE)
      .get(`/gw${ASSET_CARDS_PATH}`)
      .query(true)
      .reply((req: Request) => {
        ok = verifies(req);
        return [200, envelope({ items: [], hasMore: false, nextCursor: null })];
      });
    await readAll({ ...ctx, config, http });
    expect(ok).toBe(true);
  });
});

describe('listing asset cards (asset.md §3)', () => {
  const page1 = JSON.parse(fixture('asset-cards-page-1.json')) as { data: { nextCursor: string } };
  const page2Text = fixture('asset-cards-page-with-project-code.json').replace(
    /"hasMore": true,\s*"nextCursor": "[^"]+"/,
    '"hasMore": false, "nextCursor": null',
  );

  it('walks the cursor to hasMore false, with the state after each page', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '0', limit: '500' })
      .reply(200, fixture('asset-cards-page-1.json'))
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '1662130248000', limit: '500', cursor: page1.data.nextCursor })
      .reply(200, page2Text);
    const pages = await readAll(ctx);
    expect(pages.map((p) => p.records.length)).toEqual([4, 4]);
    expect(pages.map((p) => p.state)).toEqual([
      { updatedSince: 1662130248000, cursor: page1.data.nextCursor },
      { updatedSince: 1664329196000, cursor: null },
    ]);
    expect(pages.map((p) => p.position)).toEqual([
      { updatedSince: 0, cursor: null },
      { updatedSince: 1662130248000, cursor: page1.data.nextCursor },
    ]);
    expect(pages.every((p) => p.stream === 'asset-cards')).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('continues incrementally from the stored updatedSince, and resumes a stored cursor', async () => {
    const ctx = makeCtx({ pageSize: 50 });
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '1664329196000', limit: '50' })
      .reply(200, envelope({ items: [card({ updatedAt: 1664329196000 })], hasMore: false, nextCursor: null }))
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '1664329196000', limit: '50', cursor: 'c-resume' })
      .reply(200, envelope({ items: [], hasMore: false, nextCursor: null }));
    const incremental = await readAll(ctx, { updatedSince: 1664329196000, cursor: null });
    expect(incremental.map((p) => p.state)).toEqual([{ updatedSince: 1664329196000, cursor: null }]);
    const resumed = await readAll(ctx, { updatedSince: 1664329196000, cursor: 'c-resume' });
    expect(resumed.map((p) => p.state)).toEqual([{ updatedSince: 1664329196000, cursor: null }]);
    expect(nock.isDone()).toBe(true);
  });

  it('a full read ignores the stored state', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '0', limit: '500' })
      .reply(200, envelope({ items: [card()], hasMore: false, nextCursor: null }));
    const pages = await readAll(ctx, { updatedSince: 1700000000000, cursor: 'stale' }, true);
    expect(pages.map((p) => p.state)).toEqual([{ updatedSince: 1667962202000, cursor: null }]);
  });

  it('CURSOR_INVALID restarts the walk from the stored updatedSince, without resending the dead cursor', async () => {
    const ctx = makeCtx();
    let deadCursorRequests = 0;
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '1660000000000', limit: '500', cursor: 'dead' })
      .times(4)
      .reply(() => {
        deadCursorRequests++;
        return [400, envelope(null, 'CURSOR_INVALID', false)];
      })
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '1660000000000', limit: '500' })
      .reply(
        200,
        envelope({
          items: [card({ updatedAt: 1660000000000 }), card({ updatedAt: 1661000000000 })],
          hasMore: false,
          nextCursor: null,
        }),
      );
    const pages = await readAll(ctx, { updatedSince: 1660000000000, cursor: 'dead' });
    expect(deadCursorRequests).toBe(1);
    expect(pages.map((p) => p.state)).toEqual([{ updatedSince: 1661000000000, cursor: null }]);
    expect(pages[0]!.position).toEqual({ updatedSince: 1660000000000, cursor: null });
  });

  it('CURSOR_INVALID without a cursor sent is an error, not a loop', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query(true)
      .reply(400, envelope(null, 'CURSOR_INVALID', false));
    await expect(readAll(ctx)).rejects.toMatchObject({ code: HubErrors.SOURCE_CURSOR_INVALID.spec.code });
  });

  it('SIGNATURE_INVALID is an authentication failure after one request', async () => {
    const ctx = makeCtx();
    let requests = 0;
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query(true)
      .times(4)
      .reply(() => {
        requests++;
        return [401, envelope(null, 'SIGNATURE_INVALID', false)];
      });
    const err = await readAll(ctx).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_AUTH.is(err)).toBe(true);
    expect((err as Error).message).not.toContain(APP_SECRET);
    expect(requests).toBe(1);
  });

  it.each(['APPKEY_INVALID', 'AUTH_HEADERS_MISSING', 'NONCE_INVALID'])(
    '%s is an authentication failure',
    async (code) => {
      const ctx = makeCtx();
      nock(BASE)
        .get(ASSET_CARDS_PATH)
        .query(true)
        .reply(401, envelope(null, code, false));
      await expect(readAll(ctx)).rejects.toMatchObject({ code: HubErrors.SOURCE_AUTH.spec.code });
    },
  );

  it('PARAM_INVALID is a rejected request, not retried', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query(true)
      .reply(400, envelope(null, 'PARAM_INVALID', false));
    await expect(readAll(ctx)).rejects.toMatchObject({ code: HubErrors.SOURCE_REJECTED.spec.code });
  });

  it('429 with Retry-After and a 500 HTML page are retried', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query(true)
      .reply(429, envelope(null, 'RATE_LIMITED', false), { 'Retry-After': '0' })
      .get(ASSET_CARDS_PATH)
      .query(true)
      .reply(500, '<html><body>Internal Server Error</body></html>', { 'Content-Type': 'text/html' })
      .get(ASSET_CARDS_PATH)
      .query(true)
      .reply(200, envelope({ items: [card()], hasMore: false, nextCursor: null }));
    const pages = await readAll(ctx);
    expect(pages[0]!.records).toHaveLength(1);
    expect(nock.isDone()).toBe(true);
  });

  it('a 200 that is not the envelope is a payload error, retried and then fatal', async () => {
    const ctx = makeCtx();
    nock(BASE).get(ASSET_CARDS_PATH).query(true).times(4).reply(200, '{"success": true, "code": "OK", "da');
    await expect(readAll(ctx)).rejects.toMatchObject({ code: HubErrors.SOURCE_PAYLOAD.spec.code });
    expect(nock.isDone()).toBe(true);
  });

  it('check reports success and authentication failure', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(ASSET_CARDS_PATH)
      .query({ updatedSince: '0', limit: '1' })
      .reply(200, envelope({ items: [card()], hasMore: true, nextCursor: 'c' }))
      .get(ASSET_CARDS_PATH)
      .query(true)
      .reply(401, envelope(null, 'APPKEY_INVALID', false));
    await expect(asset.check(ctx)).resolves.toMatchObject({ ok: true });
    await expect(asset.check(ctx)).resolves.toMatchObject({ ok: false, failure: 'auth' });
  });
});

describe('exact original values', () => {
  it.each([
    ['8234100.5', 823410050],
    ['12500000.35', 1250000035],
    ['1.15', 115],
    ['0.29', 29],
    ['9869412', 986941200],
  ])('originalValue %s read from its decimal text is %i fen', async (text, fen) => {
    const ctx = makeCtx();
    const body = envelope({ items: ['CARD'], hasMore: false, nextCursor: null }).replace(
      '"CARD"',
      JSON.stringify(card()).replace('"originalValue":"8234100.5"', `"originalValue":${text}`),
    );
    nock(BASE).get(ASSET_CARDS_PATH).query(true).reply(200, body);
    const [page] = await readAll(ctx);
    const raw = page!.records[0] as { originalValue: unknown };
    expect(raw.originalValue).toBe(text);
    expect(recordOf(asset.normalize(raw, 'asset-cards')).data).toMatchObject({ originalValueFen: fen });
  });

  it('keeps integers as numbers and refuses ones that are not exact', () => {
    expect(parseExactJson('{"updatedAt": 1667962202000, "version": 2}')).toEqual({
      updatedAt: 1667962202000,
      version: 2,
    });
    const big = parseExactJson('{"updatedAt": 90071992547409931}') as { updatedAt: unknown };
    expect(big.updatedAt).toBe('90071992547409931');
    const r = asset.normalize(card({ updatedAt: big.updatedAt }), 'asset-cards');
    expect(r).toMatchObject({ ok: false, kind: 'assetCard', sourceId: 'ZC1502022022000004' });
  });
});

describe('normalize', () => {
  it('maps the sample cards with concrete values', () => {
    const text = fixture('asset-cards-page-1.json');
    const items = (parseExactJson(text) as { data: { items: unknown[] } }).data.items;
    const records = items.map((i) => recordOf(asset.normalize(i, 'asset-cards')));
    expect(records[0]).toEqual({
      system: 'asset',
      kind: 'assetCard',
      sourceId: 'ZC15020420210000049',
      version: '1',
      order: 1,
      state: 'active',
      sourceTime: '2021-06-18T05:17:10Z',
      keys: { contractNo: 'BTHT20210000072' },
      warnings: [],
      data: {
        name: '机械设备-包头鑫强新稀土高科环保在线监测设备购置1',
        categoryCode: '2010100',
        categoryName: '机械设备',
        originalValueFen: 986941200,
        quantity: 1,
        entryDate: '2021-06-16',
        custodian: { name: '包头鑫强新稀土高科有限公司', uscc: '91150202MA03F79917' },
        handoverDate: '2021-06-05',
        status: '在用',
      },
    });
    expect(records[3]!.keys).toEqual({ investmentCode: '2022-150202-47-03-781955' });
    expect(records.map((r) => r.state)).toEqual(['active', 'active', 'active', 'active']);
  });

  it.each(['已处置', '出租', '闲置', '在用'])('a card with status %s stays active', (status) => {
    const r = recordOf(asset.normalize(card({ status }), 'asset-cards'));
    expect(r.state).toBe('active');
    expect(r.data).toMatchObject({ status });
  });

  it.each([
    ['-1200.00', /not a positive amount/],
    ['0', /not a positive amount/],
    ['12.345', /more than 2 decimals/],
  ])('originalValue %s is quarantined', (originalValue, reason) => {
    const r = asset.normalize(card({ originalValue }), 'asset-cards');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(reason);
      expect(r).toMatchObject({ kind: 'assetCard', sourceId: 'ZC1502022022000004' });
    }
  });

  it('canonicalizes a full-width or dashless project code', () => {
    const r = recordOf(
      asset.normalize(
        card({ projectCode: '２０２３１５０２０３４８０１０００１２３', sourceContractNo: null }),
        'asset-cards',
      ),
    );
    expect(r.keys).toEqual({ investmentCode: '2023-150203-48-01-000123' });
  });

  it.each([
    [{ projectCode: '2023-150203-48-09-000123' }, /projectCode/],
    [{ sourceContractNo: 'HT2023000148' }, /sourceContractNo/],
    [{ entryDate: '2022-02-30' }, /entryDate/],
    [{ handoverDate: '2022/10/28' }, /handoverDate/],
    [{ assetName: '  ' }, /assetName/],
    [{ version: 0 }, /version/],
  ])('quarantines %o', (over, reason) => {
    const r = asset.normalize(card(over), 'asset-cards');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('a card with neither contract nor project code is kept, without keys', () => {
    const r = recordOf(asset.normalize(card({ sourceContractNo: null, projectCode: '' }), 'asset-cards'));
    expect(r.keys).toEqual({});
  });

  it('flags a custodian USCC whose check character fails, and keeps a non-USCC as entered', () => {
    const bad = recordOf(
      asset.normalize(card({ custodianUnit: { name: 'x', uscc: '11150202927515800B' } }), 'asset-cards'),
    );
    expect(bad.warnings).toEqual(['USCC_CHECKSUM']);
    expect(bad.data).toMatchObject({ custodian: { uscc: '11150202927515800B' } });
    const regNo = recordOf(
      asset.normalize(card({ custodianUnit: { name: 'x', uscc: '150202000012345' } }), 'asset-cards'),
    );
    expect(regNo.warnings).toEqual([]);
    expect(regNo.data).toMatchObject({ custodian: { uscc: '150202000012345' } });
  });

  it('garbage is quarantined without a source id', () => {
    expect(asset.normalize('not a card', 'asset-cards')).toMatchObject({
      ok: false,
      sourceId: null,
      kind: 'assetCard',
    });
  });
});

describe('config', () => {
  it('defaults rate limit and page size to the document', () => {
    const c = AssetSpec.parse({ baseUrl: BASE, auth: { AppKey: 'k', AppSecret: 's' } });
    expect(c.rateLimit).toEqual({ rps: 10, burst: 20 });
    expect(c.pageSize).toBe(500);
  });

  it('refuses a page size above 500 and a missing AppSecret', () => {
    expect(
      AssetSpec.safeParse({ baseUrl: BASE, auth: { AppKey: 'k', AppSecret: 's' }, pageSize: 501 }).success,
    ).toBe(false);
    expect(AssetSpec.safeParse({ baseUrl: BASE, auth: { AppKey: 'k' } }).success).toBe(false);
  });

  it('declares the secret for redaction', () => {
    const c = AssetSpec.parse({ baseUrl: BASE, auth: { AppKey: 'k', AppSecret: 'the-secret' } });
    expect(asset.secrets(c)).toEqual(['the-secret']);
  });
});
