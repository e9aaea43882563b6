import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../../src/model/record.js';
import { DEFAULT_CHECKLISTS, archiveOf } from './archive.js';
import { DEFAULT_THRESHOLDS, findingsOf } from './findings.js';
import { canonicalJson, docHash, mergeProject, type Member } from './merge.js';
import { DEFAULT_WEIGHTS, priorityOf } from './priority.js';

const KEY = '150203202304000517';
const base = {
  system: 'budget' as const,
  version: '1',
  order: 1,
  state: 'active' as const,
  sourceTime: null,
  warnings: [],
};
const opts = (asOf = '2025-06-01') => ({
  checklists: DEFAULT_CHECKLISTS,
  thresholds: DEFAULT_THRESHOLDS,
  weights: DEFAULT_WEIGHTS,
  asOf,
});

function project(
  over: Partial<Extract<NormalizedRecord, { kind: 'project' }>['data']> = {},
  sourceId = KEY,
): Member {
  return {
    linkedBy: 'budgetCode',
    record: {
      ...base,
      kind: 'project',
      sourceId,
      keys: { budgetCode: sourceId },
      data: {
        name: '钢铁大街综合管廊建设项目',
        investmentCode: '2023-150203-48-01-000123',
        ownerUnit: { name: '住建局', uscc: null, unitCode: null },
        district: { code: '150203', name: '昆都仑区' },
        sector: '基础设施',
        sectorCode: '04',
        policyItem: null,
        policyItemCode: null,
        category: 'fixedAsset',
        year: 2023,
        declaredDate: '2023-03-14',
        totalInvestmentFen: 1_000_000,
        requestedSubsidyFen: 500_000,
        reviewedFen: null,
        status: '已入库',
        ...over,
      },
    },
  };
}
const money = (
  kind: 'indicator' | 'payment',
  id: string,
  fen: number,
  state: 'active' | 'revoked' = 'active',
  date = '2025-01-01',
): Member => ({
  linkedBy: 'budgetCode',
  record:
    kind === 'indicator'
      ? {
          ...base,
          state,
          kind,
          sourceId: id,
          keys: { budgetCode: KEY },
          data: {
            docNo: null,
            amountFen: fen,
            fundNature: null,
            functionCode: null,
            functionName: null,
            year: 2025,
            issueDate: date,
            status: null,
          },
        }
      : {
          ...base,
          state,
          kind,
          sourceId: id,
          keys: { budgetCode: KEY },
          data: { indicatorNo: null, date, amountFen: fen, payee: { name: null, uscc: null }, status: null },
        },
});
const doc = (type: string, date: string, id = type): Member => ({
  linkedBy: 'title',
  record: {
    ...base,
    system: 'oa',
    kind: 'document',
    sourceId: id,
    keys: {},
    data: {
      docNo: null,
      docType: type as never,
      docTypeLabel: type,
      title: 't',
      issuingUnit: null,
      signDate: date,
      attachments: 0,
      status: null,
    },
  },
});
const progress = (id: string, percent: number, at: string): Member => ({
  linkedBy: 'transitive',
  record: {
    ...base,
    system: 'smartcity',
    kind: 'progress',
    sourceId: id,
    keys: { siteId: 'SITE-150203-000001' },
    data: { percent, reporter: null, eventTime: at },
  },
});
const contract = (id: string, fen: number, state: 'active' | 'revoked' = 'active'): Member => ({
  linkedBy: 'transitive',
  record: {
    ...base,
    system: 'trading',
    kind: 'contract',
    sourceId: id,
    state,
    keys: { contractNo: id },
    data: {
      name: null,
      amountFen: fen,
      signDate: '2024-03-01',
      buyer: { name: null, uscc: null },
      supplier: { name: null, uscc: null },
      publishTime: '2024-03-02T00:00:00Z',
      status: null,
    },
  },
});

