import { createHash } from 'node:crypto';
import { sumFen } from '../../src/model/money.js';
import {
  MILESTONES,
  STAGES,
  type LinkedBy,
  type Milestones,
  type Money,
  type Project,
  type Stage,
} from '../../src/model/project.js';
import type { NormalizedRecord, RecordOfKind } from '../../src/model/record.js';
import { DIVISIONS } from '../../src/model/systems.js';
import { beijingDateOf } from '../../src/model/time.js';
import { archiveOf, type Checklists } from './archive.js';
import { findingsOf, type FindingThresholds } from './findings.js';
import { priorityOf, type Priority, type PriorityWeights } from './priority.js';

/** One record as the merge sees it: the record and how it was linked. */
export interface Member {
  record: NormalizedRecord;
  linkedBy: LinkedBy;
}

/** The golden record without the fields the store assigns (version, updatedAt). */
export type ProjectDoc = Omit<Project, 'version' | 'updatedAt'> & { priority?: Priority };
type BaseDoc = Omit<ProjectDoc, 'findings' | 'priority'>;

/** What the merge takes from configuration, and the date it evaluates time-based findings at. */
export interface MergeOptions {
  checklists: Checklists;
  thresholds: FindingThresholds;
  weights: PriorityWeights;
  /** YYYY-MM-DD (Beijing) */
  asOf: string;
}

