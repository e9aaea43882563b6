import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import nock from 'nock';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../../src/connector/define.js';
import { HubErrors, type HubError } from '../../src/errors.js';
import {
  capturingLog,
  collect,
  collectUntilError,
  connectorContext,
  silentLog,
  useNock,
} from '../../test/helpers/connectors.js';
import { GATEWAY_PATH } from './client.js';
import { beijingReqTime, buildRequestXml, decodeBody, parseResponse, unescapeXml } from './envelope.js';
import connector, { BudgetSpec, BudgetState, normalizeBudget, type BudgetConfig } from './index.js';

const BASE = 'http://budget.test';
const SECRET = 'yth-test-secret-9d41c7';
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

useNock();

function makeCtx(
  o: { attempts?: number; maxMs?: number; log?: Logger } = {},
): ConnectorContext<BudgetConfig> {
  const config = BudgetSpec.parse({
    baseUrl: BASE,
    auth: { SysCode: 'BTLEDGER', Token: SECRET },
    retry: { attempts: o.attempts ?? 4, baseMs: 1, maxMs: o.maxMs ?? 5 },
  });
  return connectorContext(connector, config, o.log ?? silentLog());
}

// ---- a scripted gateway at the HTTP edge -------------------------------------------------------

interface Sent {
  sysCode: string;
  token: string;
  service: string;
  reqTime: string;
  serialNo: string;
  pageSize: string;
  syncPoint?: string;
  continuationToken?: string;
  raw: string;
}

const requestParser = new XMLParser({ parseTagValue: false, processEntities: false });

function parseSent(body: string): Sent {
  const r = requestParser.parse(body).Request;
  return {
    sysCode: r.Head.SysCode,
    token: r.Head.Token,
    service: r.Head.ServiceCode,
    reqTime: r.Head.ReqTime,
    serialNo: r.Head.SerialNo,
    pageSize: r.Body.PageSize,
    ...(r.Body.SyncPoint !== undefined ? { syncPoint: r.Body.SyncPoint } : {}),
    ...(r.Body.ContinuationToken !== undefined ? { continuationToken: r.Body.ContinuationToken } : {}),
    raw: body,
  };
}

type Reply = [number, Buffer | string, Record<string, string>?];
type Step = ((req: Sent) => Reply) | { error: string };

const GBK_HEADERS = { 'Content-Type': 'text/xml; charset=GBK' };

function esc(s: string) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function recordXml(fields: Record<string, string>): string {
  const cells = Object.entries(fields).map(([k, v]) => (v === '' ? `<${k}/>` : `<${k}>${esc(v)}</${k}>`));
  return `<Record>${cells.join('')}</Record>`;
}

function envelope(serialNo: string, retCode: string, retMsg: string, body = ''): Buffer {
  const xml =
    '<?xml version="1.0" encoding="GBK"?>\n<Response><Head>' +
    `<RetCode>${retCode}</RetCode><RetMsg>${esc(retMsg)}</RetMsg><SerialNo>${serialNo}</SerialNo>` +
    `<RespTime>20241001120001</RespTime></Head><Body>${body}</Body></Response>`;
  return iconv.encode(xml, 'gbk');
}

/** A successful page; `next` is a token (HasMore 1) or `{ syncPoint }` (HasMore 0). */
function page(records: Array<Record<string, string>>, next: string | { syncPoint: string }): Step {
  return (req) => {
    const tail =
      typeof next === 'string'
        ? `<HasMore>1</HasMore><ContinuationToken>${next}</ContinuationToken>`
        : `<HasMore>0</HasMore><SyncPoint>${next.syncPoint}</SyncPoint>`;
    const body = `<RecordCount>${records.length}</RecordCount>${tail}<Records>${records.map(recordXml).join('')}</Records>`;
    return [200, envelope(req.serialNo, '0000', '成功', body), GBK_HEADERS];
  };
}

function retCode(code: string, msg: string, status = 200, headers: Record<string, string> = {}): Step {
  return (req) => [status, envelope(req.serialNo, code, msg), { ...GBK_HEADERS, ...headers }];
}

/** Serves a stored GBK sample as the answer to the request (its SerialNo rewritten to echo ours). */
function sample(name: string): Step {
  return (req) => {
    const latin1 = fixture(name).toString('latin1');
    return [
      200,
      Buffer.from(
        latin1.replace(/<SerialNo>[^<]*<\/SerialNo>/, `<SerialNo>${req.serialNo}</SerialNo>`),
        'latin1',
      ),
      GBK_HEADERS,
    ];
  };
}

function gateway(steps: Step[]): Sent[] {
  const sent: Sent[] = [];
  const scope = nock(BASE);
  for (const step of steps) {
    const i = scope.post(GATEWAY_PATH);
    if (typeof step === 'function') {
      // nock 15 hands the reply function the fetch Request of the intercepted call.
      i.reply(async (request: Request) => {
        const req = parseSent(await request.text());
        sent.push(req);
        return step(req);
      });
    } else {
      // nock 15 needs an Error instance here: a plain object turns into a delayed HTTP 501.
      i.replyWithError(Object.assign(new Error(`socket ${step.error}`), { code: step.error }));
    }
  }
  return sent;
}

