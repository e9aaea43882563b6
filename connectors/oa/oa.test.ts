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
import { DOCUMENTS_PATH } from './client.js';
import oa from './index.js';
import { normalizeOa } from './normalize.js';
import { OaSpec, type OaConfig } from './spec.js';
import { TOKEN_PATH } from './token.js';

const BASE = 'https://oa.example.gov.cn';
const CLIENT_ID = 'bt-ledger-hub';
const SECRET = 'oa-test-secret-5e7a';

const fixtureText = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(name));
type Doc = Record<string, unknown> & { docId: string; updateTime: string };
const docsOf = (name: string): Doc[] => fixture(name).data.list;
const TOKEN = fixture('token-response.json').data.access_token as string;
const ALL_DOCS: Doc[] = [
  ...docsOf('documents-page-1.json'),
  ...docsOf('documents-page-fullwidth-code.json'),
  ...docsOf('documents-page-voided-or-permit.json'),
];

function tokenBody(token: string, expiresIn = 7200) {
  return { code: 0, msg: 'ok', data: { access_token: token, token_type: 'Bearer', expires_in: expiresIn } };
}

function pageBody(list: unknown[], pageNo: number, pages: number, total = pages * 5) {
  return { code: 0, msg: 'success', data: { total, pageNo, pageSize: 5, pages, list } };
}

function setup(overrides: Partial<Record<keyof OaConfig, unknown>> = {}) {
  const { log, lines } = capturingLog('debug');
  const config = OaSpec.parse({
    baseUrl: BASE,
    auth: { client_id: CLIENT_ID, client_secret: SECRET },
    retry: { attempts: 4, baseMs: 1, maxMs: 5 },
    pageSize: 5,
    ...overrides,
  });
  return { ctx: connectorContext(oa, config, log), lines };
}

function tokenScope(token = TOKEN, times = 1) {
  return nock(BASE).post(TOKEN_PATH).times(times).reply(200, tokenBody(token));
}