const byId = (a: Member, b: Member) => {
  const x = `${a.record.system}|${a.record.kind}|${a.record.sourceId}`;
  const y = `${b.record.system}|${b.record.kind}|${b.record.sourceId}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

function ofKind<K extends NormalizedRecord['kind']>(ms: Member[], kind: K): RecordOfKind<K>[] {
  return ms.filter((m) => m.record.kind === kind).map((m) => m.record as RecordOfKind<K>);
}
const active = <R extends NormalizedRecord>(rs: R[]) => rs.filter((r) => r.state === 'active');
const minDate = (ds: Array<string | null | undefined>) =>
  ds.filter((d): d is string => !!d).sort()[0] ?? null;
const sumOrNull = (vals: number[]) => (vals.length ? sumFen(vals) : null);
const uniqSorted = (vals: Array<string | undefined | null>) =>
  [...new Set(vals.filter((v): v is string => !!v))].sort();

/** Latest by source order, ties by sourceId: deterministic whatever the arrival order. */
function latest<R extends NormalizedRecord>(rs: R[]): R | undefined {
  return [...rs].sort((a, b) => b.order - a.order || (a.sourceId < b.sourceId ? -1 : 1))[0];
}

/**
 * Merges all records linked to one project into its golden record, exactly as the
 * survivorship table of ledger.md §3 says. Pure and deterministic: the members are sorted
 * first, so the result depends only on the set of records, never on their arrival order.
 */
export function mergeProject(projectKey: string, members: Member[], opts: MergeOptions): ProjectDoc | null {
  const base = mergeBase(projectKey, members, opts.checklists);
  if (!base) return null;
  const findings = findingsOf(base, opts.asOf, opts.thresholds);
  // A continuation entry (续建) or several library entries for one investment: a continuing project.
  const continuing = base.codes.budget.length > 1 || (base.name ?? '').includes('续建');
  const priority = priorityOf(
    {
      stage: base.stage,
      milestones: base.milestones,
      progressPercent: base.progress?.percent ?? null,
      continuing,
      stalled: findings.some((f) => f.code === 'STALLED'),
    },
    opts.weights,
  );
  return { ...base, findings, priority };
}

function mergeBase(projectKey: string, members: Member[], checklists: Checklists): BaseDoc | null {
  const ms = [...members].sort(byId);
  const entries = ofKind(ms, 'project').sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1));
  // The anchor: the smallest key's library entry (its latest version is what the store holds).
  const anchor = entries.find((e) => e.sourceId === projectKey) ?? entries[0];
  if (!anchor && ms.length === 0) return null;

  const indicators = ofKind(ms, 'indicator');
  const payments = ofKind(ms, 'payment');
  const awards = ofKind(ms, 'award');
  const contracts = ofKind(ms, 'contract');
  const tenders = ofKind(ms, 'tender');
  const cards = ofKind(ms, 'assetCard');
  const subsidies = ofKind(ms, 'subsidy');
  const docs = ofKind(ms, 'document');
  const progress = ofKind(ms, 'progress');
  const snapshots = ofKind(ms, 'snapshot');
  const sites = ofKind(ms, 'site');
  const finals = ofKind(ms, 'finalAccount');
  const evals = ofKind(ms, 'evaluation');

  const a = anchor?.data;
  const finalAcc = latest(active(finals));
  const evaluation = latest(active(evals));
  const activeProgress = active(progress).sort(
    (x, y) => x.data.eventTime.localeCompare(y.data.eventTime) || x.sourceId.localeCompare(y.sourceId),
  );
  const lastProgress = activeProgress[activeProgress.length - 1];

  const money: Money = {
    totalInvestmentFen: a?.totalInvestmentFen ?? null,
    requestedSubsidyFen: a?.requestedSubsidyFen ?? null,
    reviewedFen: a?.reviewedFen ?? null,
    allocatedFen: sumOrNull(active(indicators).map((r) => r.data.amountFen)),
    disbursedFen: sumOrNull(active(payments).map((r) => r.data.amountFen)),
    contractFen: sumOrNull(active(contracts).map((r) => r.data.amountFen)),
    awardFen: sumOrNull(active(awards).map((r) => r.data.amountFen)),
    finalAccountFen: finalAcc?.data.amountFen ?? null,
    assetValueFen: sumOrNull(active(cards).map((r) => r.data.originalValueFen)),
    subsidyApprovedFen: sumOrNull(active(subsidies).map((r) => r.data.approvedFen)),
    subsidyPaidFen: sumOrNull(active(subsidies).map((r) => r.data.paidFen)),
  };

  const docDate = (t: string) =>
    minDate(
      active(docs)
        .filter((d) => d.data.docType === t)
        .map((d) => d.data.signDate),
    );
  const firstStarted = activeProgress.find((p) => p.data.percent > 0);
  const firstComplete = activeProgress.find((p) => p.data.percent >= 100);
  const milestones: Milestones = {
    feasibilityApproved: docDate('feasibilityApproval'),
    projectApproved: docDate('projectApproval'),
    landUsePermit: docDate('landUsePermit'),
    constructionPermit: docDate('constructionPermit'),
    tenderPublished: minDate(active(tenders).map((t) => beijingDate(t.data.firstPublishTime))),
    awarded: minDate(active(awards).map((t) => beijingDate(t.data.firstPublishTime))),
    contractSigned: minDate(active(contracts).map((c) => c.data.signDate)),
    constructionStarted: firstStarted ? beijingDate(firstStarted.data.eventTime) : null,
    completionAccepted: docDate('completionAcceptance'),
    finalAccounts: minDate(active(finals).map((f) => f.data.date)),
    handedOver: minDate([docDate('handover'), ...active(cards).map((c) => c.data.handoverDate)]),
    performanceEvaluated: minDate(active(evals).map((e) => e.data.date)),
  };

  const stage = stageOf(money, milestones, {
    tender: active(tenders).length > 0,
    contract: active(contracts).length > 0,
    progressMax: Math.max(0, ...activeProgress.map((p) => p.data.percent)),
  });

  const category = a?.category ?? null;
  const hasPayment = active(payments).length > 0;
  const archive = archiveOf(checklists, category, stage, {
    ...Object.fromEntries(MILESTONES.map((m) => [m, milestones[m] !== null])),
    payment: hasPayment,
    siteImages: active(snapshots).length > 0,
    supervisionReport: active(docs).some((d) => d.data.docType === 'supervisionReport'),
    assetCard: active(cards).length > 0,
  });

  const site = latest(sites);
  const provenance: ProjectDoc['provenance'] = {};
  if (anchor) {
    const p = { system: anchor.system, kind: anchor.kind, sourceId: anchor.sourceId, at: anchor.sourceTime };
    for (const f of [
      'name',
      'ownerUnit',
      'district',
      'sector',
      'policyItem',
      'category',
      'money.totalInvestmentFen',
      'money.requestedSubsidyFen',
      'money.reviewedFen',
    ])
      provenance[f] = p;
  }
  if (finalAcc) provenance['money.finalAccountFen'] = prov(finalAcc);
  if (evaluation) provenance['performance'] = prov(evaluation);
  if (lastProgress) provenance['progress'] = prov(lastProgress);
  if (site) provenance['location'] = prov(site);

  const investmentCodes = uniqSorted([
    ...ms.map((m) => m.record.keys.investmentCode),
    ...entries.map((e) => e.data.investmentCode),
  ]);
  const conflicts: ProjectDoc['conflicts'] = [];
  const entryCodes = uniqSorted(entries.map((e) => e.data.investmentCode));
  if (entryCodes.length > 0) {
    const disagreeing = ms.filter(
      (m) =>
        m.record.kind !== 'project' &&
        m.record.keys.investmentCode &&
        !entryCodes.includes(m.record.keys.investmentCode),
    );
    if (disagreeing.length > 0) {
      conflicts.push({
        field: 'codes.investment',
        values: [
          ...entries
            .filter((e) => e.data.investmentCode)
            .map((e) => ({ system: e.system, sourceId: e.sourceId, value: e.data.investmentCode })),
          ...disagreeing.map((m) => ({
            system: m.record.system,
            sourceId: m.record.sourceId,
            value: m.record.keys.investmentCode,
          })),
        ],
      });
    }
  }

  const allocated = money.allocatedFen ?? 0;
  const disbursed = money.disbursedFen ?? 0;
  return {
    projectKey,
    codes: {
      budget: uniqSorted(entries.map((e) => e.sourceId)),
      investment: investmentCodes,
      tender: uniqSorted(tenders.map((t) => t.keys.sectionCode)),
      contract: uniqSorted(contracts.map((c) => c.keys.contractNo)),
      permit: uniqSorted(ms.map((m) => m.record.keys.permitNo)),
      site: uniqSorted(ms.map((m) => m.record.keys.siteId)),
    },
    name: a?.name ?? null,
    ownerUnit: a?.ownerUnit ?? { name: null, uscc: null, unitCode: null },
    district: a
      ? {
          code: a.district.code,
          name: a.district.name ?? (a.district.code ? (DIVISIONS[a.district.code] ?? null) : null),
        }
      : { code: null, name: null },
    sector: a?.sector ?? null,
    policyItem: a?.policyItem ?? null,
    category,
    stage,
    money,
    milestones,
    progress: lastProgress
      ? {
          percent: lastProgress.data.percent,
          at: lastProgress.data.eventTime,
          siteId: lastProgress.keys.siteId ?? '',
        }
      : null,
    location: site?.data.location ?? null,
    performance: evaluation
      ? { score: evaluation.data.score, grade: evaluation.data.grade, date: evaluation.data.date }
      : null,
    dimensions: {
      application: {
        declaredDate: a?.declaredDate ?? null,
        year: a?.year ?? null,
        requestedSubsidyFen: money.requestedSubsidyFen,
        totalInvestmentFen: money.totalInvestmentFen,
        libraryStatus: a?.status ?? null,
      },
      review: {
        requestedFen: money.requestedSubsidyFen,
        reviewedFen: money.reviewedFen,
        cutFen:
          money.requestedSubsidyFen !== null && money.reviewedFen !== null
            ? money.requestedSubsidyFen - money.reviewedFen
            : null,
        reviewed: money.reviewedFen !== null,
      },
      construction: {
        progressPercent: lastProgress?.data.percent ?? null,
        lastProgressAt: lastProgress?.data.eventTime ?? null,
        started: milestones.constructionStarted,
        completed:
          milestones.completionAccepted ?? (firstComplete ? beijingDate(firstComplete.data.eventTime) : null),
        sites: uniqSorted(sites.map((s) => s.sourceId)),
      },
      funds: {
        allocatedFen: money.allocatedFen,
        disbursedFen: money.disbursedFen,
        // Basis points as an integer: exact, no float on money.
        disbursementRateBp: allocated > 0 ? Number((BigInt(disbursed) * 10000n) / BigInt(allocated)) : null,
        lastPaymentDate: [...active(payments).map((p) => p.data.date)].filter(Boolean).sort().pop() ?? null,
        payments: active(payments).length,
      },
      performance: {
        score: evaluation?.data.score ?? null,
        grade: evaluation?.data.grade ?? null,
        date: evaluation?.data.date ?? null,
      },
      archive,
    },
    records: ms.map((m) => ({
      system: m.record.system,
      kind: m.record.kind,
      sourceId: m.record.sourceId,
      version: m.record.version,
      linkedBy: m.linkedBy,
      state: m.record.state,
    })),
    provenance,
    conflicts,
  };
}

function prov(r: NormalizedRecord) {
  return { system: r.system, kind: r.kind, sourceId: r.sourceId, at: r.sourceTime };
}

function beijingDate(iso: string): string {
  return beijingDateOf(Date.parse(iso));
}

/** The highest stage with evidence (ledger.md §3 "Stage"). */
export function stageOf(
  money: Money,
  m: Milestones,
  e: { tender: boolean; contract: boolean; progressMax: number },
): Stage {
  const evidence: Record<Stage, boolean> = {
    reserve: true,
    approved: !!(m.feasibilityApproved || m.projectApproved),
    funded: (money.allocatedFen ?? 0) > 0,
    tendering: e.tender,
    construction: e.contract || e.progressMax > 0,
    completed: !!m.completionAccepted || e.progressMax >= 100,
    finalAccounted: !!m.finalAccounts,
    handedOver: !!m.handedOver,
    evaluated: !!m.performanceEvaluated,
  };
  let s: Stage = 'reserve';
  for (const st of STAGES) if (evidence[st]) s = st;
  return s;
}

/** Canonical JSON (sorted keys) and its hash: equal ledgers hash equal. */
export function canonicalJson(v: unknown): string {
  // Loops and string appends rather than map/filter/join: every merge hashes its whole document.
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i > 0 ? ',' : '') + (leafJson(v[i]) ?? '');
    return s + ']';
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  // The merge builds its objects in sorted order more often than not: check before sorting.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let s = '{';
  for (const k of keys) {
    const x = o[k];
    if (x === undefined) continue;
    s += (s.length > 1 ? ',' : '') + quotedKey(k) + ':' + leafJson(x);
  }
  return s + '}';
}

/** An element's or member's JSON, with strings, finite numbers and booleans written without a call down. */
function leafJson(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  // String() and JSON.stringify agree on every finite number (-0 included); not on NaN or ±Infinity.
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return canonicalJson(x);
}

/**
 * Quoted object keys: a ledger document repeats a few dozen names (`system`, `sourceId` … in every
 * record entry), and quoting each again was a fifth of hashing it. Bounded, as keys come from data.
 */
const QUOTED = new Map<string, string>();
function quotedKey(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (QUOTED.size < 10_000) QUOTED.set(k, q);
  }
  return q;
}

export function docHash(doc: unknown): string {
  return createHash('sha256').update(canonicalJson(doc)).digest('hex').slice(0, 32);
}
