import axios, { type AxiosResponse } from 'axios';
import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { ServerPool } from '../http/probe.js';
import type { BudgetLogEntry, BudgetService } from '../world/types.js';
import { createBudgetSimulator, type BudgetSimulator } from './simulator.js';

const servers = new ServerPool();
afterEach(() => servers.closeAll());

async function start(sim: BudgetSimulator): Promise<string> {
  return (await servers.start(sim.listener)).base;
}

function payment(n: number, bbh = 1, extra: Partial<Record<string, string>> = {}): BudgetLogEntry {
  return {
    service: 'ZF.QUERY',
    fields: {
      ZFPZH: `ZFPZ2023${String(n).padStart(9, '0')}`,
      XMDM: '150203202304000517',
      ZBBH: 'ZB20231502030000123',
      ZFRQ: '2023-07-21',
      JE: `${n}000.00`,
      SKRMC: `中冶华美建设工程有限公司${n}`,
      SKRTYDM: '91150200MA0N2XY41P',
      ZFZT: '已支付',
      BBH: String(bbh),
      XGSJ: '2023-07-22 10:11:12',
      ...extra,
    },
  };
}

function project(n: number): BudgetLogEntry {
  return {
    service: 'XMK.QUERY',
    fields: {
      XMDM: `15020320230400${String(n).padStart(4, '0')}`,
      XMMC: '钢铁大街综合管廊',
      SDJE: '',
      BBH: '1',
    },
  };
}

interface Ask {
  service?: string;
  pageSize?: number | string;
  token?: string;
  syncPoint?: string;
  sysCode?: string;
  secret?: string;
  serialNo?: string;
}

function requestXml(a: Ask, encoding = 'UTF-8'): string {
  const c = SANDBOX_CREDENTIALS.budget;
  return `<?xml version="1.0" encoding="${encoding}"?>
<Request><Head><SysCode>${a.sysCode ?? c.SysCode}</SysCode><Token>${a.secret ?? c.Token}</Token>
<ServiceCode>${a.service ?? 'ZF.QUERY'}</ServiceCode><ReqTime>20241001120000</ReqTime><SerialNo>${a.serialNo ?? 'sn-1'}</SerialNo></Head>
<Body>${a.syncPoint ? `<SyncPoint>${a.syncPoint}</SyncPoint>` : ''}${a.token ? `<ContinuationToken>${a.token}</ContinuationToken>` : ''}<PageSize>${a.pageSize ?? 100}</PageSize></Body></Request>`;
}

async function post(
  base: string,
  body: string | Buffer,
  path = '/budget/gateway',
): Promise<AxiosResponse<Buffer>> {
  return axios.post(`${base}${path}`, body, {
    responseType: 'arraybuffer',
    validateStatus: () => true,
    proxy: false,
    headers: { 'Content-Type': 'text/xml' },
  });
}

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (_n, jpath) => jpath === 'Response.Body.Records.Record',
});

interface Parsed {
  retCode: string;
  retMsg: string;
  serialNo: string;
  hasMore?: string;
  token?: string;
  syncPoint?: string;
  recordCount?: string;
  records: Array<Record<string, string>>;
}

function parse(bytes: Buffer): Parsed {
  const doc = parser.parse(iconv.decode(bytes, 'gbk')) as {
    Response: { Head: Record<string, string>; Body: Record<string, unknown> | '' };
  };
  const body = doc.Response.Body === '' ? {} : doc.Response.Body;
  const recs = body['Records'];
  return {
    retCode: doc.Response.Head['RetCode']!,
    retMsg: doc.Response.Head['RetMsg']!,
    serialNo: doc.Response.Head['SerialNo']!,
    hasMore: body['HasMore'] as string | undefined,
    token: body['ContinuationToken'] as string | undefined,
    syncPoint: body['SyncPoint'] as string | undefined,
    recordCount: body['RecordCount'] as string | undefined,
    records:
      recs && typeof recs === 'object' ? (recs as { Record: Array<Record<string, string>> }).Record : [],
  };
}

async function ask(base: string, a: Ask): Promise<Parsed> {
  const res = await post(base, requestXml(a));
  expect(res.status).toBe(200);
  return parse(res.data);
}

/** Runs one pass to its end; returns every record and the final sync point. */
async function pass(base: string, a: Ask, between?: () => void) {
  const records: Array<Record<string, string>> = [];
  let page = await ask(base, a);
  between?.();
  for (;;) {
    expect(page.retCode).toBe('0000');
    expect(page.recordCount).toBe(String(page.records.length));
    records.push(...page.records);
    if (page.hasMore === '0') break;
    expect(page.syncPoint).toBeUndefined();
    page = await ask(base, { ...a, token: page.token!, syncPoint: undefined });
  }
  expect(page.token).toBeUndefined();
  return { records, syncPoint: page.syncPoint! };
}