describe('mergeProject', () => {
  it('sums active records exactly and counts revoked ones in no total', () => {
    const d = mergeProject(
      KEY,
      [
        project(),
        money('indicator', 'Z1', 700),
        money('indicator', 'Z2', 300, 'revoked'),
        money('payment', 'P1', 200),
        money('payment', 'P2', 999, 'revoked'),
      ],
      opts(),
    )!;
    expect(d.money).toMatchObject({
      allocatedFen: 700,
      disbursedFen: 200,
      totalInvestmentFen: 1_000_000,
      contractFen: null,
    });
    expect(d.records).toHaveLength(5);
    expect(d.records.filter((r) => r.state === 'revoked')).toHaveLength(2);
  });

  it('is a function of the set of records, not their order', () => {
    const ms = [
      project(),
      money('indicator', 'Z1', 700),
      money('payment', 'P1', 200),
      doc('feasibilityApproval', '2023-02-03'),
      progress('e1', 40, '2025-01-01T00:00:00Z'),
    ];
    const a = canonicalJson(mergeProject(KEY, ms, opts()));
    const b = canonicalJson(mergeProject(KEY, [...ms].reverse(), opts()));
    expect(a).toBe(b);
  });

  it('takes the earliest date per milestone and the latest progress by event time, not arrival', () => {
    const d = mergeProject(
      KEY,
      [
        project(),
        doc('feasibilityApproval', '2023-05-01', 'a'),
        doc('feasibilityApproval', '2023-02-03', 'b'),
        progress('late', 80, '2025-03-01T00:00:00Z'),
        progress('early', 90, '2024-12-01T00:00:00Z'),
      ],
      opts(),
    )!;
    expect(d.milestones.feasibilityApproved).toBe('2023-02-03');
    expect(d.progress).toMatchObject({ percent: 80, at: '2025-03-01T00:00:00Z' });
    expect(d.milestones.constructionStarted).toBe('2024-12-01');
  });

  it.each([
    [[], 'reserve'],
    [[doc('projectApproval', '2023-01-01')], 'approved'],
    [[money('indicator', 'Z', 1)], 'funded'],
    [[money('indicator', 'Z', 1, 'revoked')], 'reserve'],
    [[contract('BTHT20230000001', 5)], 'construction'],
    [[contract('BTHT20230000001', 5, 'revoked')], 'reserve'],
    [[progress('p', 0, '2024-01-01T00:00:00Z')], 'reserve'],
    [[progress('p', 0.1, '2024-01-01T00:00:00Z')], 'construction'],
    [[progress('p', 100, '2024-01-01T00:00:00Z')], 'completed'],
    [[doc('completionAcceptance', '2024-01-01')], 'completed'],
  ] as Array<[Member[], string]>)('stage from evidence %#', (extra, stage) => {
    expect(mergeProject(KEY, [project(), ...extra], opts())!.stage).toBe(stage);
  });

  it('lists a conflict when a linked record names another investment code', () => {
    const tender: Member = {
      linkedBy: 'transitive',
      record: {
        ...base,
        system: 'trading',
        kind: 'tender',
        sourceId: 'BTGGZY-2023-FJ-000105-01',
        keys: { investmentCode: '2023-150203-48-01-999999', sectionCode: 'BTGGZY-2023-FJ-000105-01' },
        data: {
          sectionName: null,
          name: null,
          tenderer: { name: null, uscc: null },
          tradeCategory: null,
          budgetFen: null,
          firstPublishTime: '2023-05-17T02:21:04Z',
          publishTime: '2023-05-17T02:21:04Z',
        },
      },
    };
    const d = mergeProject(KEY, [project(), tender], opts())!;
    expect(d.conflicts[0]!.field).toBe('codes.investment');
    expect(d.findings.map((f) => f.code)).toContain('SOURCE_CONFLICT');
    expect(d.codes.investment).toEqual(['2023-150203-48-01-000123', '2023-150203-48-01-999999']);
  });
});

describe('findings at their boundaries', () => {
  const construction = (lastProgress: string, asOf: string) =>
    mergeProject(
      KEY,
      [project(), contract('BTHT20230000001', 5), progress('p', 50, lastProgress)],
      opts(asOf),
    )!;
  it('STALLED after exactly more than 180 days without progress or payment', () => {
    expect(construction('2025-01-01T02:00:00Z', '2025-06-30').findings.map((f) => f.code)).not.toContain(
      'STALLED',
    ); // 180 days
    expect(construction('2025-01-01T02:00:00Z', '2025-07-01').findings.map((f) => f.code)).toContain(
      'STALLED',
    ); // 181 days
  });
  it('OVER_DISBURSED only when disbursed exceeds allocated', () => {
    const eq = mergeProject(
      KEY,
      [project(), money('indicator', 'Z', 500), money('payment', 'P', 500)],
      opts(),
    )!;
    expect(eq.findings.map((f) => f.code)).not.toContain('OVER_DISBURSED');
    const over = mergeProject(
      KEY,
      [project(), money('indicator', 'Z', 500), money('payment', 'P', 501)],
      opts(),
    )!;
    expect(over.findings.map((f) => f.code)).toContain('OVER_DISBURSED');
  });
  it('CONTRACT_OVER_INVESTMENT and thresholds from configuration', () => {
    const d = mergeProject(
      KEY,
      [project({ totalInvestmentFen: 10 }), contract('BTHT20230000001', 11)],
      opts(),
    )!;
    expect(d.findings.map((f) => f.code)).toContain('CONTRACT_OVER_INVESTMENT');
    const doc30 = construction('2025-01-01T02:00:00Z', '2025-02-15');
    expect(
      findingsOf(doc30, '2025-02-15', { ...DEFAULT_THRESHOLDS, stalledDays: 30 }).map((f) => f.code),
    ).toContain('STALLED');
  });
  it('ASSET_NOT_RECORDED and EVALUATION_OVERDUE count from the completion date', () => {
    const done = [project(), doc('completionAcceptance', '2024-01-01')];
    const codes = (asOf: string) => mergeProject(KEY, done, opts(asOf))!.findings.map((f) => f.code);
    expect(codes('2024-06-28')).not.toContain('ASSET_NOT_RECORDED'); // 179 days
    expect(codes('2024-06-29')).toContain('ASSET_NOT_RECORDED'); // 180 days
    expect(codes('2024-12-30')).not.toContain('EVALUATION_OVERDUE'); // 364 days
    expect(codes('2024-12-31')).toContain('EVALUATION_OVERDUE'); // 365 days
  });
});