const done = (syncPoint: string) => page([], { syncPoint });

/** Empty completed passes for every service after the first, so a whole run can be scripted. */
const quietRest = (n: number) => Array.from({ length: n }, (_, i) => done(`sp-other-${i}`));

const payment = (no: string, bbh = '1', extra: Record<string, string> = {}) => ({
  ZFPZH: no,
  XMDM: '150203202304000517',
  ZBBH: 'ZB20231502030000123',
  ZFRQ: '2023-07-21',
  JE: '3500000.00',
  SKRMC: '中冶华美建设工程有限公司',
  SKRTYDM: '91150207MANW09E79M',
  ZFZT: '已支付',
  BBH: bbh,
  XGSJ: '2023-07-22 10:00:00',
  ...extra,
});

const project = (code: string) => ({
  XMDM: code,
  TZXMDM: '2023-150203-48-01-000123',
  XMMC: '昆都仑区钢铁大街综合管廊建设项目',
  DWMC: '包头市昆都仑区住房和城乡建设局',
  DWDM: '300094',
  TYSHXYDM: '91150202MA03F79917',
  XZQHDM: '150203',
  XZQHMC: '昆都仑区',
  ZDLYDM: '04',
  ZDLYMC: '基础设施',
  ZCSXDM: 'ZC0401',
  ZCSXMC: '城市基础设施建设补助',
  XMLB: '固投类',
  ND: '2023',
  SBRQ: '2023-03-14',
  ZTZ: '45798.545',
  SQBZ: '25256.219',
  SDJE: '',
  XMZT: '实施中',
  BBH: '3',
  XGSJ: '2023-06-02 10:11:12',
});

// ---- the real GBK samples ---------------------------------------------------------------------

