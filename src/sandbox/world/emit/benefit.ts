/**
 * Enterprise subsidy disbursements (benefit.md §3) for enterprise-owned projects; the project is
 * named only by its name as the applicant typed it.
 */
import { fenToWan } from '../amount.js';
import { DAY, HOUR, bjDate, bjIsoOffset, bjYear } from '../clock.js';
import { S } from '../plan.js';
import { UNLINKED } from '../sink.js';
import { toFullWidthBrackets, typedName, withCityPrefix } from '../spell.js';
import type { Disbursement } from '../types.js';
import type { ProjectCtx } from './context.js';
import type { Rng } from '../rng.js';
import type { Sink } from '../sink.js';

export interface SubsidyDraft {
  enterpriseName: string;
  enterpriseUscc: string;
  policy: { code: string; name: string };
  projectName: string;
  districtCode: string;
  approvedFen: number;
  applyAt: number;
}

/** Builds a disbursement with a state drawn from the platform's usual mix. */
export function makeDisbursement(sink: Sink, rng: Rng, f: SubsidyDraft): { rec: Disbursement; t: number } {
  const state = rng.weighted(['已兑付', '部分兑付', '待兑付', '已撤销'], [55, 15, 24, 6]);
  const paidAt = sink.stamp(f.applyAt + rng.int(20, 120) * DAY);
  const paid = paidAt < sink.now - DAY && state !== '待兑付';
  const paidFen = !paid
    ? 0
    : state === '部分兑付'
      ? Math.floor((f.approvedFen * rng.logUniform(0.3, 0.9)) / 100) * 100
      : f.approvedFen;
  const finalState = !paid && state !== '已撤销' ? '待兑付' : state;
  const updatedAt = sink.stamp((paid ? paidAt : f.applyAt + rng.int(5, 30) * DAY) + rng.int(1, 30) * HOUR);
  const y = bjYear(f.applyAt);
  return {
    rec: {
      applicationId: `HQ${y}${String(sink.next(`hq|${y}`)).padStart(8, '0')}`,
      enterpriseName: f.enterpriseName,
      enterpriseUscc: f.enterpriseUscc,
      policyItemCode: f.policy.code,
      policyName: f.policy.name,
      projectName: f.projectName,
      approvedAmount: fenToWan(f.approvedFen),
      paidAmount: fenToWan(paidFen),
      paidDate: paidFen > 0 ? bjDate(paidAt) : null,
      districtCode: f.districtCode,
      state: finalState,
      applyDate: bjDate(f.applyAt),
      updatedAt: bjIsoOffset(updatedAt),
    },
    t: updatedAt,
  };
}

export function emitBenefit(ctx: ProjectCtx): void {
  const { plan: p, sink, rng, survivor, key } = ctx;
  if (p.owner.gov || p.continuationOf !== null || p.stage < S.approved || p.terminated) return;
  const count = p.dupName ? 1 : rng.weighted([0, 1, 2], [2, 6, 2]);
  for (let k = 0; k < count; k++) {
    const applyAt = sink.stamp(p.dates[S.approved]! + rng.int(10, 200) * DAY);
    if (applyAt >= sink.now - 5 * DAY) continue;
    const variant = p.nameVariant && k === 0;
    const projectName = variant ? withCityPrefix(toFullWidthBrackets(p.name)) : typedName(p.name, rng, 0.4);
    const approvedFen = Math.max(10_000, Math.floor((p.sqbzFen * rng.logUniform(0.1, 0.5)) / 100) * 100);
    const { rec, t } = makeDisbursement(sink, rng, {
      enterpriseName: p.owner.name,
      enterpriseUscc: p.owner.uscc,
      policy: p.policy,
      projectName,
      districtCode: p.division,
      approvedFen,
      applyAt,
    });
    // Same enterprise, same name in two years: the hub cannot choose, so it stays unlinked.
    sink.benefit(rec, p.dupName ? UNLINKED : survivor.idx, t);
    const ref = { system: 'benefit', kind: 'subsidy', sourceId: rec.applicationId };
    if (p.dupName) sink.link('ambiguous-subsidy', ref, null, 'ambiguous', true);
    else if (variant) sink.link('name-variant', ref, key, undefined, true);
  }
}
