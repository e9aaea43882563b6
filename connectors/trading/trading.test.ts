import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../../src/connector/define.js';
import { HubErrors } from '../../src/errors.js';
import {
  capturingLog,
  collectUntilError,
  connectorContext,
  recordOf,
  UNTHROTTLED,
  useNock,
} from '../../test/helpers/connectors.js';
import { FEED_PATH } from './client.js';
import trading from './index.js';
import { TradingSpec, type TradingConfig, type TradingState } from './spec.js';
import { decodeUtf8, decodeXmlText, parseFeed } from './xml.js';

const BASE = 'https://trading.example.gov.cn';
/** Characters that URL encoding changes, so both spellings of the key must stay out of logs. */
const KEY = 'tk+Sec/ret=6c9b';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function makeCtx(lines: string[] = []): ConnectorContext<TradingConfig> {
  const config = TradingSpec.parse({
    baseUrl: BASE,
    auth: { accessKey: KEY },
    retry: { attempts: 4, baseMs: 1, maxMs: 5 },
  });
  const { log } = capturingLog('debug', lines);
  return connectorContext(trading, config, log, { timeoutMs: 5_000, rateLimit: UNTHROTTLED });
}

function feedXml(
  type: string,
  items: string,
  token = '',
  status = '<status code="0" message="OK"/>',
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<feed type="${type}">\n  ${status}\n  <items>${items}</items>\n  <nextPageToken>${token}</nextPageToken>\n</feed>\n`;
}

const withToken = (xml: string, token: string) =>
  xml.replace(/<nextPageToken>[^<]*<\/nextPageToken>/, `<nextPageToken>${token}</nextPageToken>`);

/** Intercepts one feed request of `type`; `extra` pins startTime or pageToken. */
function feed(type: string, extra: Record<string, string> = {}) {
  return nock(BASE)
    .get(FEED_PATH)
    .query({ type, ...extra, pageSize: '200', accessKey: KEY });
}

function collect(ctx: ConnectorContext<TradingConfig>, state?: TradingState, full = false) {
  return collectUntilError(trading.read(ctx, state, { full }));
}

function itemsOf(name: string): unknown[] {
  return parseFeed(decodeUtf8(Buffer.from(fixture(name)))).items;
}

useNock();

describe('samples', () => {
  it('tender page: concrete values, 元 and 万元, full-width codes', () => {
    const records = itemsOf('tender-page-1.xml').map((i) => recordOf(trading.normalize(i, 'tender')));
    expect(records[0]).toEqual({
      system: 'trading',
      kind: 'tender',
      sourceId: 'BTGGZY-2021-ZC-000053-01',
      version: '1',
      order: 1,
      state: 'active',
      sourceTime: '2021-03-09T08:50:20Z',
      keys: {
        sectionCode: 'BTGGZY-2021-ZC-000053-01',
        tenderProjectCode: 'BTGGZY-2021-ZC-000053',
        investmentCode: '2021-150204-38-03-072951',
        uscc: '91150202MA03F79917',
        name: '包头鑫强新稀土高科环保在线监测设备购置项目',
      },
      warnings: [],
      data: {
        sectionName: '全部',
        name: '包头鑫强新稀土高科环 保在线监测设备购置项目',
        tenderer: { name: '包头鑫强新稀土高科有限公司', uscc: '91150202MA03F79917' },
        tradeCategory: '政府采购',
        budgetFen: 1341670000,
        firstPublishTime: '2021-03-09T08:50:20Z',
        publishTime: '2021-03-09T08:50:20Z',
      },
    });
    // 3471600.00 元 and 347.16 万元 are the same amount.
    expect(records.map((r) => (r.data as { budgetFen: number }).budgetFen)).toEqual([
      1341670000, 347160000, 347160000, 8782990000,
    ]);
    expect(records[1]!.keys.investmentCode).toBe('2021-150203-39-03-516277');
    expect(records[3]!.keys.investmentCode).toBe('2021-150202-13-03-443942');
    // 包头市 prefix, ideographic space and full-width digits fold away in the matching form.
    expect(records[1]!.keys.name).toBe(records[2]!.keys.name);
    expect(records[1]!.keys.name).toBe('博强医药年产10000吨稀土抛光粉(一期)项目');
  });

  it('quirk page: dashless full-width code canonicalized, trailing-space name normalized', () => {
    const records = itemsOf('tender-page-with-quirk.xml').map((i) =>
      recordOf(trading.normalize(i, 'tender')),
    );
    expect(records.map((r) => r.sourceId)).toEqual([
      'BTGGZY-2021-SZ-000009-01',
      'BTGGZY-2021-SZ-000034-01',
      'BTGGZY-2021-FJ-000094-01',
      'BTGGZY-2021-FJ-000094-02',
    ]);
    expect(records[1]!.keys).toMatchObject({
      investmentCode: '2021-150203-32-03-378459',
      name: '包头稀祥诚环保科技年产500吨绿氢项目',
    });
    expect(records[1]!.data).toMatchObject({ name: '包头稀祥诚环保科技年产５００吨绿氢项目' });
    expect(records[0]!.keys.name).toBe('包头美瑞生物科技年产300吨石墨负极材料项目');
    expect(records[2]!.keys.name).toBe('包头盛美新能源汽车零部件生产线建设项目');
    expect(records[3]!.keys.name).toBe(records[2]!.keys.name);
    // 65.915 万元 on one section, 659150.00 元 on the other: the same fen.
    expect(records[2]!.data).toMatchObject({ budgetFen: 65915000 });
    expect(records[3]!.data).toMatchObject({ budgetFen: 65915000 });
  });

  it('a conversion-error item is quarantined while the rest of its page survives', () => {
    const results = itemsOf('tender-page-conversion-error.xml').map((i) => trading.normalize(i, 'tender'));
    expect(results).toHaveLength(5);
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(results[2]).toEqual({
      ok: false,
      reason: 'conversion error item',
      kind: 'tender',
      sourceId: 'BTGGZY-2021-FJ-000311-03',
    });
  });

  it('award page', () => {
    const records = itemsOf('award-page.xml').map((i) => recordOf(trading.normalize(i, 'award')));
    expect(records[0]).toEqual({
      system: 'trading',
      kind: 'award',
      sourceId: 'ZBJG-BTGGZY-2021-FJ-000021-01',
      version: '1',
      order: 1,
      state: 'active',
      sourceTime: '2021-07-09T06:46:15Z',
      keys: { sectionCode: 'BTGGZY-2021-FJ-000021-01', tenderProjectCode: 'BTGGZY-2021-FJ-000021' },
      warnings: [],
      data: {
        winner: { name: '北方鹏泰科技有限公司', uscc: '911502079W5046181Q' },
        amountFen: 7652068100,
        firstPublishTime: '2021-07-09T06:46:15Z',
        publishTime: '2021-07-09T06:46:15Z',
        status: '有效',
      },
    });
    expect(records.map((r) => (r.data as { amountFen: number }).amountFen)).toEqual([
      7652068100, 345319200, 1063548600, 2970732100,
    ]);
  });

  it('contract page', () => {
    const records = itemsOf('contract-page-1.xml').map((i) => recordOf(trading.normalize(i, 'contract')));
    expect(records[3]).toEqual({
      system: 'trading',
      kind: 'contract',
      sourceId: 'BTHT20210000029',
      version: '1',
      order: 1,
      state: 'active',
      sourceTime: '2021-07-15T18:15:37Z',
      keys: {
        contractNo: 'BTHT20210000029',
        sectionCode: 'BTGGZY-2021-FJ-000021-01',
        tenderProjectCode: 'BTGGZY-2021-FJ-000021',
      },
      warnings: [],
      data: {
        name: '包头市包头恒德光伏科技年产300吨钕铁硼毛坯项目第1标段合同',
        amountFen: 7652068100,
        signDate: '2021-07-15',
        buyer: { name: '包头恒德光伏科技有限公司', uscc: '9115020229G535730M' },
        supplier: { name: '北方鹏泰科技有限公司', uscc: '911502079W5046181Q' },
        publishTime: '2021-07-15T18:15:37Z',
        status: '正常',
      },
    });
    expect(records.map((r) => r.state)).toEqual(['active', 'active', 'active', 'active']);
  });
});

describe('normalize rules', () => {
  const award = (over: string) =>
    parseFeed(
      feedXml(
        'award',
        `<item id="ZBJG-BTGGZY-2023-FJ-000105-01" version="3"><tenderProjectCode>BTGGZY-2023-FJ-000105</tenderProjectCode><sectionCode>BTGGZY-2023-FJ-000105-01</sectionCode><winnerName>中冶华美建设工程有限公司</winnerName><winnerCode>91150200MA0N2XY41P</winnerCode><awardAmount unit="元">35693198.00</awardAmount><state>有效</state><firstPublishTime>2023-06-01 09:00:00</firstPublishTime><publishTime>2023-06-20 09:00:00</publishTime>${over}</item>`,
      ),
    ).items[0] as Record<string, unknown>;

  it('an award 已废标 is revoked, with its version as order', () => {
    const r = recordOf(trading.normalize({ ...award(''), state: '已废标' }, 'award'));
    expect(r).toMatchObject({ state: 'revoked', version: '3', order: 3, data: { status: '已废标' } });
  });

  it('a contract 已作废 is revoked', () => {
    const raw = itemsOf('contract-page-1.xml')[0] as Record<string, unknown>;
    expect(recordOf(trading.normalize({ ...raw, state: '已作废' }, 'contract')).state).toBe('revoked');
  });

  it('warns USCC_CHECKSUM for a well-shaped code whose check character fails, and keeps non-USCCs without a key', () => {
    const bad = recordOf(trading.normalize({ ...award(''), winnerCode: '91150200MA0N2XY41Q' }, 'award'));
    expect(bad.warnings).toEqual(['USCC_CHECKSUM']);
    expect(bad.data).toMatchObject({ winner: { uscc: '91150200MA0N2XY41Q' } });

    const tender = itemsOf('tender-page-1.xml')[0] as Record<string, unknown>;
    const regNo = recordOf(trading.normalize({ ...tender, tendererCode: '150202000012345' }, 'tender'));
    expect(regNo.keys.uscc).toBeUndefined();
    expect(regNo.warnings).toEqual([]);
    expect(regNo.data).toMatchObject({ tenderer: { uscc: '150202000012345' } });

    const badTenderer = recordOf(
      trading.normalize({ ...tender, tendererCode: '91150202MA03F7991X' }, 'tender'),
    );
    expect(badTenderer.warnings).toEqual(['USCC_CHECKSUM']);
    expect(badTenderer.keys.uscc).toBe('91150202MA03F7991X');

    const contract = itemsOf('contract-page-1.xml')[0] as Record<string, unknown>;
    const badSupplier = recordOf(
      trading.normalize({ ...contract, supplierCode: '91150100MAA8C7BJ2H' }, 'contract'),
    );
    expect(badSupplier.warnings).toEqual(['USCC_CHECKSUM']);
  });

  it('an empty investment code is no key; an empty budget amount is null', () => {
    const tender = itemsOf('tender-page-1.xml')[0] as Record<string, unknown>;
    const r = recordOf(
      trading.normalize({ ...tender, investmentProjectCode: '', budgetAmount: { '@unit': '元' } }, 'tender'),
    );
    expect(r.keys.investmentCode).toBeUndefined();
    expect(r.data).toMatchObject({ budgetFen: null });
  });

  it.each([
    ['<awardAmount>100.00</awardAmount>', /awardAmount: unit null/],
    ['<awardAmount unit="美元">100.00</awardAmount>', /awardAmount: unit "美元"/],
    ['<awardAmount unit="元">100.001</awardAmount>', /awardAmount: .*more than 2 decimals/],
    ['<awardAmount unit="万元">-3.5</awardAmount>', /awardAmount: negative/],
    ['<awardAmount unit="元"/>', /awardAmount: missing/],
    ['<sectionCode>BTGGZY-2023-XX-000105-01</sectionCode>', /sectionCode/],
    ['<publishTime>2023-02-30 09:00:00</publishTime>', /publishTime/],
  ])('quarantines an award with %s', (replacement, reason) => {
    const tag = /^<(\w+)/.exec(replacement)![1]!;
    const raw = {
      ...award(''),
      ...(parseFeed(feedXml('award', `<item id="x" version="1">${replacement}</item>`)).items[0] as object),
    };
    raw['@id'] = 'ZBJG-BTGGZY-2023-FJ-000105-01';
    raw['@version'] = '3';
    expect(Object.keys(raw)).toContain(tag);
    const r = trading.normalize(raw, 'award');
    expect(r).toMatchObject({ ok: false, kind: 'award', sourceId: 'ZBJG-BTGGZY-2023-FJ-000105-01' });
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('quarantines a wrong-shaped investment code and contract number', () => {
    const tender = itemsOf('tender-page-1.xml')[0] as Record<string, unknown>;
    const t = trading.normalize({ ...tender, investmentProjectCode: '2021-150204-38-07-072951' }, 'tender');
    expect(t).toMatchObject({ ok: false, kind: 'tender', sourceId: 'BTGGZY-2021-ZC-000053-01' });
    if (!t.ok) expect(t.reason).toMatch(/investmentProjectCode/);
    const contract = itemsOf('contract-page-1.xml')[0] as Record<string, unknown>;
    const c = trading.normalize({ ...contract, contractNo: 'BTHT2021000072' }, 'contract');
    expect(c).toMatchObject({ ok: false, kind: 'contract', sourceId: 'BTHT20210000072' });
    if (!c.ok) expect(c.reason).toMatch(/contractNo/);
  });

  it('quarantines an item without a version, and an unknown stream', () => {
    const tender = itemsOf('tender-page-1.xml')[0] as Record<string, unknown>;
    expect(trading.normalize({ ...tender, '@version': 'v2' }, 'tender')).toMatchObject({
      ok: false,
      kind: 'tender',
    });
    expect(trading.normalize(tender, 'bids')).toMatchObject({
      ok: false,
      kind: null,
      sourceId: 'BTGGZY-2021-ZC-000053-01',
    });
  });
});

describe('XML parsing', () => {
  it('decodes predefined entities and character references once, and nothing else', () => {
    expect(decodeXmlText('A &amp; B &lt;x&gt; &#x4e2d;&#25991; &amp;lt; &lol;')).toBe(
      'A & B <x> 中文 &lt; &lol;',
    );
    const f = parseFeed(
      feedXml('tender', '<item id="a&amp;b" version="1"><tenderer>甲&amp;乙 &lol9;</tenderer></item>'),
    );
    expect(f.items[0]).toMatchObject({ '@id': 'a&b', tenderer: '甲&乙 &lol9;' });
  });

  it('an empty page has no items and an empty token', () => {
    expect(parseFeed(feedXml('award', ''))).toEqual({
      type: 'award',
      statusCode: '0',
      statusMessage: 'OK',
      items: [],
      nextPageToken: '',
    });
  });

  it('refuses DOCTYPE/ENTITY payloads (billion laughs) before parsing', () => {
    const text = fixture('billion-laughs.xml');
    const started = performance.now();
    expect(() => parseFeed(text)).toThrow(/DOCTYPE\/ENTITY/);
    expect(performance.now() - started).toBeLessThan(100);
    expect(() => parseFeed('<?xml version="1.0"?><!ENTITY x "y"><feed/>')).toThrow(/DOCTYPE\/ENTITY/);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => decodeUtf8(Buffer.from([0x3c, 0x66, 0xb0, 0xfc, 0x3e]))).toThrow(/UTF-8/);
  });
});

describe('feed protocol', () => {
  const T1 = 'eyJ5IjoidGVuZGVyIiwidSI6MTYyMzAzNjYyODAwMCwiayI6IkJUR0daWS0yMDIxLUZKLTAwMDAyMS0wMSJ9';

  it('walks tokens per stream to an empty token, with the whole state after each page', async () => {
    const ctx = makeCtx();
    feed('tender').reply(200, fixture('tender-page-1.xml'));
    feed('tender', { pageToken: T1 }).reply(200, withToken(fixture('tender-page-with-quirk.xml'), ''));
    feed('award').reply(200, withToken(fixture('award-page.xml'), ''));
    feed('contract').reply(200, feedXml('contract', ''));
    const { pages, error } = await collect(ctx);
    expect(error).toBeUndefined();
    expect(nock.isDone()).toBe(true);
    expect(pages.map((p) => [p.stream, p.records.length])).toEqual([
      ['tender', 4],
      ['tender', 4],
      ['award', 4],
      ['contract', 0],
    ]);
    const fresh = { startTime: null, pageToken: null };
    expect(pages.map((p) => p.state)).toEqual([
      { tender: { startTime: '2021-06-07 11:30:28', pageToken: T1 }, award: fresh, contract: fresh },
      { tender: { startTime: '2021-09-17 10:01:26', pageToken: null }, award: fresh, contract: fresh },
      {
        tender: { startTime: '2021-09-17 10:01:26', pageToken: null },
        award: { startTime: '2021-09-13 15:42:42', pageToken: null },
        contract: fresh,
      },
      {
        tender: { startTime: '2021-09-17 10:01:26', pageToken: null },
        award: { startTime: '2021-09-13 15:42:42', pageToken: null },
        contract: fresh,
      },
    ]);
    expect(pages[1]!.position).toEqual({ type: 'tender', startTime: '2021-06-07 11:30:28', pageToken: T1 });
  });

  it('continues each stream incrementally from its startTime, or resumes its page token', async () => {
    const ctx = makeCtx();
    const boundary = fixture('tender-page-with-quirk.xml').match(
      /<item id="BTGGZY-2021-FJ-000094-02"[\s\S]*?<\/item>/,
    )![0];
    feed('tender', { startTime: '2021-09-17 10:01:26' }).reply(200, feedXml('tender', boundary));
    feed('award', { pageToken: 'tok-a' }).reply(200, feedXml('award', ''));
    feed('contract').reply(200, feedXml('contract', ''));
    const { pages, error } = await collect(ctx, {
      tender: { startTime: '2021-09-17 10:01:26', pageToken: null },
      award: { startTime: '2021-09-13 15:42:42', pageToken: 'tok-a' },
      contract: { startTime: null, pageToken: null },
    });
    expect(error).toBeUndefined();
    expect(nock.isDone()).toBe(true);
    expect(pages[0]!.records).toHaveLength(1);
    expect(pages.at(-1)!.state).toEqual({
      tender: { startTime: '2021-09-17 10:01:26', pageToken: null },
      award: { startTime: '2021-09-13 15:42:42', pageToken: null },
      contract: { startTime: null, pageToken: null },
    });
  });

  it('a full read ignores stored state', async () => {
    const ctx = makeCtx();
    feed('tender').reply(200, feedXml('tender', ''));
    feed('award').reply(200, feedXml('award', ''));
    feed('contract').reply(200, feedXml('contract', ''));
    const stale = { startTime: '2024-01-01 00:00:00', pageToken: 'stale' };
    const { error } = await collect(ctx, { tender: stale, award: stale, contract: stale }, true);
    expect(error).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('401 is an authentication failure after one request', async () => {
    const ctx = makeCtx();
    let requests = 0;
    feed('tender')
      .times(4)
      .reply(() => {
        requests++;
        return [401, feedXml('tender', '', '', '<status code="401" message="accessKey missing or wrong"/>')];
      });
    const { pages, error } = await collect(ctx);
    expect(HubErrors.SOURCE_AUTH.is(error)).toBe(true);
    expect(requests).toBe(1);
    expect(pages).toHaveLength(0);
  });

  it.each([400, 404, 405])('status %i is a rejected request, not retried', async (code) => {
    const ctx = makeCtx();
    feed('tender').reply(code, feedXml('tender', '', '', `<status code="${code}" message="bad"/>`));
    const { error } = await collect(ctx);
    expect(HubErrors.SOURCE_REJECTED.is(error)).toBe(true);
  });

  it('503 with a plain-text body and 429 are retried', async () => {
    const ctx = makeCtx();
    feed('tender').reply(503, 'Service Temporarily Unavailable', {
      'Content-Type': 'text/plain',
      'Retry-After': '0',
    });
    feed('tender').reply(429, feedXml('tender', '', '', '<status code="429" message="slow down"/>'), {
      'Retry-After': '0',
    });
    feed('tender').reply(200, withToken(fixture('tender-page-1.xml'), ''));
    feed('award').reply(200, feedXml('award', ''));
    feed('contract').reply(200, feedXml('contract', ''));
    const { pages, error } = await collect(ctx);
    expect(error).toBeUndefined();
    expect(pages[0]!.records).toHaveLength(4);
    expect(nock.isDone()).toBe(true);
  });

  it('truncated XML is retried, then fails the run with SOURCE_PAYLOAD and no state past the last good page', async () => {
    const ctx = makeCtx();
    const good = fixture('tender-page-1.xml');
    const truncated = fixture('tender-page-with-quirk.xml').slice(0, 900);
    let truncatedServed = 0;
    feed('tender').reply(200, good);
    feed('tender', { pageToken: T1 })
      .times(4)
      .reply(() => {
        truncatedServed++;
        return [200, truncated];
      });
    const { pages, error } = await collect(ctx);
    expect(HubErrors.SOURCE_PAYLOAD.is(error)).toBe(true);
    expect(truncatedServed).toBe(4);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.state.tender).toEqual({ startTime: '2021-06-07 11:30:28', pageToken: T1 });
  });

  it('a DOCTYPE payload is refused without expansion', async () => {
    const ctx = makeCtx();
    feed('tender').times(4).reply(200, fixture('billion-laughs.xml'));
    const { pages, error } = await collect(ctx);
    expect(HubErrors.SOURCE_PAYLOAD.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/DOCTYPE/);
    expect(pages).toHaveLength(0);
  });

  it('a page of another type is a payload error', async () => {
    const ctx = makeCtx();
    feed('tender').reply(200, fixture('award-page.xml'));
    const { error } = await collect(ctx);
    expect(HubErrors.SOURCE_PAYLOAD.is(error)).toBe(true);
  });

  it('keeps the access key out of log lines, error messages and positions', async () => {
    const lines: string[] = [];
    const ctx = makeCtx(lines);
    const seenKeys: Array<string | null> = [];
    feed('tender').reply((req: Request) => {
      seenKeys.push(new URL(req.url).searchParams.get('accessKey'));
      return [503, 'busy', { 'Retry-After': '0' }];
    });
    feed('tender').replyWithError({
      code: 'ECONNRESET',
      message: `socket hang up on ${BASE}${FEED_PATH}?accessKey=${encodeURIComponent(KEY)}`,
    });
    feed('tender').reply(200, withToken(fixture('tender-page-1.xml'), ''));
    feed('award').reply(
      401,
      feedXml('award', '', '', `<status code="401" message="accessKey ${KEY} is wrong"/>`),
    );
    const { pages, error } = await collect(ctx);

    expect(seenKeys).toEqual([KEY]);
    expect(HubErrors.SOURCE_AUTH.is(error)).toBe(true);
    const message = `${(error as Error).message} ${String((error as Error).cause)}`;
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const text of [message, ...lines, JSON.stringify(pages.map((p) => p.position))]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(encodeURIComponent(KEY));
    }
  });

  it('check reports success and authentication failure', async () => {
    const ctx = makeCtx();
    nock(BASE)
      .get(FEED_PATH)
      .query({ type: 'tender', pageSize: '1', accessKey: KEY })
      .reply(200, fixture('tender-page-1.xml'));
    nock(BASE).get(FEED_PATH).query(true).reply(401, 'Unauthorized');
    await expect(trading.check(ctx)).resolves.toMatchObject({ ok: true });
    await expect(trading.check(ctx)).resolves.toMatchObject({ ok: false, failure: 'auth' });
  });
});

describe('config', () => {
  it('defaults rate limit and page size to the document, and bounds the page size', () => {
    const c = TradingSpec.parse({ baseUrl: BASE, auth: { accessKey: 'k' } });
    expect(c.rateLimit).toEqual({ rps: 10, burst: 20 });
    expect(c.pageSize).toBe(200);
    expect(TradingSpec.safeParse({ baseUrl: BASE, auth: { accessKey: 'k' }, pageSize: 201 }).success).toBe(
      false,
    );
    expect(TradingSpec.safeParse({ baseUrl: BASE, auth: {} }).success).toBe(false);
  });

  it('declares the key, plain and URL-encoded, for redaction', () => {
    const c = TradingSpec.parse({ baseUrl: BASE, auth: { accessKey: KEY } });
    expect(trading.secrets(c)).toEqual([KEY, encodeURIComponent(KEY)]);
  });
});