const log = (): BudgetLogEntry[] => [
  payment(1),
  project(1),
  payment(2),
  payment(3),
  project(2),
  payment(4),
  payment(5),
];
const ofService = (entries: BudgetLogEntry[], s: BudgetService) =>
  entries.filter((e) => e.service === s).map((e) => e.fields);

describe('budget gateway passes', () => {
  it('returns every log entry of the service once, in order, across pages, then a SyncPoint', async () => {
    const data = [...log(), payment(2, 2)];
    const base = await start(createBudgetSimulator({ data }));
    const { records, syncPoint } = await pass(base, { pageSize: 2 });
    expect(records).toEqual(ofService(data, 'ZF.QUERY'));
    expect(syncPoint).toMatch(/^[A-Za-z0-9_-]+$/);
    const projects = await pass(base, { service: 'XMK.QUERY', pageSize: 500 });
    expect(projects.records).toEqual(ofService(data, 'XMK.QUERY'));
  });

  it('continues from a SyncPoint with exactly the entries applied since', async () => {
    const sim = createBudgetSimulator({ data: log() });
    const base = await start(sim);
    const first = await pass(base, { pageSize: 3 });
    const idle = await pass(base, { syncPoint: first.syncPoint });
    expect(idle.records).toEqual([]);

    const wave = [payment(6), project(3), payment(2, 2)];
    sim.apply({ budget: wave });
    const next = await pass(base, { syncPoint: first.syncPoint, pageSize: 1 });
    expect(next.records).toEqual(ofService(wave, 'ZF.QUERY'));
    expect(sim.data).toHaveLength(log().length + wave.length);
  });

  it('fixes the end of a pass at its first page', async () => {
    const sim = createBudgetSimulator({ data: log() });
    const base = await start(sim);
    const late = [payment(7), payment(8)];
    const running = await pass(base, { pageSize: 2 }, () => sim.apply({ budget: late }));
    expect(running.records).toEqual(ofService(log(), 'ZF.QUERY'));
    const after = await pass(base, { syncPoint: running.syncPoint });
    expect(after.records).toEqual(late.map((e) => e.fields));
  });

  it('lets a pass be resumed by re-sending a token', async () => {
    const base = await start(createBudgetSimulator({ data: log() }));
    const first = await ask(base, { pageSize: 2 });
    const again = await ask(base, { pageSize: 2, token: first.token! });
    const repeat = await ask(base, { pageSize: 2, token: first.token! });
    expect(repeat.records).toEqual(again.records);
    expect(again.records[0]!['ZFPZH']).toBe(ofService(log(), 'ZF.QUERY')[2]!['ZFPZH']);
  });

  it('binds tokens and sync points to their ServiceCode and rejects garbled ones', async () => {
    const base = await start(createBudgetSimulator({ data: log() }));
    const page = await ask(base, { pageSize: 1 });
    const { syncPoint } = await pass(base, {});
    expect((await ask(base, { service: 'XMK.QUERY', token: page.token! })).retCode).toBe('2002');
    expect((await ask(base, { service: 'XMK.QUERY', syncPoint })).retCode).toBe('2003');
    expect((await ask(base, { token: 'not-a-token' })).retCode).toBe('2002');
    expect((await ask(base, { token: syncPoint })).retCode).toBe('2002');
    expect((await ask(base, { syncPoint: page.token! })).retCode).toBe('2003');
    expect((await ask(base, { syncPoint: '!!!' })).retCode).toBe('2003');
    const beyond = Buffer.from(JSON.stringify({ k: 'ZF.QUERY', s: 99 })).toString('base64url');
    expect((await ask(base, { syncPoint: beyond })).retCode).toBe('2003');
  });
});

