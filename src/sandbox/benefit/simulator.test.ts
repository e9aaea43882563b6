import axios, { type AxiosRequestConfig } from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { ServerPool } from '../http/probe.js';
import type { Disbursement } from '../world/types.js';
import { createBenefitSimulator, type BenefitSimulator } from './simulator.js';

const servers = new ServerPool();
afterEach(() => servers.closeAll());

async function start(sim: BenefitSimulator): Promise<string> {
  return (await servers.start(sim.listener)).base;
}

function row(n: number, updatedAt: string, extra: Partial<Disbursement> = {}): Disbursement {
  return {
    applicationId: `HQ2023${String(n).padStart(8, '0')}`,
    enterpriseName: '包头华美稀土高科有限公司',
    enterpriseUscc: '91150203MA0N1B2C3Q',
    policyItemCode: 'ZC0101',
    policyName: '稀土新材料产业发展专项资金',
    projectName: `包头华美稀土高科年产${n}吨稀土永磁材料项目`,
    approvedAmount: '1250.5',
    paidAmount: '0',
    paidDate: null,
    districtCode: '150203',
    state: '待兑付',
    applyDate: '2023-07-02',
    updatedAt,
    ...extra,
  };
}

const rows = (): Disbursement[] => [
  row(3, '2023-09-15T10:02:11+08:00'),
  row(1, '2023-09-15T10:02:11+08:00'),
  row(2, '2023-09-14T08:00:00+08:00'),
  row(5, '2023-10-01T00:00:00+08:00'),
  row(4, '2023-09-15T10:02:10+08:00'),
];

interface Page {
  status: string;
  total: number;
  offset: number;
  limit: number;
  rows: Disbursement[];
}
interface Failure {
  status: string;
  error: { code: string; message: string };
}

const cfg: AxiosRequestConfig = { validateStatus: () => true, proxy: false };

async function get<T = Page>(
  base: string,
  query: Record<string, string> | string,
  extra: AxiosRequestConfig = {},
) {
  const qs = typeof query === 'string' ? query : new URLSearchParams(query).toString();
  return axios.get<T>(`${base}/benefit/api/open/v1/disbursements?${qs}`, {
    ...cfg,
    headers: { 'X-Access-Token': SANDBOX_CREDENTIALS.benefit.token },
    ...extra,
  });
}

const ids = (r: Disbursement[]) => r.map((d) => d.applicationId);
const sorted = (r: Disbursement[]) =>
  [...r].sort(
    (a, b) =>
      Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.applicationId.localeCompare(b.applicationId),
  );

