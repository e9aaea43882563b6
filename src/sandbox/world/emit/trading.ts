/**
 * Trading-center notices of one project (trading.md §4): a tender per section, the award of
 * each section and its contract; cancellations re-published with a higher version.
 */
import { fenToWan, fenToYuan } from '../amount.js';
import { DAY, HOUR, bjDate, bjDateTime } from '../clock.js';
import { spellCode, type CodeSpelling } from '../spell.js';
import { INVALID, UNLINKED } from '../sink.js';
import type { TradingNotice } from '../types.js';
import { typedName } from '../spell.js';
import { S } from '../plan.js';
import type { ProjectCtx } from './context.js';

type Amount = { unit: '元' | '万元'; value: string };

function amount(fen: number, wan: boolean): Amount {
  return wan ? { unit: '万元', value: fenToWan(fen) } : { unit: '元', value: fenToYuan(fen) };
}

function tradeClass(area: number, category: string): string {
  if (category === '设备类') return 'ZC';
  if (area === 17) return 'JT';
  if (area === 18) return 'SL';
  if (area === 4 || area === 10) return 'SZ';
  return 'FJ';
}

/** A USCC as an agent types it: mostly right, sometimes a wrong check character or a 15-digit number. */
function typedUscc(uscc: string, ctx: ProjectCtx): string {
  const r = ctx.rng.next();
  if (r < 0.02) return uscc.slice(0, 17) + (uscc[17] === 'X' ? 'Y' : 'X');
  if (r < 0.03) return `1502${String(ctx.rng.int(10_000_000, 99_999_999))}${ctx.rng.int(100, 999)}`;
  return uscc;
}

