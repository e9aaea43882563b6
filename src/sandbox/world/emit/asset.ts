/**
 * Asset cards booked after hand-over (asset.md §4): one to three per active contract, naming the
 * contract as their source and only sometimes the investment code.
 */
import { fenToYuan } from '../amount.js';
import { DAY, HOUR, bjDate, bjYear } from '../clock.js';
import { S } from '../plan.js';
import { INVALID, UNLINKED } from '../sink.js';
import { spellCode, type CodeSpelling } from '../spell.js';
import type { AssetCard } from '../types.js';
import type { ProjectCtx } from './context.js';

function assetCategory(area: number, equipment: boolean, pick: <T>(xs: readonly T[]) => T): [string, string] {
  if (equipment) {
    if (area === 12) return ['2020100', '医疗设备'];
    if (area === 15) return ['2030100', '计算机设备'];
    if (area === 9) return ['2040100', '检测仪器'];
    return ['2010100', '机械设备'];
  }
  if (area === 4)
    return pick([
      ['1020300', '管网'],
      ['1020100', '道路'],
    ] as const) as [string, string];
  if (area === 17)
    return pick([
      ['1020100', '道路'],
      ['1020400', '桥梁'],
    ] as const) as [string, string];
  if (area === 18) return ['1030100', '水利设施'];
  return ['1010100', '房屋'];
}

export function emitAsset(ctx: ProjectCtx): void {
  const { plan: p, sink, rng, survivor, key } = ctx;
  if (p.stage < S.handedOver || p.category === '非固投类') return;
  const handover = p.dates[S.handedOver]!;
  const shortName = p.name.replace(/(项目|工程)$/, '');
  let serial = 0;
  for (const c of ctx.contracts) {
    if (!c.active) continue;
    const cards = rng.weighted([1, 2, 3], [5, 3, 1]);
    const w = Array.from({ length: cards }, () => rng.logUniform(1, 3));
    const sum = w.reduce((a, b) => a + b, 0);
    const total = c.amountFen * rng.logUniform(0.9, 1);
    for (let k = 0; k < cards; k++) {
      const valueFen = Math.max(100, Math.round((total * w[k]!) / sum));
      const entry = sink.stamp(handover + rng.int(3, 20) * DAY);
      const y = bjYear(entry);
      const [catCode, catName] = assetCategory(p.area, p.category === '设备类', (xs) => rng.pick(xs));
      const spelling =
        p.invCode === null
          ? null
          : rng.weighted<CodeSpelling | null>([null, 'canonical', 'nodash', 'fullwidth'], [75, 10, 8, 7]);
      const withContract = rng.chance(0.92);
      const linked = spelling !== null || (withContract && c.linked);
      let updatedAt = sink.stamp(entry + rng.int(1, 30) * HOUR);
      let version = 1;
      let status = rng.weighted(['在用', '出租', '闲置', '已处置'], [90, 4, 4, 2]);
      if (rng.chance(0.05)) {
        const later = sink.stamp(updatedAt + rng.int(30, 300) * DAY);
        if (later > updatedAt) {
          updatedAt = later;
          version = 2;
          status = rng.pick(['出租', '闲置', '已处置']);
        }
      }
      serial++;
      const card: AssetCard = {
        assetCode: `ZC${p.division}${y}${String(sink.next(`asset|${p.division}|${y}`)).padStart(7, '0')}`,
        assetName: `${catName}-${shortName}${serial}`,
        categoryCode: catCode,
        categoryName: catName,
        originalValue: fenToYuan(valueFen),
        quantity: p.category === '设备类' ? rng.int(1, 20) : 1,
        entryDate: bjDate(entry),
        custodianUnit: { name: p.owner.name, uscc: p.owner.uscc },
        sourceContractNo: withContract ? c.no : null,
        projectCode: spelling === null ? null : spellCode(p.invCode!, spelling),
        status,
        handoverDate: rng.chance(0.95) ? bjDate(handover) : null,
        updatedAt,
        version,
      };
      sink.asset(card, linked ? survivor.idx : UNLINKED);
      if (linked && spelling === null) {
        sink.link('transitive-asset', { system: 'asset', kind: 'assetCard', sourceId: card.assetCode }, key);
      }
    }
  }
  // Entry errors: a card with a zero or negative original value.
  if (rng.chance(0.006)) {
    const entry = sink.stamp(handover + rng.int(3, 20) * DAY);
    const y = bjYear(entry);
    sink.asset(
      {
        assetCode: `ZC${p.division}${y}${String(sink.next(`asset|${p.division}|${y}`)).padStart(7, '0')}`,
        assetName: `房屋-${shortName}补录`,
        categoryCode: '1010100',
        categoryName: '房屋',
        originalValue: rng.chance(0.5) ? '0.00' : `-${fenToYuan(rng.int(1_000, 9_000_000) * 100)}`,
        quantity: 1,
        entryDate: bjDate(entry),
        custodianUnit: { name: p.owner.name, uscc: p.owner.uscc },
        sourceContractNo: ctx.contracts[0]?.no ?? null,
        projectCode: null,
        status: '在用',
        handoverDate: null,
        updatedAt: sink.stamp(entry + HOUR),
        version: 1,
      },
      INVALID,
    );
  }
}
