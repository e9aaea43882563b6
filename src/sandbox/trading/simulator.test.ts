import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import type { FaultRule } from '../faults.js';
import type { TradingNotice } from '../world/types.js';
import { probe, ServerPool, type ProbeOptions } from '../http/probe.js';
import { FEED_PATH, createTradingSimulator, type TradingSimulator } from './simulator.js';

const KEY = SANDBOX_CREDENTIALS.trading.accessKey;

function award(n: number, publishTime: string, version = 1, unit: '元' | '万元' = '元'): TradingNotice {
  const id = `ZBJG-BTGGZY-2021-FJ-${String(n).padStart(6, '0')}-01`;
  return {
    type: 'award',
    id,
    version,
    publishTime,
    fields: {
      tenderProjectCode: `BTGGZY-2021-FJ-${String(n).padStart(6, '0')}`,
      sectionCode: id.slice(5),
      winnerName: '北方鹏泰科技有限公司 & <合伙>',
      winnerCode: '911502079W5046181Q',
      awardAmount: { unit, value: unit === '元' ? `${n}5693198.00` : '7652.0681' },
      state: '有效',
      firstPublishTime: '2021-07-09 14:46:15',
      publishTime,
    },
  };
}

function tender(n: number, publishTime: string): TradingNotice {
  const id = `BTGGZY-2021-SZ-${String(n).padStart(6, '0')}-01`;
  return {
    type: 'tender',
    id,
    version: 1,
    publishTime,
    fields: {
      tenderProjectCode: id.slice(0, -3),
      sectionCode: id,
      sectionName: '全部',
      tenderProjectName: '包头稀祥诚环保科技年产５００吨绿氢项目',
      investmentProjectCode: null,
      tenderer: '包头稀祥诚环保科技有限公司',
      tendererCode: '91150203MA84418194',
      tradeCategory: '工程建设',
      budgetAmount: { unit: '万元', value: '1820.36' },
      firstPublishTime: publishTime,
      publishTime,
    },
  };
}

