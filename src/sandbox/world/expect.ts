/**
 * Golden values per survivor project, recomputed from the world's data the way the ledger must
 * (ledger.md §3 survivorship): latest valid version per record, revoked records excluded, only
 * records that will be linked (owner index ≥ 0). Exact: every amount goes through toFen and
 * sums are BigInt.
 */
import { toFen } from '../../model/money.js';
import { BudgetMap } from './budgetLog.js';
import type { ProjectPlan } from './plan.js';
import type { Owners } from './sink.js';
import type { ExpectedProject, SystemData, TradingNotice } from './types.js';

const CATEGORY: Record<string, ExpectedProject['category']> = {
  固投类: 'fixedAsset',
  设备类: 'equipment',
  非固投类: 'nonFixed',
};

interface Acc {
  allocated: bigint;
  disbursed: bigint;
  award: bigint;
  contract: bigint;
  asset: bigint;
  subsidyApproved: bigint;
  subsidyPaid: bigint;
  finalAccount: { fen: bigint; order: string } | null;
}

function tradingFen(v: TradingNotice['fields'][string]): bigint {
  if (v === null || typeof v !== 'object') throw new Error('amount element missing');
  return BigInt(toFen(v.value, v.unit));
}

/**
 * Latest entry (by BBH) per budget record among valid entries that will be linked. Only the
 * order among final accounts matters to the caller (equal XGSJ: the first seen wins), and
 * BudgetMap keeps first-seen order within a service.
 */
function latestBudget(data: SystemData, owners: Owners): BudgetMap<number> {
  const best = new BudgetMap<number>();
  // BBH per visited entry: comparing with the best so far then needs no second look at it.
  const bbh = new Float64Array(data.budget.length);
  data.budget.forEach((entry, i) => {
    if (owners.budget[i]! < 0) return;
    bbh[i] = Number(entry.fields.BBH);
    const prev = best.get(entry);
    if (prev === undefined || bbh[prev]! < bbh[i]!) best.set(entry, i);
  });
  return best;
}

/**
 * Expected projects for the survivors in `only` (all survivors when omitted), in projectKey order.
 */
export function expectProjects(
  data: SystemData,
  owners: Owners,
  plans: readonly ProjectPlan[],
  only?: ReadonlySet<number>,
): ExpectedProject[] {
  const acc = new Map<number, Acc>();
  const want = (o: number) => o >= 0 && (only === undefined || only.has(o));
  const get = (o: number): Acc => {
    let a = acc.get(o);
    if (!a) {
      a = {
        allocated: 0n,
        disbursed: 0n,
        award: 0n,
        contract: 0n,
        asset: 0n,
        subsidyApproved: 0n,
        subsidyPaid: 0n,
        finalAccount: null,
      };
      acc.set(o, a);
    }
    return a;
  };
  const library = new Map<string, Record<string, string>>();
  for (const i of latestBudget(data, owners).values()) {
    const o = owners.budget[i]!;
    const { service, fields } = data.budget[i]!;
    if (service === 'XMK.QUERY') library.set(fields.XMDM!, fields);
    if (!want(o)) continue;
    const a = get(o);
    if (service === 'ZB.QUERY' && fields.ZBZT === '正常') a.allocated += BigInt(toFen(fields.JE!, '元'));
    if (service === 'ZF.QUERY' && fields.ZFZT === '已支付') a.disbursed += BigInt(toFen(fields.JE!, '元'));
    if (service === 'JS.QUERY') {
      // Latest final account: the most recently modified record.
      const order = fields.XGSJ!;
      if (!a.finalAccount || a.finalAccount.order < order) {
        a.finalAccount = { fen: BigInt(toFen(fields.JSJE!, '元')), order };
      }
    }
  }
  data.trading.forEach((n, i) => {
    const o = owners.trading[i]!;
    if (!want(o) || n.brokenText !== undefined) return;
    if (n.type === 'award' && n.fields.state === '有效') get(o).award += tradingFen(n.fields.awardAmount!);
    if (n.type === 'contract' && n.fields.state === '正常')
      get(o).contract += tradingFen(n.fields.contractAmount!);
  });
  data.asset.forEach((c, i) => {
    const o = owners.asset[i]!;
    if (want(o)) get(o).asset += BigInt(toFen(c.originalValue, '元'));
  });
  data.benefit.forEach((d, i) => {
    const o = owners.benefit[i]!;
    if (!want(o) || d.state === '已撤销') return;
    const a = get(o);
    a.subsidyApproved += BigInt(toFen(d.approvedAmount, '万元'));
    a.subsidyPaid += BigInt(toFen(d.paidAmount, '万元'));
  });

  const aliases = new Map<number, string[]>();
  for (const p of plans) {
    if (p.survivor !== p.idx) {
      const list = aliases.get(p.survivor) ?? [];
      list.push(p.xmdm);
      aliases.set(p.survivor, list);
    }
  }
  const out: ExpectedProject[] = [];
  for (const p of plans) {
    if (p.survivor !== p.idx || (only !== undefined && !only.has(p.idx))) continue;
    const f = library.get(p.xmdm)!;
    const a = acc.get(p.idx) ?? get(p.idx);
    out.push({
      projectKey: p.xmdm,
      aliases: (aliases.get(p.idx) ?? []).sort(),
      name: f.XMMC!,
      category: CATEGORY[f.XMLB!]!,
      districtCode: f.XZQHDM!,
      sector: f.ZDLYMC!,
      investmentCode: f.TZXMDM === '' ? null : f.TZXMDM!,
      money: {
        totalInvestmentFen: toFen(f.ZTZ!, '万元'),
        requestedSubsidyFen: toFen(f.SQBZ!, '万元'),
        reviewedFen: f.SDJE === '' ? null : toFen(f.SDJE!, '万元'),
        allocatedFen: Number(a.allocated),
        disbursedFen: Number(a.disbursed),
        contractFen: Number(a.contract),
        awardFen: Number(a.award),
        assetValueFen: Number(a.asset),
        subsidyApprovedFen: Number(a.subsidyApproved),
        subsidyPaidFen: Number(a.subsidyPaid),
        finalAccountFen: a.finalAccount === null ? null : Number(a.finalAccount.fen),
      },
    });
  }
  return out.sort((x, y) => (x.projectKey < y.projectKey ? -1 : x.projectKey > y.projectKey ? 1 : 0));
}
