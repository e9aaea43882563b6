import type { Finding } from '../../src/model/project.js';
import type { Project } from '../../src/model/project.js';

type FindingInput = Omit<Project, 'version' | 'updatedAt' | 'findings'>;

/** Thresholds of ledger.md §3 "Findings"; configuration may override them. */
export interface FindingThresholds {
  stalledDays: number;
  assetNotRecordedDays: number;
  evaluationOverdueDays: number;
}
export const DEFAULT_THRESHOLDS: FindingThresholds = {
  stalledDays: 180,
  assetNotRecordedDays: 180,
  evaluationOverdueDays: 365,
};

const DAY = 86_400_000;
const daysBetween = (fromDate: string, asOf: string) =>
  Math.floor((Date.parse(asOf) - Date.parse(fromDate)) / DAY);

/**
 * Reconciliation findings at `asOf` (YYYY-MM-DD). Pure; evaluated on every read so that
 * time-based findings (STALLED …) appear as time passes without any source change.
 */
export function findingsOf(
  doc: FindingInput,
  asOf: string,
  t: FindingThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const out: Finding[] = [];
  const m = doc.money;
  const gt = (a: number | null, b: number | null) => a !== null && a > (b ?? 0);
  if (gt(m.disbursedFen, m.allocatedFen))
    out.push({
      code: 'OVER_DISBURSED',
      severity: 'high',
      detail: `disbursed ${m.disbursedFen} fen > allocated ${m.allocatedFen ?? 0} fen`,
    });
  if (m.totalInvestmentFen !== null && gt(m.contractFen, m.totalInvestmentFen))
    out.push({
      code: 'CONTRACT_OVER_INVESTMENT',
      severity: 'high',
      detail: `contracts ${m.contractFen} fen > total investment ${m.totalInvestmentFen} fen`,
    });
  if (m.requestedSubsidyFen !== null && gt(m.subsidyPaidFen, m.requestedSubsidyFen))
    out.push({
      code: 'SUBSIDY_OVER_REQUEST',
      severity: 'high',
      detail: `subsidies paid ${m.subsidyPaidFen} fen > requested ${m.requestedSubsidyFen} fen`,
    });
  if (doc.stage === 'construction') {
    const c = doc.dimensions.construction as { lastProgressAt?: string | null };
    const f = doc.dimensions.funds as { lastPaymentDate?: string | null };
    const last = [c.lastProgressAt?.slice(0, 10), f.lastPaymentDate]
      .filter((d): d is string => !!d && d <= asOf)
      .sort()
      .pop();
    if (!last || daysBetween(last, asOf) > t.stalledDays)
      out.push({
        code: 'STALLED',
        severity: 'medium',
        detail: last ? `no progress or payment since ${last}` : 'no progress or payment on record',
      });
  }
  const completed = (doc.dimensions.construction as { completed?: string | null }).completed ?? null;
  if (completed && completed <= asOf) {
    const age = daysBetween(completed, asOf);
    if (
      (doc.category === 'fixedAsset' || doc.category === 'equipment') &&
      age >= t.assetNotRecordedDays &&
      (m.assetValueFen ?? null) === null
    )
      out.push({
        code: 'ASSET_NOT_RECORDED',
        severity: 'medium',
        detail: `completed ${completed}, no asset card`,
      });
    if (age >= t.evaluationOverdueDays && !doc.milestones.performanceEvaluated)
      out.push({
        code: 'EVALUATION_OVERDUE',
        severity: 'low',
        detail: `completed ${completed}, no performance evaluation`,
      });
  }
  if (doc.dimensions.archive.missing.length > 0)
    out.push({
      code: 'ARCHIVE_INCOMPLETE',
      severity: 'low',
      detail: `missing: ${doc.dimensions.archive.missing.join(', ')}`,
    });
  if (doc.conflicts.length > 0)
    out.push({
      code: 'SOURCE_CONFLICT',
      severity: 'medium',
      detail: doc.conflicts.map((c) => c.field).join(', '),
    });
  return out;
}