function listing(query: Record<string, string>, bearer = TOKEN) {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${bearer}` } })
    .get(DOCUMENTS_PATH)
    .query(query);
}

function normalizeOk(raw: unknown) {
  const rec = recordOf(normalizeOa(raw, 'documents'));
  if (rec.kind !== 'document') throw new Error(`expected a document, got ${rec.kind}`);
  return rec;
}

function docById(id: string): Doc {
  const d = [...ALL_DOCS, ...(fixture('documents-edge-cases.json') as Doc[])].find((x) => x.docId === id);
  if (!d) throw new Error(`no fixture doc ${id}`);
  return d;
}

useNock();

describe('oa normalize', () => {
  it('maps a feasibility approval with its investment code, dates and attachments', () => {
    const r = normalizeOk(docById('GW202000000546'));
    expect(r).toEqual({
      system: 'oa',
      kind: 'document',
      sourceId: 'GW202000000546',
      version: '1',
      order: 1,
      state: 'active',
      sourceTime: '2020-11-15T13:39:12Z',
      keys: {
        title: '关于包头市博强医药年产10000吨稀土抛光粉(一期)项目可行性研究报告的批复',
        investmentCode: '2021-150203-39-03-516277',
      },
      warnings: [],
      data: {
        docNo: '包发改审批〔2020〕1号',
        docType: 'feasibilityApproval',
        docTypeLabel: '可研批复',
        title: '关于包头市博强医药年产10000吨稀土抛光粉（一期）项目可行性研究报告的批复',
        issuingUnit: '包头市发展和改革委员会',
        signDate: '2020-11-12',
        attachments: 2,
        status: '已签发',
      },
    });
  });

  it('keeps the stored title as sent but matches on the folded title', () => {
    const r = normalizeOk(docById('GW202000000547'));
    expect(r.data).toMatchObject({
      title: '关于包头　市博强医药年产10000吨稀土抛光粉（一期）项目立项的批复',
      attachments: 3,
    });
    expect(r.keys.title).toBe('关于包头市博强医药年产10000吨稀土抛光粉(一期)项目立项的批复');
    const minutes = normalizeOk(docById('GW202100000154'));
    expect(minutes.data).toMatchObject({ docType: 'minutes' });
    expect(minutes.keys).toEqual({
      title: '关于包头方晟商贸年产20000万平方米光伏玻璃项目推进工作的会议纪要',
      investmentCode: '2021-150223-26-02-646458',
    });
  });

  it('gives documents without a project code (null or "") no investment key, but always a title', () => {
    for (const id of ['GW202100000148', 'GW202100000130', 'GW202300000913']) {
      const r = normalizeOk(docById(id));
      expect(r.keys.investmentCode).toBeUndefined();
      expect(r.keys.title).toBe(String(docById(id).title).replace(/[\s\u3000]/g, ''));
    }
    expect(normalizeOk(docById('GW202100000148')).data).toMatchObject({ attachments: 0 });
  });

  it('canonicalizes undashed and full-width project codes', () => {
    expect(normalizeOk(docById('GW202100000053')).keys).toMatchObject({
      investmentCode: '2021-150200-13-01-943699',
      permitNo: '150200202111095253',
    });
    for (const id of ['GW202300000901', 'GW202300000902', 'GW202300000903']) {
      expect(normalizeOk(docById(id)).keys.investmentCode).toBe('2023-150203-48-01-000123');
    }
  });

  it('carries the permit number of a construction permit', () => {
    const r = normalizeOk(docById('GW202100000569'));
    expect(r.data.docType).toBe('constructionPermit');
    expect(r.keys).toEqual({
      title: '包头盛美新能源汽车零部件生产线建设项目建筑工程施工许可',
      permitNo: '150204202111063628',
    });
  });

  it('marks a voided document revoked and orders it by version', () => {
    const r = normalizeOk(docById('GW202100000551'));
    expect(r).toMatchObject({ state: 'revoked', version: '2', order: 2, sourceTime: '2021-12-31T15:25:41Z' });
    expect(r.data).toMatchObject({ docType: 'supervisionReport', status: '已作废' });
    expect(normalizeOk(docById('GW202200000442')).data.docType).toBe('performanceReport');
  });

  it.each([
    ['GW202300000904', 'signDate "2023-13-45": not a calendar date'],
    ['GW202300000905', 'signDate "2023-02-30": not a calendar date'],
    ['GW202300000906', 'signDate "0000-00-00": not a calendar date'],
    ['GW202300000907', 'projectCode "2023-150203-48-01-00012" is not an investment project code'],
    ['GW202300000908', 'permitNo "15020320230131004" is not an 18-digit permit number'],
    ['GW202300000909', 'unknown docType "通知"'],
    ['GW202300000910', 'unknown docType "constructor"'],
    ['GW202300000911', 'updateTime "2023-02-30 09:47:31": not a valid time'],
  ])('quarantines %s: %s', (id, reason) => {
    expect(normalizeOa(docById(id), 'documents')).toEqual({
      ok: false,
      reason,
      kind: 'document',
      sourceId: id,
    });
  });

  it('quarantines records without a docId and non-objects, with no source id', () => {
    const noId = (fixture('documents-edge-cases.json') as Doc[]).find((d) => d.docId === undefined);
    const r = normalizeOa(noId, 'documents');
    expect(r).toMatchObject({ ok: false, kind: 'document', sourceId: null });
    expect(!r.ok && r.reason).toMatch(/^docId: /);
    expect(normalizeOa('GW1', 'documents')).toMatchObject({ ok: false, sourceId: null });
    expect(normalizeOa(null, 'documents')).toMatchObject({ ok: false, sourceId: null });
  });

  it('normalizes every sample document into a valid record', () => {
    for (const d of ALL_DOCS) expect(normalizeOk(d).sourceId).toBe(d.docId);
  });
});

describe('oa protocol', () => {
  it('fetches one token with form-encoded client credentials and reuses it for every page', async () => {
    const { ctx } = setup();
    let tokenRequestBody: unknown;
    const token = nock(BASE)
      .post(TOKEN_PATH, (body) => {
        tokenRequestBody = body;
        return true;
      })
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .once()
      .reply(200, tokenBody(TOKEN));
    const pages = [
      listing({ pageNo: '1', pageSize: '5' }).reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 3, 15)),
      listing({ pageNo: '2', pageSize: '5' }).reply(200, pageBody(ALL_DOCS.slice(5, 10), 2, 3, 15)),
      listing({ pageNo: '3', pageSize: '5' }).reply(200, pageBody(ALL_DOCS.slice(10, 15), 3, 3, 15)),
    ];
    const got = await collect(oa.read(ctx, undefined, { full: false }));
    expect(token.isDone()).toBe(true);
    expect(pages.every((p) => p.isDone())).toBe(true);
    expect(tokenRequestBody).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: SECRET,
    });
    expect(got.map((p) => p.records.length)).toEqual([5, 5, 5]);
    expect(got.map((p) => p.position)).toEqual([
      { updateTimeFrom: null, pageNo: 1 },
      { updateTimeFrom: null, pageNo: 2 },
      { updateTimeFrom: null, pageNo: 3 },
    ]);
    // Mid-walk states resume the same walk; the last one carries the largest updateTime.
    expect(got.map((p) => p.state)).toEqual([
      { updateTimeFrom: null, pageNo: 2 },
      { updateTimeFrom: null, pageNo: 3 },
      { updateTimeFrom: '2022-01-11 08:21:12', pageNo: 1 },
    ]);
    expect(got[0]!.progress).toEqual({ total: 15 });
    expect(got[0]!.records[0]).toEqual(ALL_DOCS[0]);
  });

  it('refreshes the token early when expires_in runs out', async () => {
    let now = 1_700_000_000_000;
    const { ctx } = setup();
    ctx.now = () => now;
    nock(BASE).post(TOKEN_PATH).reply(200, tokenBody('tok-a', 600));
    nock(BASE).post(TOKEN_PATH).reply(200, tokenBody('tok-b', 600));
    listing({ pageNo: '1', pageSize: '5' }, 'tok-a').reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 2, 10));
    listing({ pageNo: '2', pageSize: '5' }, 'tok-b').reply(200, pageBody(ALL_DOCS.slice(5, 10), 2, 2, 10));
    const it = oa.read(ctx, undefined, { full: false })[Symbol.asyncIterator]();
    expect((await it.next()).value.position.pageNo).toBe(1);
    // 600 s lifetime minus a 60 s margin: at 550 s the first token is no longer used.
    now += 550_000;
    expect((await it.next()).value.position.pageNo).toBe(2);
    expect((await it.next()).done).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('on 40001 mid-run fetches a new token and repeats the call', async () => {
    const { ctx } = setup();
    const tokens = [
      nock(BASE).post(TOKEN_PATH).reply(200, tokenBody('tok-old')),
      nock(BASE).post(TOKEN_PATH).reply(200, tokenBody('tok-new')),
    ];
    listing({ pageNo: '1', pageSize: '5' }, 'tok-old').reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 2, 10));
    listing({ pageNo: '2', pageSize: '5' }, 'tok-old').reply(200, {
      code: 40001,
      msg: 'access_token 无效或已过期',
      data: null,
    });
    const repeated = listing({ pageNo: '2', pageSize: '5' }, 'tok-new').reply(
      200,
      pageBody(ALL_DOCS.slice(5, 10), 2, 2, 10),
    );
    const got = await collect(oa.read(ctx, undefined, { full: false }));
    expect(tokens.map((t) => t.isDone())).toEqual([true, true]);
    expect(repeated.isDone()).toBe(true);
    expect(got.map((p) => p.records.length)).toEqual([5, 5]);
  });

  it('fails with SOURCE_AUTH and no retry when the client credentials are rejected (40013)', async () => {
    const { ctx } = setup();
    const token = nock(BASE)
      .post(TOKEN_PATH)
      .once()
      .reply(200, { code: 40013, msg: 'invalid client_id or client_secret', data: null });
    const err = await collect(oa.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_AUTH.is(err)).toBe(true);
    expect(token.isDone()).toBe(true);
  });

  it('gives up on a token that is rejected again right after a refresh', async () => {
    const { ctx } = setup();
    nock(BASE).post(TOKEN_PATH).times(2).reply(200, tokenBody(TOKEN));
    listing({ pageNo: '1', pageSize: '5' }).times(2).reply(200, { code: 40001, msg: 'expired', data: null });
    const err = await collect(oa.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_AUTH.is(err)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('honours Retry-After on 45009 / HTTP 429', async () => {
    const { ctx, lines } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' })
      .reply(429, { code: 45009, msg: 'rate limit exceeded', data: null }, { 'Retry-After': '1' })
      .get(DOCUMENTS_PATH)
      .query(true)
      .reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 1, 5));
    const got = await collect(oa.read(ctx, undefined, { full: false }));
    expect(got).toHaveLength(1);
    const retries = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'source request failed; retrying');
    // Without Retry-After the first backoff is ≤ baseMs (1 ms); with it, 1 s capped at 4 × maxMs.
    expect(retries.map((r) => r.waitMs)).toEqual([20]);
  });

  it('retries 50001 (busy), 5xx with an HTML body and a reset connection', async () => {
    const { ctx } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' })
      .reply(200, { code: 50001, msg: '系统繁忙，请稍后重试', data: null })
      .get(DOCUMENTS_PATH)
      .query(true)
      .reply(502, '<html><body>Bad Gateway</body></html>', { 'Content-Type': 'text/html' })
      .get(DOCUMENTS_PATH)
      .query(true)
      .replyWithError(connectionReset())
      .get(DOCUMENTS_PATH)
      .query(true)
      .reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 1, 5));
    const got = await collect(oa.read(ctx, undefined, { full: false }));
    expect(got.map((p) => p.records.length)).toEqual([5]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('stops retrying a busy source after the configured attempts', async () => {
    const { ctx } = setup({ retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' }).times(2).reply(200, { code: 50001, msg: 'busy', data: null });
    const err = await collect(oa.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_TRANSIENT.is(err)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it.each([
    [200, { code: 40002, msg: 'pageSize 参数错误', data: null }],
    [405, { code: 40005, msg: 'method not allowed', data: null }],
    [404, { code: 40400, msg: 'no such endpoint', data: null }],
    [404, '<html>not found</html>'],
  ])('rejects without retry: HTTP %s %j', async (status, body) => {
    const { ctx } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' }).once().reply(status, body);
    const err = await collect(oa.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_REJECTED.is(err)).toBe(true);
  });

  it.each([
    ['not JSON', '{"code":0,"data":{"list":['],
    ['an array', '[1,2]'],
    ['no envelope', '{"total":1}'],
    ['no list', '{"code":0,"msg":"ok","data":{"total":1}}'],
  ])('treats a 200 body that is %s as a payload error (retried)', async (_what, body) => {
    const { ctx } = setup({ retry: { attempts: 2, baseMs: 1, maxMs: 5 } });
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' }).times(2).reply(200, body);
    const err = await collect(oa.read(ctx, undefined, { full: false })).catch((e: unknown) => e);
    expect(HubErrors.SOURCE_PAYLOAD.is(err)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('starts an incremental run at the previous maximum and passes boundary duplicates on', async () => {
    const { ctx } = setup();
    tokenScope();
    const boundary = docById('GW202200000442');
    const fresh = { ...docById('GW202100000551'), version: 3, updateTime: '2022-01-12 10:00:00' };
    listing({ updateTimeFrom: '2022-01-11 08:21:12', pageNo: '1', pageSize: '5' }).reply(
      200,
      pageBody([boundary, fresh], 1, 1, 2),
    );
    const got = await collect(
      oa.read(ctx, { updateTimeFrom: '2022-01-11 08:21:12', pageNo: 1 }, { full: false }),
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.records).toEqual([boundary, fresh]);
    expect(got[0]!.state).toEqual({ updateTimeFrom: '2022-01-12 10:00:00', pageNo: 1 });
  });

  it('keeps the cursor when an incremental run finds nothing new, without yielding', async () => {
    const { ctx } = setup();
    tokenScope();
    listing({ updateTimeFrom: '2022-01-11 08:21:12', pageNo: '1', pageSize: '5' }).reply(
      200,
      pageBody([], 1, 0, 0),
    );
    const got = await collect(
      oa.read(ctx, { updateTimeFrom: '2022-01-11 08:21:12', pageNo: 1 }, { full: false }),
    );
    expect(got).toEqual([]);
  });

  it('a full run ignores the saved state', async () => {
    const { ctx } = setup();
    tokenScope();
    const all = listing({ pageNo: '1', pageSize: '5' }).reply(200, pageBody(ALL_DOCS.slice(0, 2), 1, 1, 2));
    await collect(oa.read(ctx, { updateTimeFrom: '2022-01-11 08:21:12', pageNo: 4 }, { full: true }));
    expect(all.isDone()).toBe(true);
  });

  it('resumes a cut-off walk at its page and then keeps its bound as the cursor', async () => {
    const { ctx } = setup();
    tokenScope();
    listing({ updateTimeFrom: '2021-01-01 00:00:00', pageNo: '3', pageSize: '5' }).reply(
      200,
      pageBody(ALL_DOCS.slice(10, 15), 3, 3, 15),
    );
    const got = await collect(
      oa.read(ctx, { updateTimeFrom: '2021-01-01 00:00:00', pageNo: 3 }, { full: false }),
    );
    // Documents that moved while the walk was interrupted could have been skipped: re-read them.
    expect(got.map((p) => p.state)).toEqual([{ updateTimeFrom: '2021-01-01 00:00:00', pageNo: 1 }]);
  });

  it('persists the end of a walk even when the last page turns out empty', async () => {
    const { ctx } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' }).reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 2, 10));
    listing({ pageNo: '2', pageSize: '5' }).reply(200, pageBody([], 2, 1, 5));
    const got = await collect(oa.read(ctx, undefined, { full: false }));
    expect(got.map((p) => [p.records.length, p.state])).toEqual([
      [5, { updateTimeFrom: null, pageNo: 2 }],
      [0, { updateTimeFrom: '2021-01-25 19:25:39', pageNo: 1 }],
    ]);
  });

  it('holds the cursor back when a document read earlier moved to the end during the walk', async () => {
    const { ctx, lines } = setup({ pageSize: 2 });
    tokenScope();
    const [a, b, c, d] = ALL_DOCS.slice(0, 4) as [Doc, Doc, Doc, Doc];
    // `a` is edited after page 1: c slides onto page 1 unseen, a comes again at the end.
    const aEdited = { ...a, version: 2, updateTime: '2024-05-01 10:00:00' };
    listing({ pageNo: '1', pageSize: '2' }).reply(200, pageBody([a, b], 1, 2, 4));
    listing({ pageNo: '2', pageSize: '2' }).reply(200, pageBody([d, aEdited], 2, 2, 4));
    const got = await collect(oa.read(ctx, undefined, { full: false }));
    expect(c.updateTime > a.updateTime).toBe(true);
    expect(got.at(-1)!.state).toEqual({ updateTimeFrom: a.updateTime, pageNo: 1 });
    expect(lines.some((l) => l.includes('documents moved during the walk'))).toBe(true);
  });

  it('keeps raw records as received and lets no payload key reach a prototype', async () => {
    const { ctx } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' }).reply(200, fixtureText('documents-page-proto.json'), {
      'Content-Type': 'application/json',
    });
    const [page] = await collect(oa.read(ctx, undefined, { full: false }));
    const raw = page!.records[0] as Record<string, unknown>;
    expect(Object.hasOwn(raw, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const r = normalizeOk(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(r, '__proto__')).toBe(false);
  });

  it('never writes the client secret or the access token to the log', async () => {
    const { ctx, lines } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '5' })
      .reply(200, { code: 50001, msg: `busy, client_secret=${SECRET}`, data: null })
      .get(DOCUMENTS_PATH)
      .query(true)
      .reply(200, pageBody(ALL_DOCS.slice(0, 5), 1, 1, 5));
    await collect(oa.read(ctx, undefined, { full: false }));
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(text).toContain('***');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
  });
});

describe('oa check', () => {
  it('answers ok with the document count', async () => {
    const { ctx } = setup();
    tokenScope();
    listing({ pageNo: '1', pageSize: '1' }).reply(200, pageBody(ALL_DOCS.slice(0, 1), 1, 618, 618));
    expect(await oa.check(ctx)).toEqual({ ok: true, detail: 'authenticated; 618 documents' });
  });

  it('answers failure auth for bad credentials', async () => {
    const { ctx } = setup();
    nock(BASE)
      .post(TOKEN_PATH)
      .reply(200, { code: 40013, msg: 'invalid client_id or client_secret', data: null });
    expect(await oa.check(ctx)).toMatchObject({ ok: false, failure: 'auth' });
  });

  it('answers failure connection when the connection is refused', async () => {
    const { ctx } = setup({
      baseUrl: await refusedBaseUrl(),
      retry: { attempts: 2, baseMs: 1, maxMs: 5 },
    });
    const r = await oa.check(ctx);
    expect(r).toMatchObject({ ok: false, failure: 'connection' });
    expect(!r.ok && r.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('oa spec', () => {
  it('defaults to the documented limits and rejects page sizes above 100', () => {
    const c = OaSpec.parse({ baseUrl: BASE, auth: { client_id: 'a', client_secret: 'b' } });
    expect(c.rateLimit).toEqual({ rps: 20, burst: 40 });
    expect(c.pageSize).toBe(100);
    expect(
      OaSpec.safeParse({ baseUrl: BASE, auth: { client_id: 'a', client_secret: 'b' }, pageSize: 101 })
        .success,
    ).toBe(false);
    expect(OaSpec.safeParse({ baseUrl: BASE, auth: { clientId: 'a', clientSecret: 'b' } }).success).toBe(
      false,
    );
  });
});