describe('benefit disbursement listing', () => {
  it('orders by updatedAt then applicationId and pages by offset and limit', async () => {
    const base = await start(createBenefitSimulator({ data: rows() }));
    const first = (await get(base, { limit: '2' })).data;
    const second = (await get(base, { offset: '2', limit: '2' })).data;
    const third = (await get(base, { offset: '4', limit: '2' })).data;
    const past = (await get(base, { offset: '9' })).data;
    expect(first).toMatchObject({ status: 'ok', total: 5, offset: 0, limit: 2 });
    expect([...ids(first.rows), ...ids(second.rows), ...ids(third.rows)]).toEqual(ids(sorted(rows())));
    expect(past).toMatchObject({ total: 5, offset: 9, limit: 50, rows: [] });
    expect(third.rows[0]).toEqual(rows()[3]);
  });

  it('filters inclusively on updatedFrom in all three spellings', async () => {
    const base = await start(createBenefitSimulator({ data: rows() }));
    const spellings = [
      '2023-09-15T10:02:11+08:00',
      '2023-09-15T02:02:11Z',
      '2023-09-15 10:02:11',
      '2023-09-15T02:02:11.900Z',
    ];
    const expected = ids(
      sorted(rows()).filter((r) => Date.parse(r.updatedAt) >= Date.parse('2023-09-15T02:02:11Z')),
    );
    expect(expected).toHaveLength(3);
    for (const updatedFrom of spellings) {
      const page = (await get(base, { updatedFrom })).data;
      expect(ids(page.rows)).toEqual(expected);
      expect(page.total).toBe(3);
    }
  });

  it('moves a changed record to the end and appends new ones after apply', async () => {
    const sim = createBenefitSimulator({ data: rows() });
    const base = await start(sim);
    const changed = {
      ...rows()[2]!,
      state: '已兑付',
      paidAmount: '1250.5',
      updatedAt: '2023-11-01T09:00:00+08:00',
    };
    const added = row(6, '2023-10-15T00:00:00+08:00');
    sim.apply({ benefit: [changed, added] });
    const page = (await get(base, {})).data;
    expect(page.total).toBe(6);
    expect(page.rows.slice(-2)).toEqual([added, changed]);
    expect(sim.data).toHaveLength(6);
  });

  it('reports errors with their HTTP status and code', async () => {
    const base = await start(createBenefitSimulator({ data: rows() }));
    const cases: Array<[Record<string, string> | string, string]> = [
      [{ limit: '0' }, 'BAD_REQUEST'],
      [{ limit: '201' }, 'BAD_REQUEST'],
      [{ offset: '-1' }, 'BAD_REQUEST'],
      [{ updatedFrom: 'yesterday' }, 'BAD_REQUEST'],
      [{ updatedFrom: '2023-02-30 00:00:00' }, 'BAD_REQUEST'],
      ['updatedFrom=2024-05-01T00:00:00+08:00', 'BAD_REQUEST'],
    ];
    for (const [query, code] of cases) {
      const res = await get<Failure>(base, query);
      expect([res.status, res.data]).toMatchObject([400, { status: 'error', error: { code } }]);
    }
    expect((await get(base, { limit: '200' })).status).toBe(200);
    const anonymous = await get<Failure>(base, {}, { headers: {} });
    expect([anonymous.status, anonymous.data.error.code]).toEqual([401, 'UNAUTHORIZED']);
    const wrong = await get<Failure>(base, {}, { headers: { 'X-Access-Token': 'stale' } });
    expect(wrong.status).toBe(401);
    const missing = await axios.get<Failure>(`${base}/benefit/api/open/v2/other`, cfg);
    expect([missing.status, missing.data.error.code]).toEqual([404, 'NOT_FOUND']);
    const post = await axios.post<Failure>(`${base}/benefit/api/open/v1/disbursements`, {}, cfg);
    expect([post.status, post.data.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('re-sorts a large data set after apply and serves a page quickly', async () => {
    const base0 = Date.parse('2023-01-01T00:00:00+08:00');
    const data = Array.from({ length: 100_000 }, (_, i) =>
      row(i, new Date(base0 + i * 1000).toISOString().replace('.000Z', 'Z')),
    );
    const sim = createBenefitSimulator({ data });
    const base = await start(sim);
    const edited = { ...data[10]!, updatedAt: '2024-01-01T00:00:00+08:00' };
    sim.apply({ benefit: [edited] });
    const started = performance.now();
    const page = (await get(base, { updatedFrom: new Date(base0 + 99_900_000).toISOString(), limit: '200' }))
      .data;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(page.total).toBe(101);
    expect(page.rows.at(-1)).toEqual(edited);
  });
});

describe('benefit faults', () => {
  it('maps protocol faults to the platform errors', async () => {
    const sim = createBenefitSimulator({ data: rows() });
    const base = await start(sim);
    sim.faults.add(
      { mode: 'http429', retryAfterSec: 2 },
      { mode: 'envelopeBusy', retryAfterSec: 30 },
      { mode: 'authExpired' },
      { mode: 'authFail' },
    );
    const limited = await get<Failure>(base, {});
    expect([limited.status, limited.headers['retry-after'], limited.data.error.code]).toEqual([
      429,
      '2',
      'TOO_MANY_REQUESTS',
    ]);
    const busy = await get<Failure>(base, {});
    expect([busy.status, busy.headers['retry-after'], busy.data.error.code]).toEqual([
      503,
      '30',
      'SERVICE_UNAVAILABLE',
    ]);
    expect((await get<Failure>(base, {})).status).toBe(401);
    expect((await get<Failure>(base, {})).status).toBe(401);
    expect((await get(base, {})).data.total).toBe(5);
  });

  it('corrupts one approvedAmount on malformed, leaving the other rows intact', async () => {
    const sim = createBenefitSimulator({ data: rows() });
    const base = await start(sim);
    sim.faults.add({ mode: 'malformed', pathPrefix: '/benefit/api/open/v1/' });
    const page = (await get(base, {})).data;
    const clean = sorted(rows());
    const changed = page.rows.filter((r, i) => JSON.stringify(r) !== JSON.stringify(clean[i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]!.approvedAmount).toBe('abc');
    expect(sim.data.every((r) => r.approvedAmount === '1250.5')).toBe(true);
  });

  it('truncates, mislabels and resets on demand', async () => {
    const sim = createBenefitSimulator({ data: rows() });
    const base = await start(sim);
    const whole = (await get(base, {}, { responseType: 'text' })).data as unknown as string;
    sim.faults.add({ mode: 'truncated' }, { mode: 'badEncoding' }, { mode: 'reset' }, { mode: 'http500' });
    const cut = await get(base, {}, { responseType: 'text', transitional: { silentJSONParsing: true } });
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.data as unknown as string)).toThrow();
    expect(Buffer.byteLength(cut.data as unknown as string)).toBeLessThan(Buffer.byteLength(whole));
    const mislabelled = await get(base, {}, { responseType: 'arraybuffer' });
    expect(mislabelled.headers['content-type']).toBe('application/json; charset=GBK');
    expect(Buffer.from(mislabelled.data as unknown as ArrayBuffer).toString('utf8')).toBe(whole);
    await expect(get(base, {})).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET/) });
    const crashed = await get(base, {}, { responseType: 'text' });
    expect([crashed.status, crashed.headers['content-type']]).toEqual([500, 'text/html']);
  });
});