describe('real GBK samples', () => {
  const decode = (name: string) => parseResponse(decodeBody(fixture(name), 'text/xml; charset=GBK'));
  const normalized = (name: string, stream: string) =>
    decode(name).body!.records.map((r) => {
      const res = normalizeBudget(r, stream);
      if (!res.ok) throw new Error(`${name}: ${res.reason}`);
      return res.record;
    });

  it('decodes each sample from GBK into four records with a continuation token', () => {
    for (const [name, token] of [
      ['XMK.QUERY-page-1.gbk.xml', 'eyJrIjoicHJvamVjdCIsImYiOjQsInQiOjQ4N30'],
      ['ZB.QUERY-page-1.gbk.xml', 'eyJrIjoiaW5kaWNhdG9yIiwiZiI6NCwidCI6MjQzfQ'],
      ['ZF.QUERY-page-with-return.gbk.xml', 'eyJrIjoicGF5bWVudCIsImYiOjk2LCJ0Ijo0NTl9'],
      ['JS.QUERY-page-1.gbk.xml', 'eyJrIjoiZmluYWxBY2NvdW50IiwiZiI6NCwidCI6NDF9'],
      ['JX.QUERY-page-1.gbk.xml', 'eyJrIjoicGVyZm9ybWFuY2UiLCJmIjo0LCJ0Ijo0Nn0'],
    ] as const) {
      const env = decode(name);
      expect(env.retCode).toBe('0000');
      expect(env.retMsg).toBe('成功');
      expect(env.body).toMatchObject({
        recordCount: 4,
        hasMore: true,
        continuationToken: token,
        syncPoint: null,
      });
      expect(env.body!.records).toHaveLength(4);
    }
  });

  it('XMK.QUERY: projects with 万元 amounts in exact fen, empty SDJE as null, and their keys', () => {
    const [first, , third, fourth] = normalized('XMK.QUERY-page-1.gbk.xml', 'XMK.QUERY');
    expect(first).toMatchObject({
      system: 'budget',
      kind: 'project',
      sourceId: '150204202119831819',
      version: '1',
      order: 1,
      state: 'active',
      sourceTime: '2021-01-08T17:06:26Z',
      warnings: [],
      keys: {
        budgetCode: '150204202119831819',
        investmentCode: '2021-150204-38-03-072951',
        uscc: '91150202MA03F79917',
        name: '包头鑫强新稀土高科环保在线监测设备购置项目',
      },
      data: {
        name: '包头鑫强新稀土高科环保在线监测设备购置项目',
        category: 'equipment',
        ownerUnit: { name: '包头鑫强新稀土高科有限公司', uscc: '91150202MA03F79917', unitCode: '300061' },
        district: { code: '150204', name: '青山区' },
        sector: '中小企业发展',
        sectorCode: '19',
        policyItemCode: 'ZC1901',
        year: 2021,
        declaredDate: '2021-01-08',
        totalInvestmentFen: 2_460_460_000,
        requestedSubsidyFen: 1_523_990_000,
        reviewedFen: null,
        status: '已申报',
      },
    });
    expect(third!.data).toMatchObject({
      totalInvestmentFen: 29_867_693_968,
      requestedSubsidyFen: 13_178_078_758,
    });
    // The registered name keeps the 包头市 prefix and full-width brackets; the matching key folds both.
    expect(fourth).toMatchObject({
      sourceId: '150203202105654697',
      version: '2',
      order: 2,
      sourceTime: '2021-02-21T15:33:12Z',
      keys: { name: '博强医药年产10000吨稀土抛光粉(一期)项目' },
      data: {
        name: '包头市博强医药年产10000吨稀土抛光粉（一期）项目',
        category: 'fixedAsset',
        reviewedFen: 358_050_000,
        status: '已入库',
      },
    });
  });

  it('ZB.QUERY: indicators with 元 amounts in fen, keyed by the budget code', () => {
    const records = normalized('ZB.QUERY-page-1.gbk.xml', 'ZB.QUERY');
    expect(records.map((r) => r.sourceId)).toEqual([
      'ZB20211502040000115',
      'ZB20211502030000207',
      'ZB20211502070000168',
      'ZB20211502020000042',
    ]);
    expect(records[2]).toMatchObject({
      kind: 'indicator',
      state: 'active',
      keys: { budgetCode: '150207202102474021' },
      data: {
        docNo: '包财预〔2021〕15号',
        amountFen: 8_777_174_000,
        fundNature: '国有资本经营预算',
        functionCode: '2110899',
        functionName: '其他污染减排支出',
        year: 2021,
        issueDate: '2021-05-27',
        status: '正常',
      },
    });
  });

  it('ZF.QUERY: the 已退回 vouchers are revoked and keep their exact amounts', () => {
    const records = normalized('ZF.QUERY-page-with-return.gbk.xml', 'ZF.QUERY');
    expect(records.map((r) => [r.sourceId, r.state, r.data])).toEqual([
      [
        'ZFPZ2022000000386',
        'active',
        {
          indicatorNo: 'ZB20221502030000204',
          date: '2022-09-28',
          amountFen: 397_690_623,
          payee: { name: '鹿城达泰路桥有限公司', uscc: '9115020404345642XW' },
          status: '已支付',
        },
      ],
      [
        'ZFPZ2022000000018',
        'revoked',
        {
          indicatorNo: 'ZB20221502210000011',
          date: '2022-09-07',
          amountFen: 9_200_687,
          payee: { name: '内蒙古嘉嘉建材有限公司', uscc: '91150221MA53631650' },
          status: '已退回',
        },
      ],
      [
        'ZFPZ2022000000222',
        'active',
        {
          indicatorNo: 'ZB20221502070000112',
          date: '2022-09-28',
          amountFen: 33_993_634,
          payee: { name: '包头丰汇信物流有限公司', uscc: '91150207MANW09E79M' },
          status: '已支付',
        },
      ],
      [
        'ZFPZ2022000000139',
        'revoked',
        {
          indicatorNo: 'ZB20221502040000071',
          date: '2022-08-27',
          amountFen: 52_671_233,
          payee: { name: '包头润润宏磁材有限责任公司', uscc: '91150204MAL3C57M1B' },
          status: '已退回',
        },
      ],
    ]);
    expect(records[1]).toMatchObject({ version: '2', order: 2, sourceTime: '2022-09-29T12:25:24Z' });
  });

  it('JS.QUERY and JX.QUERY: final accounts and evaluations', () => {
    const accounts = normalized('JS.QUERY-page-1.gbk.xml', 'JS.QUERY');
    expect(accounts[3]).toMatchObject({
      kind: 'finalAccount',
      sourceId: 'JS2022000011',
      keys: { budgetCode: '150202202119833781' },
      data: { amountFen: 15_487_310_100, date: '2022-11-14' },
    });
    const evaluations = normalized('JX.QUERY-page-1.gbk.xml', 'JX.QUERY');
    expect(evaluations[1]).toMatchObject({
      kind: 'evaluation',
      sourceId: 'JX2022000032',
      sourceTime: '2022-01-07T05:55:31Z',
      data: { year: 2022, score: 82.9, grade: '良', date: '2022-01-04', evaluator: '第三方评价机构' },
    });
  });
});

// ---- normalize: edge cases -------------------------------------------------------------------