export function emitTrading(ctx: ProjectCtx): void {
  const { plan, sink, rng, key, survivor } = ctx;
  if (plan.category === '非固投类' || plan.continuationOf !== null || plan.stage < S.tendering) return;
  const d = plan.dates;
  const tenderAt = sink.stamp(d[S.tendering]! + rng.int(9, 17) * HOUR);
  const year = Number(bjDate(tenderAt).slice(0, 4));
  const cc = tradeClass(plan.area, plan.category);
  const tenderNo = `BTGGZY-${year}-${cc}-${String(sink.next(`tender|${year}|${cc}`)).padStart(6, '0')}`;
  const sections =
    plan.category === '设备类'
      ? rng.int(1, 2)
      : plan.big
        ? rng.int(2, 4)
        : rng.weighted([1, 2, 3], [6, 3, 1]);

  const spelling: CodeSpelling | null =
    plan.invCode === null
      ? null
      : rng.weighted<CodeSpelling | null>(
          ['canonical', 'nodash', 'fullwidth', 'fullwidthDash', 'fullwidthNodash', null],
          [50, 20, 8, 6, 6, plan.overContract ? 0 : 5],
        );
  const linked = spelling !== null;
  const owner = linked ? survivor.idx : UNLINKED;
  const codeText = spelling === null ? null : spellCode(plan.invCode!, spelling);
  const typed = typedName(plan.name, rng, 0.3);

  const share = Array.from({ length: sections }, () => rng.logUniform(1, 3));
  const shareSum = share.reduce((a, b) => a + b, 0);
  const totalBudget =
    plan.ztzFen * (plan.category === '设备类' ? rng.logUniform(0.7, 0.95) : rng.logUniform(0.55, 0.85));
  const overTarget = plan.overContract ? plan.ztzFen * rng.logUniform(1.05, 1.3) : 0;

  for (let s = 1; s <= sections; s++) {
    const sectionCode = `${tenderNo}-${String(s).padStart(2, '0')}`;
    const budgetFen = Math.max(100_000, Math.round((totalBudget * share[s - 1]!) / shareSum / 100) * 100);
    const first = sink.stamp(tenderAt + (s - 1) * rng.int(1, 90) * 60_000);
    const tender: TradingNotice = {
      type: 'tender',
      id: sectionCode,
      version: 1,
      fields: {
        tenderProjectCode: tenderNo,
        sectionCode,
        sectionName: sections === 1 ? '全部' : `第${s}标段`,
        tenderProjectName: typed,
        investmentProjectCode: codeText,
        tenderer: plan.owner.name,
        tendererCode: plan.owner.uscc,
        tradeCategory: cc === 'ZC' ? '政府采购' : '工程建设',
        budgetAmount: amount(budgetFen, rng.chance(0.5)),
        firstPublishTime: bjDateTime(first),
        publishTime: bjDateTime(first),
      },
      publishTime: bjDateTime(first),
    };
    if (linked && spelling!.startsWith('fullwidth')) {
      sink.link('fullwidth-code', { system: 'trading', kind: 'tender', sourceId: sectionCode }, key);
    }

    // Award: announced before the contract is signed; only once it is in the past.
    const contractAt = d[S.construction]!;
    const awardAt = sink.stamp(
      first + rng.int(18, Math.max(19, Math.floor((contractAt - first) / DAY) - 3)) * DAY,
    );
    let tenderT = first;
    if (awardAt >= sink.now - DAY) {
      sink.trading(tender, owner, tenderT);
      continue;
    }
    const awardFen = plan.overContract
      ? Math.round((overTarget * share[s - 1]!) / shareSum / 100) * 100
      : Math.round((budgetFen * rng.logUniform(0.85, 0.99)) / 100) * 100;
    const winner = ctx.book.contractor(
      rng.pick(['建设工程', '路桥', '建筑安装', '市政工程', '科技', '设备']),
    );
    const award: TradingNotice = {
      type: 'award',
      id: `ZBJG-${sectionCode}`,
      version: 1,
      fields: {
        tenderProjectCode: tenderNo,
        sectionCode,
        winnerName: winner.name,
        winnerCode: typedUscc(winner.uscc, ctx),
        awardAmount: amount(awardFen, rng.chance(0.4)),
        state: '有效',
        firstPublishTime: bjDateTime(awardAt),
        publishTime: bjDateTime(awardAt),
      },
      publishTime: bjDateTime(awardAt),
    };
    if (linked) {
      sink.link('transitive-award', { system: 'trading', kind: 'award', sourceId: award.id }, key);
      // Late anchor: the tender is re-published (corrected) after its award, so the award
      // arrives before the current version of the notice it hangs on.
      if (sink.linkCount('late-anchor') < 4 && rng.chance(0.2)) {
        const again = sink.stamp(awardAt + rng.int(1, 5) * DAY);
        if (again > awardAt) {
          tender.version = 2;
          tender.fields.publishTime = bjDateTime(again);
          tender.publishTime = bjDateTime(again);
          tenderT = again;
          sink.link(
            'late-anchor',
            { system: 'trading', kind: 'award', sourceId: award.id },
            key,
            undefined,
            true,
          );
        }
      }
    }
    sink.trading(tender, owner, tenderT);

    if (plan.stage < S.construction) {
      sink.trading(award, owner, awardAt);
      continue;
    }
    const signAt = sink.stamp(contractAt);
    const contractFen =
      plan.overContract || rng.chance(0.85)
        ? awardFen
        : Math.round((awardFen * rng.logUniform(0.98, 1.02)) / 100) * 100;
    const contractNo = `BTHT${year}${String(sink.next(`contract|${year}`)).padStart(7, '0')}`;
    const contractPub = sink.stamp(signAt + rng.int(6, 40) * HOUR);
    const contract: TradingNotice = {
      type: 'contract',
      id: contractNo,
      version: 1,
      fields: {
        contractNo,
        contractName: `${typed}${sections > 1 ? `第${s}标段` : ''}合同`,
        tenderProjectCode: tenderNo,
        sectionCode,
        contractAmount: amount(contractFen, rng.chance(0.3)),
        signDate: bjDate(signAt),
        buyerName: plan.owner.name,
        buyerCode: plan.owner.uscc,
        supplierName: winner.name,
        supplierCode: winner.uscc,
        state: '正常',
        publishTime: bjDateTime(contractPub),
      },
      publishTime: bjDateTime(contractPub),
    };
    let active = true;
    let awardT = awardAt;
    let contractT = contractPub;
    // 废标 after signing: the award is cancelled and the contract voided, both re-published.
    if (!plan.overContract && rng.chance(0.03)) {
      const cancelAt = sink.stamp(contractPub + rng.int(10, 60) * DAY);
      const voidAt = sink.stamp(cancelAt + rng.int(1, 3) * DAY);
      if (voidAt > cancelAt && cancelAt > contractPub) {
        award.version = 2;
        award.fields.state = '已废标';
        award.fields.publishTime = award.publishTime = bjDateTime(cancelAt);
        contract.version = 2;
        contract.fields.state = '已作废';
        contract.fields.publishTime = contract.publishTime = bjDateTime(voidAt);
        active = false;
        awardT = cancelAt;
        contractT = voidAt;
      }
    }
    if (linked)
      sink.link('transitive-contract', { system: 'trading', kind: 'contract', sourceId: contractNo }, key);
    sink.trading(award, owner, awardT);
    sink.trading(contract, owner, contractT);
    ctx.contracts.push({
      no: contractNo,
      amountFen: contractFen,
      supplier: winner,
      active,
      linked,
      signDate: signAt,
    });
  }

  // A notice the center failed to convert: kept as text, to be set aside.
  if (rng.chance(0.006)) {
    const id = `${tenderNo}-${String(sections + 1).padStart(2, '0')}`;
    sink.trading(
      {
        type: 'tender',
        id,
        version: 1,
        fields: {},
        brokenText: `数据转换异常:ORA-01722: invalid number|${id}|${plan.name}`,
        publishTime: bjDateTime(tenderAt),
      },
      INVALID,
      tenderAt,
    );
  }
}
