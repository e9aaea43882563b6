import axios, { type AxiosRequestConfig } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { ServerPool } from '../http/probe.js';
import type { OaDocument } from '../world/types.js';
import { createOaSimulator, type OaSimulator } from './simulator.js';

const servers = new ServerPool();
afterEach(() => servers.closeAll());

async function start(sim: OaSimulator): Promise<string> {
  return (await servers.start(sim.listener)).base;
}

function doc(id: number, updateTime: string, version = 1): OaDocument {
  return {
    docId: `GW2023${String(id).padStart(8, '0')}`,
    docNo: `包发改审批〔2023〕${id}号`,
    docType: '可研批复',
    title: `关于钢铁大街综合管廊建设项目${id}可行性研究报告的批复`,
    issuingUnit: '包头市发展和改革委员会',
    signDate: '2023-02-03',
    projectCode: id % 2 ? '2023-150203-48-01-000123' : null,
    permitNo: null,
    attachments: [],
    status: '已签发',
    createTime: '2023-02-03 10:15:00',
    updateTime,
    version,
  };
}

const docs = (): OaDocument[] => [
  doc(4, '2023-02-05 16:40:12'),
  doc(2, '2023-02-01 08:00:00'),
  doc(3, '2023-02-05 16:40:12'),
  doc(1, '2023-02-09 00:00:00'),
  doc(5, '2023-02-05 16:40:11'),
];

const cfg: AxiosRequestConfig = { validateStatus: () => true, proxy: false };
type Envelope<T = unknown> = { code: number; msg: string; data: T };
interface Listing {
  total: number;
  pageNo: number;
  pageSize: number;
  pages: number;
  list: OaDocument[];
}

async function token(base: string): Promise<string> {
  const { client_id, client_secret } = SANDBOX_CREDENTIALS.oa;
  const res = await axios.post<Envelope<{ access_token: string }>>(
    `${base}/oa/oauth2/token`,
    new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }).toString(),
    { ...cfg, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
  );
  return res.data.data.access_token;
}

async function list(
  base: string,
  tok: string,
  query: Record<string, string>,
  extra: AxiosRequestConfig = {},
) {
  return axios.get<Envelope<Listing>>(`${base}/oa/api/v1/documents`, {
    ...cfg,
    params: query,
    headers: { Authorization: `Bearer ${tok}` },
    ...extra,
  });
}

const ids = (l: OaDocument[]) => l.map((d) => d.docId);

describe('oa token endpoint', () => {
  it('grants tokens for form, JSON and Basic requests', async () => {
    const base = await start(createOaSimulator({ data: docs() }));
    const { client_id, client_secret } = SANDBOX_CREDENTIALS.oa;
    const form = await token(base);
    const json = await axios.post<Envelope<Record<string, unknown>>>(
      `${base}/oa/oauth2/token`,
      { grant_type: 'client_credentials', client_id, client_secret },
      cfg,
    );
    const basic = await axios.post<Envelope<Record<string, unknown>>>(
      `${base}/oa/oauth2/token`,
      'grant_type=client_credentials',
      { ...cfg, auth: { username: client_id, password: client_secret } },
    );
    for (const res of [json, basic]) {
      expect(res.data.code).toBe(0);
      expect(res.data.data).toMatchObject({ token_type: 'Bearer', expires_in: 7200 });
    }
    const tokens = [form, json.data.data['access_token'], basic.data.data['access_token']];
    expect(new Set(tokens).size).toBe(3);
    for (const t of tokens) expect((await list(base, t as string, {})).data.code).toBe(0);
  });

  it('rejects a wrong client with 40013 and a wrong grant with 40002', async () => {
    const base = await start(createOaSimulator({ data: docs() }));
    const wrong = await axios.post<Envelope>(
      `${base}/oa/oauth2/token`,
      { grant_type: 'client_credentials', client_id: 'bt-ledger-hub', client_secret: 'nope' },
      cfg,
    );
    expect(wrong.status).toBe(200);
    expect(wrong.data.code).toBe(40013);
    const grant = await axios.post<Envelope>(`${base}/oa/oauth2/token`, { grant_type: 'password' }, cfg);
    expect(grant.data.code).toBe(40002);
  });

  it('expires tokens after expires_in', async () => {
    let clock = Date.UTC(2024, 0, 1);
    const base = await start(createOaSimulator({ data: docs(), now: () => clock }));
    const tok = await token(base);
    clock += 7199_000;
    expect((await list(base, tok, {})).data.code).toBe(0);
    clock += 1000;
    expect((await list(base, tok, {})).data.code).toBe(40001);
  });
});

