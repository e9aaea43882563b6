import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { HubErrors } from '../../src/errors.js';
import {
  capturingLog,
  collect,
  connectionReset,
  connectorContext,
  recordOf,
  refusedBaseUrl,
  useNock,
} from '../../test/helpers/connectors.js';
import { DISBURSEMENTS_PATH } from './client.js';
import benefit from './index.js';
import { normalizeBenefit } from './normalize.js';
import { BenefitSpec, type BenefitConfig } from './spec.js';

const BASE = 'https://benefit.example.gov.cn';
const TOKEN = 'benefit-test-token-9d41';

const fixtureText = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
type Row = Record<string, unknown> & { applicationId: string; updatedAt: string };
const rowsOf = (name: string): Row[] => JSON.parse(fixtureText(name)).rows;
const PAGE1 = rowsOf('disbursements-page-1.json');
const PAGE2 = rowsOf('disbursements-page-revoked.json');
const EDGE: Row[] = JSON.parse(fixtureText('disbursements-edge-cases.json'));

function rowById(id: string): Row {
  const r = [...PAGE1, ...PAGE2, ...EDGE].find((x) => x.applicationId === id);
  if (!r) throw new Error(`no fixture row ${id}`);
  return r;
}

function body(rows: unknown[], total: number, offset = 0, limit = 4) {
  return { status: 'ok', total, offset, limit, rows };
}

function setup(overrides: Partial<Record<keyof BenefitConfig, unknown>> = {}) {
  const { log, lines } = capturingLog('debug');
  const config = BenefitSpec.parse({
    baseUrl: BASE,
    auth: { token: TOKEN },
    retry: { attempts: 4, baseMs: 1, maxMs: 5 },
    pageSize: 4,
    ...overrides,
  });
  return { ctx: connectorContext(benefit, config, log), lines };
}

function listing(query: Record<string, string>) {
  return nock(BASE, { reqheaders: { 'x-access-token': TOKEN } })
    .get(DISBURSEMENTS_PATH)
    .query(query);
}

function normalizeOk(raw: unknown) {
  const rec = recordOf(normalizeBenefit(raw, 'disbursements'));
  if (rec.kind !== 'subsidy') throw new Error(`expected a subsidy, got ${rec.kind}`);
  return rec;
}

useNock();