describe('archive completeness', () => {
  it('requires evidence once its stage is reached, per category', () => {
    const a = archiveOf(DEFAULT_CHECKLISTS, 'fixedAsset', 'approved', { feasibilityApproved: true });
    expect(a).toEqual({
      required: ['feasibilityApproved'],
      present: ['feasibilityApproved'],
      missing: [],
      complete: true,
    });
    const e = archiveOf(DEFAULT_CHECKLISTS, 'equipment', 'construction', { projectApproved: true });
    expect(e.required).toEqual(['projectApproved', 'tenderPublished', 'contractSigned', 'payment']);
    expect(e.missing).toEqual(['tenderPublished', 'contractSigned', 'payment']);
    const n = archiveOf(DEFAULT_CHECKLISTS, 'nonFixed', 'evaluated', {
      projectApproved: true,
      payment: true,
      performanceEvaluated: true,
    });
    expect(n.complete).toBe(true);
  });
  it('follows a changed checklist without code changes', () => {
    const custom = [{ evidence: 'payment', stage: 'funded' as const, categories: ['nonFixed' as const] }];
    expect(archiveOf(custom, 'nonFixed', 'funded', {}).missing).toEqual(['payment']);
  });
});

describe('funding priority', () => {
  const m = {
    feasibilityApproved: '2023-01-01',
    projectApproved: null,
    landUsePermit: '2023-02-01',
    constructionPermit: '2023-03-01',
    tenderPublished: null,
    awarded: null,
    contractSigned: null,
    constructionStarted: null,
    completionAccepted: null,
    finalAccounts: null,
    handedOver: null,
    performanceEvaluated: null,
  };
  it('puts works under construction and stalled ones first, then ready-to-start projects', () => {
    const building = priorityOf({
      stage: 'construction',
      milestones: m,
      progressPercent: 40,
      continuing: false,
      stalled: false,
    });
    const stalled = priorityOf({
      stage: 'construction',
      milestones: m,
      progressPercent: 40,
      continuing: false,
      stalled: true,
    });
    const ready = priorityOf({
      stage: 'funded',
      milestones: m,
      progressPercent: null,
      continuing: false,
      stalled: false,
    });
    const rest = priorityOf({
      stage: 'funded',
      milestones: { ...m, constructionPermit: null },
      progressPercent: null,
      continuing: false,
      stalled: false,
    });
    expect([building.band, stalled.band, ready.band, rest.band]).toEqual([1, 1, 2, 3]);
    expect(stalled.score).toBeGreaterThan(building.score);
    expect(building.score).toBeGreaterThan(ready.score);
    expect(ready.score).toBeGreaterThan(rest.score);
    expect(ready.facts.approvals).toEqual({ approval: true, landUse: true, constructionPermit: true });
  });
});

describe('canonicalJson', () => {
  /** The definition: sorted keys, undefined members left out (as JSON.stringify leaves them). */
  const reference = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map((x) => reference(x) ?? '').join(',')}]`;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`)
        .join(',')}}`;
    }
    return JSON.stringify(v);
  };

  it('is the sorted-key serialization, for any JSON value with undefined members', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), fc.oneof(tie('node'), fc.constant(undefined)), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v) ?? 'null'));
      }),
    );
  });

  it('writes members that are not finite numbers as JSON.stringify does, in any key order', () => {
    const v = { z: Infinity, y: -Infinity, x: NaN, w: -0, v: 1e21, u: [NaN, 2], t: true, s: '"' };
    expect(canonicalJson(v)).toBe(reference(v));
    expect(canonicalJson(v)).toBe(
      '{"s":"\\"","t":true,"u":[null,2],"v":1e+21,"w":0,"x":null,"y":null,"z":null}',
    );
  });

  it('keeps the document hashes of stored projects (so an upgrade bumps no versions)', () => {
    expect(canonicalJson({ b: [1, { d: undefined, c: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"c":"x"}]}');
    // sha256 of '{"a":[true,"项目"],"b":1}', the first 32 hex digits.
    expect(docHash({ b: 1, a: [true, '项目'] })).toBe('98531b7bdd5bf7716204e304bd17b729');
  });
});