describe('oa document listing', () => {
  it('orders by updateTime then docId and pages with totals', async () => {
    const base = await start(createOaSimulator({ data: docs() }));
    const tok = await token(base);
    const first = (await list(base, tok, { pageNo: '1', pageSize: '2' })).data;
    const rest = (await list(base, tok, { pageNo: '2', pageSize: '2' })).data;
    const last = (await list(base, tok, { pageNo: '3', pageSize: '2' })).data;
    const past = (await list(base, tok, { pageNo: '9', pageSize: '2' })).data;
    expect(first).toMatchObject({
      code: 0,
      msg: 'success',
      data: { total: 5, pageNo: 1, pageSize: 2, pages: 3 },
    });
    const expected = [...docs()]
      .sort((a, b) => a.updateTime.localeCompare(b.updateTime) || a.docId.localeCompare(b.docId))
      .map((d) => d.docId);
    expect([...ids(first.data.list), ...ids(rest.data.list), ...ids(last.data.list)]).toEqual(expected);
    expect(past.data).toMatchObject({ total: 5, list: [] });
  });

  it('treats updateTimeFrom as an inclusive bound and accepts access_token in the query', async () => {
    const base = await start(createOaSimulator({ data: docs() }));
    const tok = await token(base);
    const res = await axios.get<Envelope<Listing>>(`${base}/oa/api/v1/documents`, {
      ...cfg,
      params: { updateTimeFrom: '2023-02-05 16:40:12', access_token: tok },
    });
    expect(ids(res.data.data.list)).toEqual([doc(3, '').docId, doc(4, '').docId, doc(1, '').docId]);
    expect(res.data.data.total).toBe(3);
    const none = (await list(base, tok, { updateTimeFrom: '2023-02-09 00:00:01' })).data.data;
    expect(none).toMatchObject({ total: 0, pages: 0, list: [] });
  });

  it('moves an edited document to the end between pages', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    const page1 = (await list(base, tok, { pageSize: '2' })).data.data.list;
    const edited = { ...page1[0]!, updateTime: '2023-03-01 00:00:00', version: 2, status: '已作废' };
    sim.apply({ oa: [edited] });
    const page2 = (await list(base, tok, { pageSize: '2', pageNo: '2' })).data.data.list;
    const page3 = (await list(base, tok, { pageSize: '2', pageNo: '3' })).data.data.list;
    expect(page3).toEqual([edited]);
    expect(ids(page2)).not.toContain(edited.docId);
    expect(sim.data).toHaveLength(5);
    const single = await axios.get<Envelope<OaDocument>>(`${base}/oa/api/v1/documents/${edited.docId}`, {
      ...cfg,
      headers: { Authorization: `Bearer ${tok}` },
    });
    expect(single.data.data).toEqual(edited);
  });

  it('rejects bad parameters, missing tokens, unknown documents, paths and methods', async () => {
    const base = await start(createOaSimulator({ data: docs() }));
    const tok = await token(base);
    for (const q of <Array<Record<string, string>>>[
      { pageSize: '0' },
      { pageSize: '101' },
      { pageNo: '0' },
      { pageNo: 'x' },
      { updateTimeFrom: '2024-05-01' },
      { updateTimeFrom: '2024-13-01 00:00:00' },
    ]) {
      const res = await list(base, tok, q);
      expect([res.status, res.data.code]).toEqual([200, 40002]);
    }
    expect((await list(base, tok, { pageSize: '100' })).data.code).toBe(0);
    expect((await list(base, tok, { updateTimeFrom: '' })).data.data.total).toBe(5);
    expect((await list(base, 'bogus', {})).data.code).toBe(40001);
    const auth = { ...cfg, headers: { Authorization: `Bearer ${tok}` } };
    const unknown = await axios.get<Envelope>(`${base}/oa/api/v1/documents/GW000`, auth);
    expect([unknown.status, unknown.data.code, unknown.data.data]).toEqual([200, 40404, null]);
    const path = await axios.get<Envelope>(`${base}/oa/api/v2/things`, auth);
    expect([path.status, path.data.code]).toEqual([404, 40400]);
    const method = await axios.post<Envelope>(`${base}/oa/api/v1/documents`, {}, auth);
    expect([method.status, method.data.code]).toEqual([405, 40005]);
    const tokenGet = await axios.get<Envelope>(`${base}/oa/oauth2/token`, cfg);
    expect([tokenGet.status, tokenGet.data.code]).toEqual([405, 40005]);
  });
});