describe('benefit normalize', () => {
  it('maps a paid disbursement with exact fen amounts and its link keys', () => {
    expect(normalizeOk(rowById('HQ202100000042'))).toEqual({
      system: 'benefit',
      kind: 'subsidy',
      sourceId: 'HQ202100000042',
      version: '2021-05-16T14:49:18+08:00',
      order: Date.UTC(2021, 4, 16, 6, 49, 18),
      state: 'active',
      sourceTime: '2021-05-16T06:49:18Z',
      keys: { name: '包头鑫强新稀土高科环保在线监测设备购置项目', uscc: '91150202MA03F79917' },
      warnings: [],
      data: {
        enterpriseName: '包头鑫强新稀土高科有限公司',
        enterpriseUscc: '91150202MA03F79917',
        policyItemCode: 'ZC1901',
        policyName: '中小企业发展专项资金',
        projectName: '包头鑫强新稀土高科环保在线监测 设备购置项目',
        approvedFen: 569_612_300,
        paidFen: 569_612_300,
        paidDate: '2021-05-14',
        districtCode: '150204',
        applyDate: '2021-02-08',
        status: '已兑付',
      },
    });
  });

  it('keeps a partly paid subsidy active with both amounts exact', () => {
    const r = normalizeOk(rowById('HQ202100000017'));
    expect(r.state).toBe('active');
    expect(r.data).toMatchObject({ approvedFen: 1_145_880_500, paidFen: 813_216_200, status: '部分兑付' });
  });

  it('marks a withdrawn approval revoked', () => {
    const r = normalizeOk(rowById('HQ202200000034'));
    expect(r).toMatchObject({ state: 'revoked', sourceTime: '2022-05-15T06:31:51Z' });
    expect(r.data).toMatchObject({ approvedFen: 84_108_000, paidFen: 32_978_100, status: '已撤销' });
  });

  it('matches project names without the city prefix, spaces or full-width digits', () => {
    expect(normalizeOk(rowById('HQ202200000052')).keys.name).toBe('内蒙古丰宏昌乳业钕铁硼毛坯生产线建设项目');
    expect(normalizeOk(rowById('HQ202200000011')).keys.name).toBe('包头丰强物流绿氢生产线建设项目');
    expect(normalizeOk(rowById('HQ202200000060')).keys.name).toBe(
      '包头嘉德北生物科技2022年度稳岗就业奖补项目',
    );
  });

  it('keeps a USCC whose check character fails, flagged USCC_CHECKSUM', () => {
    const r = normalizeOk(rowById('HQ202200000901'));
    expect(r.keys.uscc).toBe('91150203MA77448857');
    expect(r.warnings).toEqual(['USCC_CHECKSUM']);
  });

  it('keeps a record with a 15-digit registration number, without a uscc key, flagged USCC_INVALID', () => {
    const r = normalizeOk(rowById('HQ202200000902'));
    expect(r.keys).toEqual({ name: '包头嘉德北生物科技2022年度稳岗就业奖补项目' });
    expect(r.warnings).toEqual(['USCC_INVALID']);
    expect(r.data.enterpriseUscc).toBe('150203000012345');
  });

  it('upper-cases and trims a USCC, and leaves an absent one absent', () => {
    const lower = normalizeOk(rowById('HQ202200000903'));
    expect([lower.keys.uscc, lower.data.enterpriseUscc, lower.warnings]).toEqual([
      '91150203MA77448856',
      '91150203MA77448856',
      [],
    ]);
    const absent = normalizeOk(rowById('HQ202200000904'));
    expect([absent.keys.uscc, absent.data.enterpriseUscc, absent.warnings]).toEqual([undefined, null, []]);
  });

  it('accepts JSON-number amounts and converts 6-decimal 万元 exactly', () => {
    expect(normalizeOk(rowById('HQ202200000915')).data).toMatchObject({
      approvedFen: 86_400_000,
      paidFen: 0,
      paidDate: null,
    });
    expect(normalizeOk(rowById('HQ202200000916')).data).toMatchObject({
      approvedFen: 25_256_219_000,
      paidFen: 1,
    });
  });

  it.each([
    ['HQ202200000905', 'approvedAmount "-12.5": negative'],
    ['HQ202200000906', 'paidAmount "abc": not a decimal number'],
    ['HQ202200000907', 'approvedAmount "1e3": exponent notation is not accepted'],
    [
      'HQ202200000908',
      'paidAmount "0.0000001": more than 6 decimals in 万元 cannot be expressed in whole fen',
    ],
    ['HQ202200000910', 'paidDate "2022-02-30": not a calendar date'],
    ['HQ202200000911', 'applyDate "2022-13-01": not a calendar date'],
    ['HQ202200000912', 'updatedAt "2022-08-29 14:09:49": expected ISO 8601 with offset'],
  ])('quarantines %s: %s', (id, reason) => {
    expect(normalizeBenefit(rowById(id), 'disbursements')).toEqual({
      ok: false,
      reason,
      kind: 'subsidy',
      sourceId: id,
    });
  });

  it('quarantines a row with a missing amount, project name or applicationId', () => {
    const noAmount = normalizeBenefit(rowById('HQ202200000909'), 'disbursements');
    expect(noAmount).toMatchObject({ ok: false, sourceId: 'HQ202200000909' });
    expect(!noAmount.ok && noAmount.reason).toMatch(/^approvedAmount: /);
    const noName = normalizeBenefit(rowById('HQ202200000913'), 'disbursements');
    expect(!noName.ok && noName.reason).toMatch(/^projectName: /);
    const noId = normalizeBenefit(
      EDGE.find((r) => r.applicationId === undefined),
      'disbursements',
    );
    expect(noId).toMatchObject({ ok: false, kind: 'subsidy', sourceId: null });
    expect(!noId.ok && noId.reason).toMatch(/^applicationId: /);
  });

  it('normalizes every sample row into a valid record', () => {
    for (const r of [...PAGE1, ...PAGE2]) expect(normalizeOk(r).sourceId).toBe(r.applicationId);
  });
});