/** Award n published n minutes after 2021-07-01 08:00 Beijing. */
function awards(count: number): TradingNotice[] {
  return Array.from({ length: count }, (_, i) =>
    award(
      i,
      `2021-07-01 ${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
    ),
  );
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => name === 'item',
  parseTagValue: false,
});

interface Feed {
  '@type'?: string;
  status: { '@code': string; '@message': string };
  items?: { item?: Array<Record<string, unknown>> } | '';
  nextPageToken?: string;
}

function parseFeed(xml: string): Feed {
  expect(XMLValidator.validate(xml)).toBe(true);
  return (parser.parse(xml) as { feed: Feed }).feed;
}

function itemsOf(f: Feed): Array<Record<string, unknown>> {
  return typeof f.items === 'object' ? (f.items.item ?? []) : [];
}

const servers = new ServerPool();
afterEach(() => servers.closeAll());

async function start(notices: TradingNotice[]) {
  const sim: TradingSimulator = createTradingSimulator({ data: notices });
  const { base } = await servers.start(sim.listener);
  const get = (query: string, o: ProbeOptions = {}) => probe(`${base}${FEED_PATH}?${query}`, o);
  return { sim, get, base };
}

async function walk(
  get: (q: string) => ReturnType<typeof probe>,
  type: string,
  extra: string,
  between?: (page: number) => void,
): Promise<Array<Record<string, unknown>>> {
  const seen: Array<Record<string, unknown>> = [];
  let query = `type=${type}&${extra}&accessKey=${KEY}`;
  for (let page = 0; ; page++) {
    const r = await get(query);
    expect(r.status).toBe(200);
    const f = parseFeed(r.body.toString('utf8'));
    expect(f.status).toEqual({ '@code': '0', '@message': 'OK' });
    seen.push(...itemsOf(f));
    if (!f.nextPageToken) return seen;
    between?.(page);
    query = `type=${type}&pageSize=${new URLSearchParams(extra).get('pageSize')}&pageToken=${f.nextPageToken}&accessKey=${KEY}`;
  }
}

describe('trading simulator: the feed', () => {
  it('walks every notice of a type once, by (publishTime, id), with an empty token on the last page', async () => {
    const all = awards(130);
    // Same publishTime for a pair makes the id tie-break matter.
    all.push(award(500, all[40]!.publishTime));
    const { get } = await start([...all].reverse().concat(tender(1, '2021-07-01 08:30:00')));
    const items = await walk(get, 'award', 'pageSize=50');
    const expected = [...all].sort((a, b) =>
      a.publishTime === b.publishTime ? (a.id < b.id ? -1 : 1) : a.publishTime < b.publishTime ? -1 : 1,
    );
    expect(items.map((i) => i['@id'])).toEqual(expected.map((n) => n.id));
    const last = await get(`type=award&pageSize=200&accessKey=${KEY}`);
    expect(last.body.toString()).toContain('<nextPageToken/>');
  });

  it('treats startTime as inclusive Beijing time', async () => {
    const { get } = await start(awards(10));
    const items = await walk(get, 'award', 'startTime=2021-07-01%2008:07:00&pageSize=50');
    expect(items.map((i) => i['@id'])).toEqual(
      awards(10)
        .slice(7)
        .map((n) => n.id),
    );
  });

  it('delivers a notice re-published mid-walk again later in the same walk', async () => {
    const all = awards(12);
    const { sim, get } = await start(all);
    const republished = award(2, '2021-07-02 09:00:00', 2);
    const items = await walk(get, 'award', 'pageSize=5', (page) => {
      if (page === 0) sim.apply({ trading: [republished] });
    });
    const copies = items.filter((i) => i['@id'] === republished.id);
    expect(copies.map((i) => i['@version'])).toEqual(['1', '2']);
    expect(items.at(-1)!['@id']).toBe(republished.id);
    expect(new Set(items.map((i) => i['@id'])).size).toBe(12);
    expect(sim.data.filter((n) => n.id === republished.id)).toEqual([republished]);
  });

  it('writes child elements in field order, amounts with their unit, empty values as empty elements', async () => {
    const t = tender(7, '2021-08-31 11:56:14');
    const { get } = await start([t, award(1, '2021-07-01 08:00:00', 1, '万元')]);
    const tenderXml = (await get(`type=tender&accessKey=${KEY}`)).body.toString('utf8');
    expect(tenderXml).toContain('<budgetAmount unit="万元">1820.36</budgetAmount>');
    expect(tenderXml).toContain('<investmentProjectCode/>');
    const item = itemsOf(parseFeed(tenderXml))[0]!;
    expect(Object.keys(item).filter((k) => !k.startsWith('@'))).toEqual(Object.keys(t.fields));
    expect(item['tenderProjectName']).toBe('包头稀祥诚环保科技年产５００吨绿氢项目');
    const awardXml = (await get(`type=award&accessKey=${KEY}`)).body.toString('utf8');
    expect(awardXml).toContain('<awardAmount unit="万元">7652.0681</awardAmount>');
    expect(awardXml).toContain('<winnerName>北方鹏泰科技有限公司 &amp; &lt;合伙&gt;</winnerName>');
    expect(
      awardXml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed type="award">\n  <status code="0" message="OK"/>',
      ),
    ).toBe(true);
  });

  it('writes a conversion-error notice as plain text content', async () => {
    const broken: TradingNotice = {
      ...award(3, '2021-07-01 08:00:00'),
      brokenText: '数据转换异常:ORA-01722: invalid number|X<1>|…',
    };
    const { get } = await start([broken, award(4, '2021-07-01 09:00:00')]);
    const xml = (await get(`type=award&accessKey=${KEY}`)).body.toString('utf8');
    expect(xml).toContain(
      `<item id="${broken.id}" version="1">数据转换异常:ORA-01722: invalid number|X&lt;1&gt;|…</item>`,
    );
    const items = itemsOf(parseFeed(xml));
    expect(items[0]!['#text']).toBe(broken.brokenText);
    expect(items[1]!['winnerCode']).toBe('911502079W5046181Q');
  });

  it('drops characters XML 1.0 forbids, so a stray control byte cannot break the page', async () => {
    const dirty: TradingNotice = {
      ...award(3, '2021-07-01 08:00:00'),
      brokenText: 'ORA-01722\u0001|\u001f|end',
    };
    const { get } = await start([dirty]);
    const items = itemsOf(parseFeed((await get(`type=award&accessKey=${KEY}`)).body.toString('utf8')));
    expect(items[0]!['#text']).toBe('ORA-01722||end');
  });

  it.each([
    [`type=award&pageSize=50`, 401],
    [`type=award&pageSize=50&accessKey=wrong`, 401],
    [`type=bid&accessKey=${KEY}`, 400],
    [`accessKey=${KEY}`, 400],
    [`type=award&pageSize=201&accessKey=${KEY}`, 400],
    [`type=award&pageSize=0&accessKey=${KEY}`, 400],
    [`type=award&startTime=2021-07-01&accessKey=${KEY}`, 400],
    [`type=award&pageToken=bm9wZQ&accessKey=${KEY}`, 400],
  ] as const)('answers %s with %i and the status element', async (query, code) => {
    const { get } = await start(awards(3));
    const r = await get(query);
    expect(r.status).toBe(code);
    expect(parseFeed(r.body.toString()).status['@code']).toBe(String(code));
  });

  it('refuses a token issued for another type', async () => {
    const { get } = await start([
      ...awards(3),
      tender(1, '2021-07-01 08:00:00'),
      tender(2, '2021-07-01 09:00:00'),
    ]);
    const first = parseFeed((await get(`type=award&pageSize=1&accessKey=${KEY}`)).body.toString());
    const r = await get(`type=tender&pageToken=${first.nextPageToken}&accessKey=${KEY}`);
    expect(r.status).toBe(400);
  });

  it('answers an unknown path with 404 and a wrong method with 405', async () => {
    const { sim, base } = await start(awards(1));
    const notFound = await probe(`${base}/trading/api/v1/other?accessKey=${KEY}`);
    expect([notFound.status, parseFeed(notFound.body.toString()).status['@code']]).toEqual([404, '404']);
    const post = await probe(`${base}${FEED_PATH}?type=award&accessKey=${KEY}`, { method: 'POST' });
    expect([post.status, parseFeed(post.body.toString()).status['@code']]).toEqual([405, '405']);
    expect(sim.faults.seen).toEqual(['/trading/api/v1/other', FEED_PATH]);
  });
});

describe('trading simulator: faults', () => {
  const query = `type=award&pageSize=50&accessKey=${KEY}`;

  async function withFault(rule: FaultRule, o: ProbeOptions = {}) {
    const { sim, get } = await start(awards(20));
    sim.faults.add(rule);
    const faulted = await get(query, o);
    expect((await get(query)).status).toBe(200);
    return faulted;
  }

  it('http429: status 429 with Retry-After', async () => {
    const r = await withFault({ mode: 'http429', retryAfterSec: 5 });
    expect([r.status, r.headers['retry-after'], parseFeed(r.body.toString()).status['@code']]).toEqual([
      429,
      '5',
      '429',
    ]);
  });

  it('http500: an HTML page', async () => {
    const r = await withFault({ mode: 'http500' });
    expect([r.status, r.headers['content-type']]).toEqual([500, 'text/html; charset=utf-8']);
  });

  it.each(['http503', 'envelopeBusy'] as const)('%s: 503, plain text, Retry-After', async (mode) => {
    const r = await withFault({ mode, retryAfterSec: 9 });
    expect([r.status, r.headers['retry-after'], r.headers['content-type']]).toEqual([
      503,
      '9',
      'text/plain; charset=utf-8',
    ]);
  });

  it.each(['authExpired', 'authFail'] as const)('%s: 401 with the status element', async (mode) => {
    const r = await withFault({ mode });
    expect([r.status, parseFeed(r.body.toString()).status['@code']]).toEqual([401, '401']);
  });

  it('reset, slow and stall bend the transport', async () => {
    expect((await withFault({ mode: 'reset' })).outcome).toBe('reset');
    const slow = await withFault({ mode: 'slow', delayMs: 120 });
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(115);
    expect(itemsOf(parseFeed(slow.body.toString()))).toHaveLength(20);
    const stall = await withFault({ mode: 'stall' }, { timeoutMs: 250 });
    expect([stall.outcome, stall.status]).toEqual(['timeout', 200]);
    expect(stall.body.length).toBeLessThan(Number(stall.headers['content-length']));
  });

  it('truncated: a 200 whose XML is cut off', async () => {
    const r = await withFault({ mode: 'truncated' });
    expect([r.outcome, r.status]).toEqual(['complete', 200]);
    expect(XMLValidator.validate(r.body.toString('utf8'))).not.toBe(true);
  });

  it('malformed: one conversion-error item among good ones', async () => {
    const r = await withFault({ mode: 'malformed' });
    const items = itemsOf(parseFeed(r.body.toString()));
    expect(items).toHaveLength(20);
    const broken = items.filter(
      (i) => typeof i['#text'] === 'string' && (i['#text'] as string).startsWith('数据转换异常'),
    );
    expect(broken).toHaveLength(1);
    expect(items.filter((i) => i['winnerCode'] !== undefined)).toHaveLength(19);
  });

  it('tooLarge: a well-formed 200 of sizeBytes', async () => {
    const r = await withFault({ mode: 'tooLarge', sizeBytes: 1_200_000 });
    expect([r.status, r.body.length]).toEqual([200, 1_200_000]);
    expect(itemsOf(parseFeed(r.body.toString('utf8')))).toHaveLength(20);
  });

  it('badEncoding: declares a charset the body is not in', async () => {
    const r = await withFault({ mode: 'badEncoding' });
    expect(r.headers['content-type']).toBe('application/xml; charset=GBK');
  });
});