describe('normalizeBudget', () => {
  it('quarantines the malformed records of a page with the field and value, and keeps the others', () => {
    const env = parseResponse(
      decodeBody(
        iconv.encode(fixture('ZB.QUERY-malformed-records.utf8.xml').toString('utf8'), 'gbk'),
        undefined,
      ),
    );
    const results = env.body!.records.map((r) => normalizeBudget(r, 'ZB.QUERY'));
    expect(results[0]).toMatchObject({
      ok: true,
      record: { data: { docNo: '包财预〔2023〕45号 & 补充', amountFen: 1_795_983_800 } },
    });
    expect(results[1]).toEqual({
      ok: false,
      kind: 'indicator',
      sourceId: 'ZB20231502030000124',
      reason: 'XDRQ "2023-02-30" is not a calendar date (not a calendar date)',
    });
    expect(results[2]).toEqual({
      ok: false,
      kind: 'indicator',
      sourceId: 'ZB20231502030000125',
      reason: 'JE "-500.00" is zero or negative',
    });
    expect(results[3]).toMatchObject({
      ok: true,
      record: { state: 'revoked', order: 3, data: { status: '已收回' } },
    });
  });

  const bad: Array<[string, string, Record<string, string>, RegExp]> = [
    ['ZF.QUERY', 'zero JE', payment('ZFPZ1', '1', { JE: '0.00' }), /^JE "0.00" is zero or negative$/],
    [
      'ZF.QUERY',
      'JE not a decimal',
      payment('ZFPZ1', '1', { JE: '12万' }),
      /^JE "12万" is not a decimal amount in 元/,
    ],
    [
      'ZF.QUERY',
      'XMDM of 17 digits',
      payment('ZFPZ1', '1', { XMDM: '15020320230400051' }),
      /^XMDM "15020320230400051" is not an 18-digit/,
    ],
    ['ZF.QUERY', 'BBH zero', payment('ZFPZ1', '0'), /^BBH "0" is not a positive integer$/],
    ['ZF.QUERY', 'BBH decimal', payment('ZFPZ1', '1.5'), /^BBH "1.5" is not a positive integer$/],
    [
      'ZF.QUERY',
      'XGSJ invalid',
      payment('ZFPZ1', '1', { XGSJ: '2023-13-01 00:00:00' }),
      /^XGSJ "2023-13-01 00:00:00"/,
    ],
    ['ZF.QUERY', 'empty required JE', payment('ZFPZ1', '1', { JE: '' }), /^required field JE is empty$/],
    [
      'XMK.QUERY',
      'TZXMDM of the wrong shape',
      { ...project('150203202304000517'), TZXMDM: '2023-150203-48-09-000123' },
      /^TZXMDM "2023-150203-48-09-000123" is not an investment/,
    ],
    [
      'XMK.QUERY',
      'unknown XMLB',
      { ...project('150203202304000517'), XMLB: '其他类' },
      /^XMLB "其他类" is not one of/,
    ],
    [
      'XMK.QUERY',
      'SDJE not a decimal',
      { ...project('150203202304000517'), SDJE: '1e3' },
      /^SDJE "1e3" is not a decimal amount in 万元/,
    ],
    [
      'XMK.QUERY',
      'SBRQ not a date',
      { ...project('150203202304000517'), SBRQ: '2023/03/14' },
      /^SBRQ "2023\/03\/14" is not a calendar date/,
    ],
  ];
  it.each(bad)('%s: %s → quarantined with a precise reason', (stream, _case, raw, reason) => {
    const res = normalizeBudget(raw, stream);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.reason).toMatch(reason);
    expect(res.sourceId).toBe(stream === 'XMK.QUERY' ? raw['XMDM'] : raw['ZFPZH']);
  });

  it('names a missing required field, and the key when it is the one missing', () => {
    const { XGSJ: _x, ...noTime } = payment('ZFPZ9');
    expect(normalizeBudget(noTime, 'ZF.QUERY')).toEqual({
      ok: false,
      reason: 'required field XGSJ is missing',
      kind: 'payment',
      sourceId: 'ZFPZ9',
    });
    const { ZFPZH: _k, ...noKey } = payment('ZFPZ9');
    expect(normalizeBudget(noKey, 'ZF.QUERY')).toEqual({
      ok: false,
      reason: 'required field ZFPZH is missing',
      kind: 'payment',
      sourceId: null,
    });
  });

  it('quarantines what is not a record, never throwing', () => {
    for (const raw of [null, '', 'text', 42, [], [payment('ZFPZ1')]]) {
      const res = normalizeBudget(raw, 'ZF.QUERY');
      expect(res).toMatchObject({ ok: false, kind: 'payment', sourceId: null });
    }
    expect(normalizeBudget({ ...payment('ZFPZ1'), JE: { nested: '1' } }, 'ZF.QUERY')).toMatchObject({
      ok: false,
      reason: 'field JE is not text: {"nested":"1"}',
    });
    expect(normalizeBudget(payment('ZFPZ1'), 'NOPE.QUERY')).toMatchObject({ ok: false, kind: null });
  });

  it('flags a USCC whose check character fails, keeps it, and still links by it', () => {
    const res = normalizeBudget(
      { ...project('150203202304000517'), TYSHXYDM: '91150202ma03f7991x' },
      'XMK.QUERY',
    );
    expect(res).toMatchObject({
      ok: true,
      record: {
        warnings: ['USCC_CHECKSUM'],
        keys: { uscc: '91150202MA03F7991X' },
        data: { ownerUnit: { uscc: '91150202MA03F7991X' } },
      },
    });
    const pay = normalizeBudget(payment('ZFPZ1', '1', { SKRTYDM: '91150207MANW09E79X' }), 'ZF.QUERY');
    expect(pay).toMatchObject({ ok: true, record: { warnings: ['USCC_CHECKSUM'] } });
  });

  it('keeps a pre-USCC registration number as entered without making it a link key', () => {
    const res = normalizeBudget(
      { ...project('150203202304000517'), TYSHXYDM: '150203000012345' },
      'XMK.QUERY',
    );
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.record.keys.uscc).toBeUndefined();
    expect(res.record.warnings).toEqual([]);
    expect(res.record.data).toMatchObject({ ownerUnit: { uscc: '150203000012345' } });
  });

  it('reads a project without investment code as nonFixed with no investmentCode key', () => {
    const res = normalizeBudget(
      { ...project('150203202304000517'), TZXMDM: '', XMLB: '非固投类', ZTZ: '', SDJE: '20636.6' },
      'XMK.QUERY',
    );
    expect(res).toMatchObject({
      ok: true,
      record: {
        data: {
          investmentCode: null,
          category: 'nonFixed',
          totalInvestmentFen: null,
          reviewedFen: 20_636_600_000,
        },
      },
    });
    if (res.ok) expect(res.record.keys).not.toHaveProperty('investmentCode');
  });
});