describe('budget gateway wire format', () => {
  it('answers in GBK bytes with empty elements and escaped text', async () => {
    const odd = payment(9, 1, { SKRMC: '包头<宏盛>&稀土', ZFRQ: '' });
    const base = await start(createBudgetSimulator({ data: [odd] }));
    const res = await post(base, requestXml({}));
    expect(res.headers['content-type']).toBe('text/xml; charset=GBK');
    const bytes = Buffer.from(res.data);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const text = iconv.decode(bytes, 'gbk');
    expect(text.startsWith('<?xml version="1.0" encoding="GBK"?>')).toBe(true);
    expect(text).toContain('<RetMsg>成功</RetMsg>');
    expect(text).toContain('<ZFRQ/>');
    expect(text).toContain('<SKRMC>包头&lt;宏盛&gt;&amp;稀土</SKRMC>');
    expect(Object.keys(parse(bytes).records[0]!)).toEqual(Object.keys(odd.fields));
  });

  it('accepts a request declared and encoded as GBK', async () => {
    const base = await start(createBudgetSimulator({ data: log() }));
    const res = await post(base, iconv.encode(requestXml({ serialNo: '序号-一' }, 'GBK'), 'gbk'));
    const page = parse(res.data);
    expect(page.retCode).toBe('0000');
    expect(page.serialNo).toBe('序号-一');
  });

  it('reports authentication and parameter errors by RetCode', async () => {
    const base = await start(createBudgetSimulator({ data: log() }));
    expect((await ask(base, { secret: 'wrong' })).retCode).toBe('1001');
    expect((await ask(base, { sysCode: 'OTHER' })).retCode).toBe('1001');
    expect((await ask(base, { service: 'XX.QUERY' })).retCode).toBe('2001');
    const zero = await ask(base, { pageSize: 0 });
    expect([zero.retCode, zero.retMsg, zero.records]).toEqual(['2001', '请求参数错误：PageSize', []]);
    expect((await ask(base, { pageSize: 501 })).retCode).toBe('2001');
    expect((await ask(base, { pageSize: 'ten' })).retCode).toBe('2001');
    expect((await ask(base, { pageSize: 500 })).retCode).toBe('0000');
    const broken = await post(base, '<Request><Head>');
    expect(parse(broken.data).retCode).toBe('2001');
    const latin = await post(base, requestXml({}, 'ISO-8859-5'));
    expect(parse(latin.data).retCode).toBe('2001');
  });

  it('answers a wrong path with 404 and a wrong method with 405, RetCode 2001', async () => {
    const base = await start(createBudgetSimulator({ data: log() }));
    const missing = await post(base, requestXml({}), '/budget/other');
    expect(missing.status).toBe(404);
    expect(parse(missing.data).retCode).toBe('2001');
    const get = await axios.get(`${base}/budget/gateway`, {
      responseType: 'arraybuffer',
      validateStatus: () => true,
      proxy: false,
    });
    expect(get.status).toBe(405);
    expect(parse(get.data).retCode).toBe('2001');
  });

  it('serves a 500-record page of a large log quickly', async () => {
    const data = Array.from({ length: 100_000 }, (_, i) => payment(i));
    const base = await start(createBudgetSimulator({ data }));
    const started = performance.now();
    const page = await ask(base, { pageSize: 500 });
    const second = await ask(base, { pageSize: 500, token: page.token! });
    expect(second.records[0]!['ZFPZH']).toBe(data[500]!.fields['ZFPZH']);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('budget gateway faults', () => {
  it('maps protocol faults to RetCodes and statuses', async () => {
    const sim = createBudgetSimulator({ data: log() });
    const base = await start(sim);
    sim.faults.add(
      { mode: 'http429', retryAfterSec: 7 },
      { mode: 'envelopeBusy' },
      { mode: 'authFail' },
      { mode: 'authExpired' },
    );
    const limited = await post(base, requestXml({}));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(parse(limited.data).retCode).toBe('3001');
    expect((await ask(base, {})).retCode).toBe('9001');
    expect((await ask(base, {})).retCode).toBe('1001');
    expect((await ask(base, {})).retCode).toBe('1001');
    expect((await ask(base, {})).retCode).toBe('0000');
  });

  it('corrupts exactly one record of a malformed page', async () => {
    const sim = createBudgetSimulator({ data: log() });
    const base = await start(sim);
    sim.faults.add({ mode: 'malformed' });
    const page = await ask(base, {});
    const expected = ofService(log(), 'ZF.QUERY');
    const differing = page.records.filter((r, i) => JSON.stringify(r) !== JSON.stringify(expected[i]));
    expect(differing).toHaveLength(1);
    expect(differing[0]!['ZFRQ']).toBe('2023-02-30');
    expect(sim.data.filter((e) => e.fields['ZFRQ'] === '2023-02-30')).toEqual([]);
  });

  it('sends UTF-8 bytes under a GBK label on badEncoding', async () => {
    const sim = createBudgetSimulator({ data: log() });
    const base = await start(sim);
    sim.faults.add({ mode: 'badEncoding' });
    const res = await post(base, requestXml({}));
    expect(res.headers['content-type']).toBe('text/xml; charset=GBK');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(res.data));
    expect(text).toContain('encoding="GBK"');
    expect(text).toContain('中冶华美');
  });

  it('cuts a truncated body in half and drops the connection on reset', async () => {
    const sim = createBudgetSimulator({ data: log() });
    const base = await start(sim);
    const whole = (await post(base, requestXml({}))).data.length;
    sim.faults.add({ mode: 'truncated' }, { mode: 'reset' });
    const cut = await post(base, requestXml({}));
    expect(cut.status).toBe(200);
    expect(cut.data.length).toBe(Math.floor(whole / 2));
    expect(iconv.decode(cut.data, 'gbk')).not.toContain('</Response>');
    await expect(post(base, requestXml({}))).rejects.toMatchObject({
      message: expect.stringMatching(/socket hang up|ECONNRESET/),
    });
  });

  it('keeps two instances independent', async () => {
    const a = createBudgetSimulator({ data: log() });
    const b = createBudgetSimulator({ data: log() });
    a.apply({ budget: [payment(10)] });
    a.faults.add({ mode: 'envelopeBusy' });
    expect(b.data).toHaveLength(log().length);
    expect((await ask(await start(b), {})).retCode).toBe('0000');
  });
});