describe('benefit protocol', () => {
  it('sends the token as X-Access-Token and re-anchors each page at its last updatedAt', async () => {
    const { ctx } = setup();
    const requests = [
      listing({ offset: '0', limit: '4' }).reply(200, body(PAGE1, 8)),
      listing({ updatedFrom: '2021-08-05T13:36:09+08:00', offset: '0', limit: '4' }).reply(
        200,
        body([PAGE1[3], ...PAGE2.slice(0, 3)], 5),
      ),
      listing({ updatedFrom: '2022-08-16T17:08:45+08:00', offset: '0', limit: '4' }).reply(
        200,
        body(PAGE2.slice(2), 2),
      ),
    ];
    const pages = await collect(benefit.read(ctx, undefined, { full: false }));
    expect(requests.map((r) => r.isDone())).toEqual([true, true, true]);
    expect(pages.map((p) => p.position)).toEqual([
      { updatedFrom: null, offset: 0 },
      { updatedFrom: '2021-08-05T13:36:09+08:00', offset: 0 },
      { updatedFrom: '2022-08-16T17:08:45+08:00', offset: 0 },
    ]);
    expect(pages.map((p) => p.state)).toEqual([
      { updatedFrom: '2021-08-05T13:36:09+08:00' },
      { updatedFrom: '2022-08-16T17:08:45+08:00' },
      { updatedFrom: '2022-08-29T14:09:49+08:00' },
    ]);
    // The boundary row comes again and is passed on for the pipelines to dedupe.
    expect(pages[1]!.records[0]).toEqual(PAGE1[3]);
    expect(pages.map((p) => p.progress)).toEqual([{ total: 8 }, { total: 5 }, { total: 2 }]);
  });

  it('pages by offset when a whole page shares the anchor second, then re-anchors', async () => {
    const { ctx } = setup({ pageSize: 2 });
    const T = '2022-08-29T14:09:49+08:00';
    const T2 = '2022-08-30T09:00:00+08:00';
    const [a, b, c] = ['HQ1', 'HQ2', 'HQ3'].map((id) => ({ ...PAGE2[3], applicationId: id, updatedAt: T }));
    const [d, e] = ['HQ4', 'HQ5'].map((id) => ({ ...PAGE2[3], applicationId: id, updatedAt: T2 }));
    listing({ offset: '0', limit: '2' }).reply(200, body([a, b], 5, 0, 2));
    listing({ updatedFrom: T, offset: '0', limit: '2' }).reply(200, body([a, b], 5, 0, 2));
    listing({ updatedFrom: T, offset: '2', limit: '2' }).reply(200, body([c, d], 5, 2, 2));
    listing({ updatedFrom: T2, offset: '0', limit: '2' }).reply(200, body([d, e], 2, 0, 2));
    const pages = await collect(benefit.read(ctx, undefined, { full: false }));
    expect(nock.pendingMocks()).toEqual([]);
    expect(pages.map((p) => p.position)).toEqual([
      { updatedFrom: null, offset: 0 },
      { updatedFrom: T, offset: 0 },
      { updatedFrom: T, offset: 2 },
      { updatedFrom: T2, offset: 0 },
    ]);
    expect(pages.map((p) => p.state.updatedFrom)).toEqual([T, T, T2, T2]);
  });

  it('holds the cursor at a tied second when one of its rows moved during offset paging', async () => {
    const { ctx } = setup({ pageSize: 2 });
    const T = '2022-08-29T14:09:49+08:00';
    const [a, b, c] = ['HQ1', 'HQ2', 'HQ3'].map((id) => ({ ...PAGE2[3], applicationId: id, updatedAt: T }));
    const d = { ...PAGE2[3], applicationId: 'HQ4', updatedAt: '2022-08-30T09:00:00+08:00' };
    const aModified = { ...a, paidAmount: '49.8034', updatedAt: '2022-09-01T08:00:00+08:00' };
    listing({ updatedFrom: T, offset: '0', limit: '2' }).reply(200, body([a, b], 4, 0, 2));
    // `a` was modified: it left the second T for the end, so `c` moved up to offset 1 and is skipped.
    listing({ updatedFrom: T, offset: '2', limit: '2' }).reply(200, body([d, aModified], 4, 2, 2));
    const pages = await collect(benefit.read(ctx, { updatedFrom: T }, { full: false }));
    expect(nock.pendingMocks()).toEqual([]);
    expect(pages.flatMap((p) => p.records)).not.toContainEqual(c);
    // The next run starts at T again and so reads `c`.
    expect(pages.map((p) => p.state)).toEqual([{ updatedFrom: T }, { updatedFrom: T }]);
  });

  it('starts an incremental run at the saved updatedFrom and ends on an empty result', async () => {
    const { ctx } = setup();
    const q = listing({ updatedFrom: '2022-08-29T14:09:49+08:00', offset: '0', limit: '4' }).reply(
      200,
      body([], 0),
    );
    const pages = await collect(
      benefit.read(ctx, { updatedFrom: '2022-08-29T14:09:49+08:00' }, { full: false }),
    );
    expect(q.isDone()).toBe(true);
    expect(pages).toEqual([]);
  });

  it('a full run ignores the saved state', async () => {
    const { ctx } = setup();
    const q = listing({ offset: '0', limit: '4' }).reply(200, body(PAGE2.slice(0, 1), 1));
    const pages = await collect(
      benefit.read(ctx, { updatedFrom: '2022-08-29T14:09:49+08:00' }, { full: true }),
    );
    expect(q.isDone()).toBe(true);
    expect(pages.map((p) => p.state)).toEqual([{ updatedFrom: '2022-05-15T14:31:51+08:00' }]);
  });

  it('fails with SOURCE_AUTH and no retry on 401', async () => {
    const { ctx } = setup();
    const q = listing({ offset: '0', limit: '4' })
      .once()
      .reply(401, { status: 'error', error: { code: 'UNAUTHORIZED', message: 'token missing or wrong' } });
    const err = await collect(benefit.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_AUTH.is(err)).toBe(true);
    expect((err as Error).message).toContain('UNAUTHORIZED');
    expect(q.isDone()).toBe(true);
  });

  it.each([
    [400, 'BAD_REQUEST'],
    [404, 'NOT_FOUND'],
    [405, 'METHOD_NOT_ALLOWED'],
  ])('rejects without retry on HTTP %s', async (status, code) => {
    const { ctx } = setup();
    listing({ offset: '0', limit: '4' })
      .once()
      .reply(status, { status: 'error', error: { code, message: 'no' } });
    const err = await collect(benefit.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_REJECTED.is(err)).toBe(true);
  });

  it('honours Retry-After on 429 and retries 503, 500 with HTML and a reset connection', async () => {
    const { ctx, lines } = setup({ retry: { attempts: 5, baseMs: 1, maxMs: 5 } });
    const error = (code: string) => ({ status: 'error', error: { code, message: 'wait' } });
    listing({ offset: '0', limit: '4' })
      .reply(429, error('TOO_MANY_REQUESTS'), { 'Retry-After': '1' })
      .get(DISBURSEMENTS_PATH)
      .query(true)
      .reply(503, error('SERVICE_UNAVAILABLE'))
      .get(DISBURSEMENTS_PATH)
      .query(true)
      .reply(500, '<html>Internal Server Error</html>')
      .get(DISBURSEMENTS_PATH)
      .query(true)
      .replyWithError(connectionReset());
    listing({ offset: '0', limit: '4' }).reply(200, body(PAGE2.slice(0, 2), 2));
    const pages = await collect(benefit.read(ctx, undefined, { full: false }));
    expect(pages.map((p) => p.records.length)).toEqual([2]);
    expect(nock.pendingMocks()).toEqual([]);
    const retries = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'source request failed; retrying');
    // Retry-After: 1 s capped at 4 × maxMs; the others back off from baseMs within maxMs.
    expect(retries).toHaveLength(4);
    expect(retries[0].waitMs).toBe(20);
    expect(retries.slice(1).every((r: { waitMs: number }) => r.waitMs <= 5)).toBe(true);
  });

  it.each([
    ['not JSON', '{"status":"ok","rows":['],
    ['an array', '[]'],
    ['without rows', '{"status":"ok","total":3}'],
    ['an error status with 200', '{"status":"error","error":{"code":"X","message":"y"}}'],
  ])('treats a 200 body that is %s as a payload error (retried)', async (_what, text) => {
    const { ctx } = setup({ retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
    listing({ offset: '0', limit: '4' }).times(2).reply(200, text);
    const err = await collect(benefit.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_PAYLOAD.is(err)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('keeps raw rows as received and lets no payload key reach a prototype', async () => {
    const { ctx } = setup();
    const row = JSON.stringify(PAGE2[0]).replace(/}$/, ',"__proto__":{"polluted":"yes"}}');
    listing({ offset: '0', limit: '4' }).reply(200, `{"status":"ok","total":1,"rows":[${row}]}`, {
      'Content-Type': 'application/json',
    });
    const [page] = await collect(benefit.read(ctx, undefined, { full: false }));
    const raw = page!.records[0] as Record<string, unknown>;
    expect(Object.hasOwn(raw, '__proto__')).toBe(true);
    expect(normalizeOk(raw).sourceId).toBe('HQ202200000034');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never writes the token to the log', async () => {
    const { ctx, lines } = setup();
    listing({ offset: '0', limit: '4' })
      .reply(503, { status: 'error', error: { code: 'SERVICE_UNAVAILABLE', message: `bad token ${TOKEN}` } })
      .get(DISBURSEMENTS_PATH)
      .query(true)
      .reply(200, body(PAGE2.slice(0, 1), 1));
    await collect(benefit.read(ctx, undefined, { full: false }));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});

describe('benefit check', () => {
  it('answers ok with the disbursement count', async () => {
    const { ctx } = setup();
    listing({ offset: '0', limit: '1' }).reply(200, body(PAGE1.slice(0, 1), 75, 0, 1));
    expect(await benefit.check(ctx)).toEqual({ ok: true, detail: 'authenticated; 75 disbursements' });
  });

  it('answers failure auth for a wrong token', async () => {
    const { ctx } = setup();
    listing({ offset: '0', limit: '1' }).reply(401, {
      status: 'error',
      error: { code: 'UNAUTHORIZED', message: 'x' },
    });
    expect(await benefit.check(ctx)).toMatchObject({ ok: false, failure: 'auth' });
  });

  it('answers failure connection when the connection is refused', async () => {
    const { ctx } = setup({
      baseUrl: await refusedBaseUrl(),
      retry: { attempts: 2, baseMs: 1, maxMs: 5 },
    });
    const r = await benefit.check(ctx);
    expect(r).toMatchObject({ ok: false, failure: 'connection' });
    expect(!r.ok && r.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('benefit spec', () => {
  it('defaults to the documented limits and rejects page sizes above 200', () => {
    const c = BenefitSpec.parse({ baseUrl: BASE, auth: { token: 't' } });
    expect(c.rateLimit).toEqual({ rps: 20, burst: 40 });
    expect(c.pageSize).toBe(200);
    expect(BenefitSpec.safeParse({ baseUrl: BASE, auth: { token: 't' }, pageSize: 201 }).success).toBe(false);
    expect(BenefitSpec.safeParse({ baseUrl: BASE, auth: {} }).success).toBe(false);
  });
});