// ---- the wire format --------------------------------------------------------------------------

describe('envelope', () => {
  it('formats ReqTime in Beijing time', () => {
    expect(beijingReqTime(Date.UTC(2024, 9, 1, 4, 0, 0))).toBe('20241001120000');
    expect(beijingReqTime(Date.UTC(2024, 11, 31, 16, 30, 5))).toBe('20250101003005');
  });

  it('escapes request values and resolves only predefined entities in responses', () => {
    const xml = buildRequestXml({
      sysCode: 'A&B',
      token: '<t>',
      serviceCode: 'ZF.QUERY',
      reqTime: '20241001120000',
      serialNo: 's',
      pageSize: 5,
    });
    expect(xml).toContain('<SysCode>A&amp;B</SysCode><Token>&lt;t&gt;</Token>');
    expect(xml).not.toContain('SyncPoint');
    expect(unescapeXml('a &amp;lt; &#x4E2D;&#25991; &nbsp; &#0;')).toBe('a &lt; 中文 &nbsp; &#0;');
  });

  it('refuses an unsupported encoding, an undecodable body and a cut-off document', () => {
    expect(() => decodeBody(Buffer.from('<?xml version="1.0" encoding="Big5"?><a/>'), undefined)).toThrow(
      /unsupported encoding "Big5"/,
    );
    expect(() =>
      decodeBody(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xff, 0x3c]), 'text/xml; charset=UTF-8'),
    ).toThrow(/not valid UTF-8/);
    const whole = fixture('ZF.QUERY-page-with-return.gbk.xml');
    const cut = decodeBody(whole.subarray(0, Math.floor(whole.length * 0.7)), 'text/xml; charset=GBK');
    expect(() => parseResponse(cut)).toThrow(/malformed XML/);
  });

  it('decodes a GB18030 and a UTF-8 declared document', () => {
    const xml = (enc: string) =>
      `<?xml version="1.0" encoding="${enc}"?><Response><Head><RetCode>9001</RetCode><RetMsg>系统繁忙，请稍后重试</RetMsg></Head><Body/></Response>`;
    expect(parseResponse(decodeBody(iconv.encode(xml('GB18030'), 'gb18030'), undefined)).retMsg).toBe(
      '系统繁忙，请稍后重试',
    );
    expect(parseResponse(decodeBody(Buffer.from(xml('UTF-8')), 'text/xml; charset=GBK')).retMsg).toBe(
      '系统繁忙，请稍后重试',
    );
  });
});

// ---- the protocol, over nock ------------------------------------------------------------------