describe('oa faults', () => {
  it('invalidates every current token on authExpired', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const a = await token(base);
    const b = await token(base);
    sim.faults.add({ mode: 'authExpired', pathPrefix: '/oa/api/' });
    const expired = await list(base, a, {});
    expect([expired.status, expired.data.code]).toEqual([200, 40001]);
    expect((await list(base, b, {})).data.code).toBe(40001);
    expect((await list(base, await token(base), {})).data.code).toBe(0);
  });

  it('answers protocol faults with the OA codes', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    sim.faults.add(
      { mode: 'http429', retryAfterSec: 3 },
      { mode: 'envelopeBusy' },
      { mode: 'authFail', pathPrefix: '/oa/oauth2' },
    );
    const limited = await list(base, tok, {});
    expect([limited.status, limited.data.code, limited.headers['retry-after']]).toEqual([429, 45009, '3']);
    expect((await list(base, tok, {})).data.code).toBe(50001);
    const { client_id, client_secret } = SANDBOX_CREDENTIALS.oa;
    const refused = await axios.post<Envelope>(
      `${base}/oa/oauth2/token`,
      { grant_type: 'client_credentials', client_id, client_secret },
      cfg,
    );
    expect(refused.data.code).toBe(40013);
  });

  it('corrupts one signDate on malformed and mislabels the charset on badEncoding', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    const clean = (await list(base, tok, {})).data.data.list;
    sim.faults.add({ mode: 'malformed' }, { mode: 'badEncoding' });
    const dirty = (await list(base, tok, {})).data.data.list;
    const changed = dirty.filter((d, i) => JSON.stringify(d) !== JSON.stringify(clean[i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]!.signDate).toBe('2023-13-45');
    const mislabelled = await list(base, tok, {}, { responseType: 'arraybuffer' });
    expect(mislabelled.headers['content-type']).toBe('application/json; charset=GBK');
    const decoded = JSON.parse(
      Buffer.from(mislabelled.data as unknown as ArrayBuffer).toString('utf8'),
    ) as Envelope<Listing>;
    expect(decoded.data.list).toEqual(clean);
  });

  it('serves 500 and 503 as HTML pages from the gateway', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    sim.faults.add({ mode: 'http500' }, { mode: 'http503', retryAfterSec: 5 });
    const crashed = await list(base, tok, {}, { responseType: 'text' });
    expect(crashed.status).toBe(500);
    expect(crashed.headers['content-type']).toBe('text/html');
    expect(String(crashed.data)).toContain('<h1>500 Internal Server Error</h1>');
    const down = await list(base, tok, {}, { responseType: 'text' });
    expect([down.status, down.headers['retry-after']]).toEqual([503, '5']);
  });

  it('stalls mid-body until the client times out', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    sim.faults.add({ mode: 'stall' });
    const started = performance.now();
    const failure = await list(base, tok, {}, { timeout: 300 }).catch((e: { code?: string }) => e);
    // Headers arrive, so axios reports its timeout as an aborted body stream.
    expect(['ECONNABORTED', 'ERR_BAD_RESPONSE']).toContain((failure as { code?: string }).code);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((await list(base, tok, {})).data.code).toBe(0);
  });

  it('delays a slow answer and then answers correctly', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    sim.faults.add({ mode: 'slow', delayMs: 200 });
    const started = performance.now();
    const res = await list(base, tok, {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.data.data.total).toBe(5);
  });

  it('streams a tooLarge answer of exactly sizeBytes that a bounded client refuses', async () => {
    const sim = createOaSimulator({ data: docs() });
    const base = await start(sim);
    const tok = await token(base);
    sim.faults.add({ mode: 'tooLarge', sizeBytes: 300_000 }, { mode: 'tooLarge' });
    const whole = await list(base, tok, {}, { responseType: 'arraybuffer' });
    expect([whole.status, (whole.data as unknown as ArrayBuffer).byteLength]).toEqual([200, 300_000]);
    await expect(list(base, tok, {}, { maxContentLength: 1 << 20 })).rejects.toThrow(/maxContentLength/);
    expect((await list(base, tok, {})).data.code).toBe(0);
  });
});