describe('read', () => {
  it('sends the documented request shape', async () => {
    const sent = gateway([done('sp1'), ...quietRest(4)]);
    await collect(connector.read(makeCtx(), undefined, { full: false }));
    expect(sent.map((s) => s.service)).toEqual(['XMK.QUERY', 'ZB.QUERY', 'ZF.QUERY', 'JS.QUERY', 'JX.QUERY']);
    const first = sent[0]!;
    expect(first.raw.startsWith('<?xml version="1.0" encoding="UTF-8"?><Request><Head>')).toBe(true);
    expect(first).toMatchObject({
      sysCode: 'BTLEDGER',
      token: SECRET,
      service: 'XMK.QUERY',
      pageSize: '500',
    });
    expect(first.reqTime).toMatch(/^\d{14}$/);
    expect(first.serialNo).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(sent.map((s) => s.serialNo)).size).toBe(5);
    expect(first.syncPoint).toBeUndefined();
    expect(first.continuationToken).toBeUndefined();
  });

  it('walks a pass of three pages by continuation token, then saves the SyncPoint', async () => {
    const sent = gateway([
      page([project('150203202304000517'), project('150203202304000518')], 'tok-2'),
      page([project('150203202304000519')], 'tok-3'),
      page([project('150203202304000520')], { syncPoint: 'sp-xmk-1' }),
      ...quietRest(4),
    ]);
    const pages = await collect(connector.read(makeCtx(), undefined, { full: false }));
    expect(sent.slice(0, 3).map((s) => [s.continuationToken, s.syncPoint])).toEqual([
      [undefined, undefined],
      ['tok-2', undefined],
      ['tok-3', undefined],
    ]);
    const xmk = pages.filter((p) => p.stream === 'XMK.QUERY');
    expect(xmk.map((p) => p.position)).toEqual([
      { service: 'XMK.QUERY', page: 1, token: null, syncPoint: null },
      { service: 'XMK.QUERY', page: 2, token: 'tok-2', syncPoint: null },
      { service: 'XMK.QUERY', page: 3, token: 'tok-3', syncPoint: null },
    ]);
    expect(xmk.map((p) => p.state['XMK.QUERY'])).toEqual([
      { token: 'tok-2' },
      { token: 'tok-3' },
      { syncPoint: 'sp-xmk-1' },
    ]);
    expect(xmk.map((p) => p.records.length)).toEqual([2, 1, 1]);
    // Records come as field → text, an empty element as "".
    expect(xmk[0]!.records[0]).toEqual(project('150203202304000517'));
    const final = pages.at(-1)!.state;
    expect(BudgetState.parse(final)).toEqual({
      'XMK.QUERY': { syncPoint: 'sp-xmk-1' },
      'ZB.QUERY': { syncPoint: 'sp-other-0' },
      'ZF.QUERY': { syncPoint: 'sp-other-1' },
      'JS.QUERY': { syncPoint: 'sp-other-2' },
      'JX.QUERY': { syncPoint: 'sp-other-3' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('starts an incremental pass from each stored SyncPoint and saves the new one from an empty last page', async () => {
    const sent = gateway([
      done('sp-x2'),
      done('sp-b2'),
      page([payment('ZFPZ7', '4')], { syncPoint: 'sp-f2' }),
      done('sp-s2'),
      done('sp-j2'),
    ]);
    const stored: BudgetState = {
      'XMK.QUERY': { syncPoint: 'sp-x1' },
      'ZB.QUERY': { syncPoint: 'sp-b1' },
      'ZF.QUERY': { syncPoint: 'sp-f1' },
      'JS.QUERY': { syncPoint: 'sp-s1' },
      'JX.QUERY': { syncPoint: 'sp-j1' },
    };
    const pages = await collect(connector.read(makeCtx(), stored, { full: false }));
    expect(sent.map((s) => [s.service, s.syncPoint, s.continuationToken])).toEqual([
      ['XMK.QUERY', 'sp-x1', undefined],
      ['ZB.QUERY', 'sp-b1', undefined],
      ['ZF.QUERY', 'sp-f1', undefined],
      ['JS.QUERY', 'sp-s1', undefined],
      ['JX.QUERY', 'sp-j1', undefined],
    ]);
    expect(sent[0]!.raw).toContain('<Body><SyncPoint>sp-x1</SyncPoint><PageSize>500</PageSize></Body>');
    expect(pages.map((p) => p.records.length)).toEqual([0, 0, 1, 0, 0]);
    expect(pages[0]).toMatchObject({ position: { page: 1, syncPoint: 'sp-x1', token: null }, records: [] });
    expect(pages.at(-1)!.state).toEqual({
      'XMK.QUERY': { syncPoint: 'sp-x2' },
      'ZB.QUERY': { syncPoint: 'sp-b2' },
      'ZF.QUERY': { syncPoint: 'sp-f2' },
      'JS.QUERY': { syncPoint: 'sp-s2' },
      'JX.QUERY': { syncPoint: 'sp-j2' },
    });
  });

  it('ignores stored state when full', async () => {
    const sent = gateway([done('sp-x2'), ...quietRest(4)]);
    await collect(
      connector.read(makeCtx(), { 'XMK.QUERY': { syncPoint: 'sp-x1', token: 'tok-9' } }, { full: true }),
    );
    expect(sent.map((s) => [s.syncPoint, s.continuationToken])).toEqual(
      Array(5).fill([undefined, undefined]),
    );
  });

  it('resumes a running pass from the stored token, keeping the old SyncPoint until the pass ends', async () => {
    const sent = gateway([page([payment('ZFPZ1')], 'tok-6'), done('sp-x9'), ...quietRest(4)]);
    const pages = await collect(
      connector.read(makeCtx(), { 'XMK.QUERY': { syncPoint: 'sp-x1', token: 'tok-5' } }, { full: false }),
    );
    expect(sent.slice(0, 2).map((s) => [s.continuationToken, s.syncPoint])).toEqual([
      ['tok-5', undefined],
      ['tok-6', undefined],
    ]);
    expect(pages[0]).toMatchObject({ position: { page: 1, token: 'tok-5', syncPoint: null } });
    expect(pages[0]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-x1', token: 'tok-6' });
    expect(pages[1]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-x9' });
  });

  it('2002: restarts the pass from the last stored SyncPoint', async () => {
    const { log, lines } = capturingLog('info');
    const sent = gateway([
      retCode('2002', '续传令牌无效'),
      page([project('150203202304000517')], 'tok-a'),
      done('sp-x2'),
      ...quietRest(4),
    ]);
    const pages = await collect(
      connector.read(
        makeCtx({ log }),
        { 'XMK.QUERY': { syncPoint: 'sp-x1', token: 'tok-stale' } },
        { full: false },
      ),
    );
    expect(sent.slice(0, 3).map((s) => [s.continuationToken, s.syncPoint])).toEqual([
      ['tok-stale', undefined],
      [undefined, 'sp-x1'],
      ['tok-a', undefined],
    ]);
    expect(pages[0]).toMatchObject({
      position: { page: 1, syncPoint: 'sp-x1' },
      state: { 'XMK.QUERY': { syncPoint: 'sp-x1', token: 'tok-a' } },
    });
    expect(pages[1]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-x2' });
    expect(
      lines.some((l) => l.includes(HubErrors.SOURCE_CURSOR_INVALID.spec.code) && l.includes('2002')),
    ).toBe(true);
  });

  it('2003: restarts with a full load, and the running pass no longer claims the rejected SyncPoint', async () => {
    const sent = gateway([
      retCode('2003', '同步点无效'),
      page([project('150203202304000517')], 'tok-full-2'),
      done('sp-new'),
      ...quietRest(4),
    ]);
    const pages = await collect(
      connector.read(makeCtx(), { 'XMK.QUERY': { syncPoint: 'sp-expired' } }, { full: false }),
    );
    expect(sent.slice(0, 3).map((s) => [s.continuationToken, s.syncPoint])).toEqual([
      [undefined, 'sp-expired'],
      [undefined, undefined],
      ['tok-full-2', undefined],
    ]);
    expect(pages[0]!.state['XMK.QUERY']).toEqual({ token: 'tok-full-2' });
    expect(pages[1]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-new' });
  });

  it('refuses an invalid-cursor answer to a request that sent no cursor, instead of looping', async () => {
    const sent = gateway([retCode('2002', '续传令牌无效')]);
    const { pages, error } = await collectUntilError(connector.read(makeCtx(), undefined, { full: false }));
    expect(HubErrors.SOURCE_REJECTED.is(error)).toBe(true);
    expect(pages).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('1001: SOURCE_AUTH after exactly one request, no retry', async () => {
    const sent = gateway([retCode('1001', '认证失败'), retCode('1001', '认证失败')]);
    const { pages, error } = await collectUntilError(connector.read(makeCtx(), undefined, { full: false }));
    expect(HubErrors.SOURCE_AUTH.is(error)).toBe(true);
    expect((error as HubError).retryable).toBe(false);
    expect(sent).toHaveLength(1);
    expect(pages).toEqual([]);
  });

  it('3001 with HTTP 429: waits the Retry-After seconds, then repeats', async () => {
    const { log, lines } = capturingLog('info');
    const sent = gateway([
      retCode('3001', '请求过于频繁', 429, { 'Retry-After': '1' }),
      done('sp-x'),
      ...quietRest(4),
    ]);
    const started = performance.now();
    const pages = await collect(connector.read(makeCtx({ log, maxMs: 300 }), undefined, { full: false }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(sent).toHaveLength(6);
    expect(pages[0]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-x' });
    const retry = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'source request failed; retrying');
    expect(retry).toMatchObject({ waitMs: 1000, code: HubErrors.SOURCE_TRANSIENT.spec.code });
  });

  it('9001 busy and 9999 internal error envelopes are retried', async () => {
    const sent = gateway([
      retCode('9001', '系统繁忙，请稍后重试'),
      retCode('9999', '内部错误'),
      done('sp-x'),
      ...quietRest(4),
    ]);
    const pages = await collect(connector.read(makeCtx(), undefined, { full: false }));
    expect(sent).toHaveLength(7);
    expect(new Set(sent.slice(0, 3).map((s) => s.serialNo)).size).toBe(3);
    expect(pages[0]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-x' });
  });

  it('a 503 with an HTML body and a reset connection are retried', async () => {
    gateway([
      () => [503, fixture('gateway-503.html'), { 'Content-Type': 'text/html' }],
      { error: 'ECONNRESET' },
      done('sp-x'),
      ...quietRest(4),
    ]);
    const pages = await collect(connector.read(makeCtx(), undefined, { full: false }));
    expect(pages[0]!.state['XMK.QUERY']).toEqual({ syncPoint: 'sp-x' });
    expect(nock.isDone()).toBe(true);
  });

  it('retries exhausted: the generator throws and no state past the last good page was yielded', async () => {
    const down: Step = () => [503, '', {}];
    const sent = gateway([page([project('150203202304000517')], 'tok-2'), down, down, down, down]);
    const { pages, error } = await collectUntilError(
      connector.read(makeCtx({ attempts: 4 }), undefined, { full: false }),
    );
    expect(HubErrors.SOURCE_TRANSIENT.is(error)).toBe(true);
    expect(sent).toHaveLength(5);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.state).toEqual({ 'XMK.QUERY': { token: 'tok-2' } });
  });

  it('rejects a body declared GBK whose bytes are UTF-8 as SOURCE_PAYLOAD, yielding no records', async () => {
    const lying: Step = () => [200, fixture('gbk-declared-utf8-bytes.xml'), GBK_HEADERS];
    gateway([lying, lying]);
    const { pages, error } = await collectUntilError(
      connector.read(makeCtx({ attempts: 2 }), undefined, { full: false }),
    );
    expect(HubErrors.SOURCE_PAYLOAD.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/declared GBK but the bytes are UTF-8/);
    expect(pages).toEqual([]);
  });

  it('rejects a payload with a DOCTYPE (entity expansion) as SOURCE_PAYLOAD', async () => {
    const dtd: Step = () => [
      200,
      fixture('doctype-entities.utf8.xml'),
      { 'Content-Type': 'text/xml; charset=UTF-8' },
    ];
    gateway([dtd, dtd]);
    const { pages, error } = await collectUntilError(
      connector.read(makeCtx({ attempts: 2 }), undefined, { full: false }),
    );
    expect(HubErrors.SOURCE_PAYLOAD.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/document type declarations/);
    expect(pages).toEqual([]);
  });

  it('rejects an answer that echoes another SerialNo', async () => {
    const foreign: Step = () => [
      200,
      envelope(
        'someone-else',
        '0000',
        '成功',
        '<RecordCount>0</RecordCount><HasMore>0</HasMore><SyncPoint>x</SyncPoint>',
      ),
      GBK_HEADERS,
    ];
    gateway([foreign]);
    const { error } = await collectUntilError(
      connector.read(makeCtx({ attempts: 1 }), undefined, { full: false }),
    );
    expect(HubErrors.SOURCE_PAYLOAD.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/SerialNo someone-else/);
  });

  it('serves a real GBK sample page through read, records intact', async () => {
    gateway([sample('XMK.QUERY-page-1.gbk.xml'), done('sp-x'), ...quietRest(4)]);
    const pages = await collect(connector.read(makeCtx(), undefined, { full: false }));
    expect(pages[0]!.records).toHaveLength(4);
    expect(pages[0]!.records[1]).toMatchObject({
      XMMC: '包头市博强医药年产10000吨稀土抛光粉（一期）项目',
      SDJE: '',
    });
    expect(pages[0]!.state['XMK.QUERY']).toEqual({ token: 'eyJrIjoicHJvamVjdCIsImYiOjQsInQiOjQ4N30' });
  });

  it('never writes the Token to a log line or an error, even when the platform echoes it', async () => {
    const { log, lines: chunks } = capturingLog('trace');
    gateway([
      retCode('9001', `系统繁忙 Token=${SECRET}`),
      () => [503, `<html>bad gateway for ${SECRET}</html>`, { 'Content-Type': 'text/html' }],
      retCode('2003', `同步点无效 ${SECRET}`),
      retCode('1001', `Token ${SECRET} 认证失败`),
    ]);
    const { error } = await collectUntilError(
      connector.read(makeCtx({ log, attempts: 4 }), { 'XMK.QUERY': { syncPoint: 'sp-1' } }, { full: false }),
    );
    expect(HubErrors.SOURCE_AUTH.is(error)).toBe(true);
    const all = chunks.join('');
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(all).not.toContain(SECRET);
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).message).toContain('***');
  });
});

describe('check', () => {
  it('reports ok with one PageSize 1 request for XMK.QUERY', async () => {
    const sent = gateway([done('sp-x')]);
    const res = await connector.check(makeCtx());
    expect(res.ok).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ service: 'XMK.QUERY', pageSize: '1' });
  });

  it.each([
    ['auth', [retCode('1001', '认证失败')]],
    ['connection', [{ error: 'ECONNREFUSED' }, { error: 'ECONNREFUSED' }]],
    ['tls', [{ error: 'CERT_HAS_EXPIRED' }]],
    [
      'payload',
      [
        () => [200, fixture('doctype-entities.utf8.xml'), {}] as Reply,
        () => [200, fixture('doctype-entities.utf8.xml'), {}] as Reply,
      ],
    ],
  ] as Array<[string, Step[]]>)('reports failure %s by error class', async (failure, steps) => {
    gateway(steps);
    const res = await connector.check(makeCtx({ attempts: 2 }));
    expect(res, JSON.stringify(res)).toMatchObject({ ok: false, failure });
    if (!res.ok) expect(res.detail).not.toContain(SECRET);
    expect(nock.isDone()).toBe(true);
  });
});

describe('spec', () => {
  it('defaults to the documented rate limit and the largest page', () => {
    const c = BudgetSpec.parse({ baseUrl: BASE, auth: { SysCode: 'BTLEDGER', Token: SECRET } });
    expect(c.rateLimit).toEqual({ rps: 10, burst: 20 });
    expect(c.pageSize).toBe(500);
    expect(connector.secrets(c)).toEqual([SECRET]);
  });

  it('refuses a page size outside 1–500 and missing credentials', () => {
    const base = { baseUrl: BASE, auth: { SysCode: 'BTLEDGER', Token: SECRET } };
    expect(BudgetSpec.safeParse({ ...base, pageSize: 501 }).success).toBe(false);
    expect(BudgetSpec.safeParse({ ...base, pageSize: 0 }).success).toBe(false);
    expect(BudgetSpec.safeParse({ ...base, auth: { SysCode: 'BTLEDGER' } }).success).toBe(false);
  });

  it('describes every field', () => {
    const shape = BudgetSpec.shape;
    for (const [name, field] of Object.entries(shape)) expect(field.description, name).toBeTruthy();
    for (const [name, field] of Object.entries(shape.auth.shape))
      expect(field.description, name).toBeTruthy();
  });
});
