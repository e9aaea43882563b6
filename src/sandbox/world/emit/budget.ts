/**
 * Budget-platform change-log entries of one project (budget.md §4): library entry versions,
 * indicators, payments, final account and evaluation — each version a complete record.
 */
import { fenToWan, fenToYuan } from '../amount.js';
import { DAY, HOUR, bjDate, bjDateTime, bjYear } from '../clock.js';
import { KEY_AREAS, areaCode, divisionName, functionClass } from '../names.js';
import { S, type ProjectPlan } from '../plan.js';
import { INVALID } from '../sink.js';
import type { BudgetLogEntry } from '../types.js';
import type { ProjectCtx } from './context.js';

const STATUS_BY_STAGE = [
  '已申报',
  '已入库',
  '已下达',
  '实施中',
  '实施中',
  '已完工',
  '已完工',
  '已完工',
  '已完工',
];

type XmkFields = ReturnType<typeof xmkFields>;

/** The next version of a library entry: only what changes between versions is new text. */
function nextXmk(
  prev: XmkFields,
  status: string,
  sdjeFen: number | null,
  bbh: number,
  at: number,
): XmkFields {
  return {
    ...prev,
    SDJE: sdjeFen === null ? '' : fenToWan(sdjeFen),
    XMZT: status,
    BBH: String(bbh),
    XGSJ: bjDateTime(at),
  };
}

export function xmkFields(p: ProjectPlan, status: string, sdjeFen: number | null, bbh: number, at: number) {
  return {
    XMDM: p.xmdm,
    TZXMDM: p.invCode ?? '',
    XMMC: p.name,
    DWMC: p.owner.name,
    DWDM: p.owner.unitCode,
    TYSHXYDM: p.owner.uscc,
    XZQHDM: p.division,
    XZQHMC: divisionName(p.division),
    ZDLYDM: areaCode(p.area),
    ZDLYMC: KEY_AREAS[p.area - 1]!,
    ZCSXDM: p.policy.code,
    ZCSXMC: p.policy.name,
    XMLB: p.category,
    ND: String(p.year),
    SBRQ: bjDate(p.dates[0]!),
    ZTZ: fenToWan(p.ztzFen),
    SQBZ: fenToWan(p.sqbzFen),
    SDJE: sdjeFen === null ? '' : fenToWan(sdjeFen),
    XMZT: status,
    BBH: String(bbh),
    XGSJ: bjDateTime(at),
  };
}

interface Indicator {
  zbbh: string;
  fields: Record<string, string>;
  bbh: number;
  amountFen: number;
  active: boolean;
  at: number;
}

/** Splits `total` fen into `k` positive parts in whole yuan. */
function split(total: number, k: number, ctx: ProjectCtx): number[] {
  const w = Array.from({ length: k }, () => ctx.rng.logUniform(1, 4));
  const sum = w.reduce((a, b) => a + b, 0);
  const parts = w.map((x) => Math.max(100, Math.floor((total * x) / sum / 100) * 100));
  const used = parts.reduce((a, b) => a + b, 0);
  parts[0] = Math.max(100, parts[0]! + Math.floor((total - used) / 100) * 100);
  return parts;
}

export function emitBudget(ctx: ProjectCtx): void {
  const { plan: p, sink, rng, survivor, key } = ctx;
  const owner = survivor.idx;
  const d = p.dates;
  const push = (service: BudgetLogEntry['service'], fields: Record<string, string>, at: number, o = owner) =>
    sink.budget({ service, fields }, o, at);

  // Library entry: declared, reviewed (with SDJE), possibly re-audited, then its current status.
  let bbh = 1;
  let at = sink.stamp(d[0]! + rng.int(1, 20) * HOUR);
  let xmk: XmkFields | null = null;
  const library = (status: string, sdjeFen: number | null, version: number) => {
    xmk =
      xmk === null ? xmkFields(p, status, sdjeFen, version, at) : nextXmk(xmk, status, sdjeFen, version, at);
    push('XMK.QUERY', xmk, at);
  };
  library('已申报', null, bbh);
  if (p.stage === S.reserve && rng.chance(0.5)) {
    at = sink.stamp(at + rng.int(5, 40) * DAY);
    library('评审中', null, ++bbh);
  }
  let sdje = p.sdjeFen;
  if (p.stage >= S.approved) {
    at = sink.stamp(Math.max(at + HOUR, d[S.approved]! + rng.int(1, 30) * HOUR));
    library('已入库', sdje, ++bbh);
    if (p.sdjeRevisedFen !== null) {
      at = sink.stamp(at + rng.int(20, 120) * DAY);
      sdje = p.sdjeRevisedFen;
      library('已入库', sdje, ++bbh);
    }
    const status = p.terminated ? '已终止' : STATUS_BY_STAGE[p.stage]!;
    if (status !== '已入库') {
      const when = p.terminated
        ? d[S.approved]! + rng.int(60, 300) * DAY
        : d[p.stage]! + rng.int(1, 48) * HOUR;
      at = sink.stamp(Math.max(at + HOUR, when));
      library(status, sdje, bbh + 1);
    }
  }
  if (p.continuationOf !== null || p.survivor !== p.idx) {
    // Both entries of a merged pair resolve to the survivor, whichever of them it is.
    sink.link('alias-merge', { system: 'budget', kind: 'project', sourceId: p.xmdm }, key, undefined, true);
  }
  if (p.stage < S.funded || p.terminated) return;

  // Indicators.
  const base = sdje ?? p.sqbzFen;
  const share = p.stage >= S.completed ? rng.logUniform(0.85, 1) : rng.logUniform(0.4, 0.9);
  const allocation = Math.max(10_000, Math.floor((base * share) / 100) * 100);
  const k = rng.weighted([1, 2, 3, 4], [4, 3, 2, 1]);
  const amounts = split(allocation, k, ctx);
  const lastDay = Math.min(p.stalledAt ?? Infinity, sink.now - 5 * DAY);
  const firstAt = d[S.funded]!;
  const [gnDm, gnMc] = functionClass(p.area);
  const indicators: Indicator[] = amounts.map((amountFen, i) => {
    const issue = sink.stamp(firstAt + (i === 0 ? 0 : rng.next() * Math.max(0, lastDay - firstAt)));
    const y = bjYear(issue);
    const zbbh = `ZB${y}${p.division}${String(sink.next(`zb|${y}|${p.division}`)).padStart(7, '0')}`;
    const when = sink.stamp(issue + rng.int(2, 40) * HOUR);
    return {
      zbbh,
      bbh: 1,
      amountFen,
      active: true,
      at: when,
      fields: {
        ZBBH: zbbh,
        XMDM: p.xmdm,
        ZBWH: `包财预〔${y}〕${sink.next(`zbwh|${y}`)}号`,
        JE: fenToYuan(amountFen),
        ZJXZ: rng.weighted(
          ['一般公共预算', '政府性基金预算', '国有资本经营预算', '地方政府专项债券'],
          [6, 2, 1, 2],
        ),
        GNFLDM: gnDm,
        GNFLMC: gnMc,
        ND: String(y),
        XDRQ: bjDate(issue),
        ZBZT: '正常',
        BBH: '1',
        XGSJ: bjDateTime(when),
      },
    };
  });
  for (const ind of indicators) {
    // Migrated records: an impossible issue date, corrected by the next version.
    if (rng.chance(0.01)) {
      const badAt = ind.at;
      push('ZB.QUERY', { ...ind.fields, XDRQ: `${ind.fields.ND}-02-30` }, badAt, INVALID);
      ind.bbh = 2;
      ind.at = sink.stamp(badAt + rng.int(1, 10) * DAY);
      if (ind.at <= badAt) ind.at = badAt;
      ind.fields = { ...ind.fields, BBH: '2', XGSJ: bjDateTime(ind.at) };
    }
    push('ZB.QUERY', ind.fields, ind.at);
    if (rng.chance(0.05)) {
      // A correction of the amount or a withdrawal (已收回) of the funds.
      const later = sink.stamp(ind.at + rng.int(10, 200) * DAY);
      if (later > ind.at) {
        ind.bbh += 1;
        ind.at = later;
        if (rng.chance(0.5) && indicators.length > 1) {
          ind.active = false;
          ind.fields = { ...ind.fields, ZBZT: '已收回', BBH: String(ind.bbh), XGSJ: bjDateTime(later) };
        } else {
          ind.amountFen = Math.max(100, Math.floor((ind.amountFen * rng.logUniform(0.8, 1.1)) / 100) * 100);
          ind.fields = {
            ...ind.fields,
            JE: fenToYuan(ind.amountFen),
            BBH: String(ind.bbh),
            XGSJ: bjDateTime(later),
          };
        }
        push('ZB.QUERY', ind.fields, later);
      }
    }
  }
  const active = indicators.filter((i) => i.active);
  if (active.length > 0 && sink.linkCount('direct') < 12 && rng.chance(0.1)) {
    sink.link('direct', { system: 'budget', kind: 'indicator', sourceId: active[0]!.zbbh }, key);
  }
  if (p.continuationOf !== null && active.length > 0) {
    sink.link(
      'alias-merge',
      { system: 'budget', kind: 'indicator', sourceId: active[0]!.zbbh },
      key,
      undefined,
      true,
    );
  }
  if (rng.chance(0.003)) {
    // A standalone indicator whose date never becomes valid.
    const y = bjYear(firstAt);
    const zbbh = `ZB${y}${p.division}${String(sink.next(`zb|${y}|${p.division}`)).padStart(7, '0')}`;
    const when = sink.stamp(firstAt + rng.int(2, 40) * HOUR);
    push(
      'ZB.QUERY',
      {
        ...indicators[0]!.fields,
        ZBBH: zbbh,
        XDRQ: `${y}-02-30`,
        ZBZT: '正常',
        BBH: '1',
        XGSJ: bjDateTime(when),
      },
      when,
      INVALID,
    );
  }

  // Payments draw on active indicators.
  const payStage = p.category === '非固投类' ? S.funded : S.construction;
  if (p.stage >= payStage && active.length > 0) {
    const activeSum = active.reduce((a, i) => a + i.amountFen, 0);
    const ratio = p.overDisbursed
      ? rng.logUniform(1.05, 1.25)
      : p.stage >= S.completed || p.category === '非固投类'
        ? rng.logUniform(0.8, 1)
        : rng.logUniform(0.2, 0.8);
    const total = Math.max(10_000, Math.floor((activeSum * ratio) / 100) * 100);
    const n = rng.weighted([1, 2, 3, 4, 5, 6, 8], [2, 3, 3, 2, 2, 1, 1]);
    const parts = split(total, n, ctx);
    const from = Math.max(d[payStage]!, active[0]!.at);
    const doneAt = p.category !== '非固投类' && p.stage >= S.completed ? d[S.completed]! : d[S.evaluated]!;
    const until = Math.max(
      from + DAY,
      Math.min(lastDay, p.stage >= S.completed ? doneAt + 90 * DAY : Infinity),
    );
    const payees =
      ctx.contracts.length > 0
        ? ctx.contracts.map((c) => c.supplier)
        : [{ name: p.owner.name, uscc: p.owner.uscc }];
    parts.forEach((amountFen, i) => {
      const payAt = sink.stamp(from + ((until - from) * (i + rng.next())) / parts.length);
      const y = bjYear(payAt);
      const zfpzh = `ZFPZ${y}${String(sink.next(`zf|${y}`)).padStart(9, '0')}`;
      const payee = payees[i % payees.length]!;
      let bbh = 1;
      let when = sink.stamp(payAt + rng.int(2, 30) * HOUR);
      const fields: Record<string, string> = {
        ZFPZH: zfpzh,
        XMDM: p.xmdm,
        ZBBH: active[i % active.length]!.zbbh,
        ZFRQ: bjDate(payAt),
        JE: fenToYuan(amountFen),
        SKRMC: payee.name,
        SKRTYDM: payee.uscc,
        ZFZT: '已支付',
        BBH: '1',
        XGSJ: bjDateTime(when),
      };
      if (rng.chance(0.01)) {
        // Keyed in as zero or negative, corrected by the next version.
        push('ZF.QUERY', { ...fields, JE: rng.chance(0.5) ? '0.00' : `-${fields.JE}` }, when, INVALID);
        bbh = 2;
        when = sink.stamp(when + rng.int(1, 5) * DAY);
        fields.BBH = '2';
        fields.XGSJ = bjDateTime(when);
      }
      push('ZF.QUERY', { ...fields }, when);
      if (sink.linkCount('direct') < 12 && rng.chance(0.05)) {
        sink.link('direct', { system: 'budget', kind: 'payment', sourceId: zfpzh }, key);
      }
      if (!p.overDisbursed && rng.chance(0.04)) {
        const back = sink.stamp(when + rng.int(3, 30) * DAY);
        if (back > when) {
          push('ZF.QUERY', { ...fields, ZFZT: '已退回', BBH: String(bbh + 1), XGSJ: bjDateTime(back) }, back);
        }
      }
    });
    if (rng.chance(0.003)) {
      const y = bjYear(from);
      const zfpzh = `ZFPZ${y}${String(sink.next(`zf|${y}`)).padStart(9, '0')}`;
      const when = sink.stamp(from + rng.int(2, 30) * HOUR);
      push(
        'ZF.QUERY',
        {
          ZFPZH: zfpzh,
          XMDM: p.xmdm,
          ZBBH: active[0]!.zbbh,
          ZFRQ: bjDate(from),
          JE: '0.00',
          SKRMC: payees[0]!.name,
          SKRTYDM: payees[0]!.uscc,
          ZFZT: '已支付',
          BBH: '1',
          XGSJ: bjDateTime(when),
        },
        when,
        INVALID,
      );
    }
  }

  // Final account and performance evaluation.
  if (p.stage >= S.finalAccounted && p.category !== '非固投类') {
    const contractSum = ctx.contracts.filter((c) => c.active).reduce((a, c) => a + c.amountFen, 0);
    const baseFen = contractSum > 0 ? contractSum : Math.floor(p.ztzFen * 0.9);
    let jsFen = Math.floor((baseFen * rng.logUniform(0.95, 1.02)) / 100) * 100;
    const jsAt = sink.stamp(d[S.finalAccounted]!);
    const y = bjYear(jsAt);
    const jsbh = `JS${y}${String(sink.next(`js|${y}`)).padStart(6, '0')}`;
    let when = sink.stamp(jsAt + rng.int(2, 60) * HOUR);
    const fields = {
      JSBH: jsbh,
      XMDM: p.xmdm,
      JSJE: fenToYuan(jsFen),
      JSRQ: bjDate(jsAt),
      BBH: '1',
      XGSJ: bjDateTime(when),
    };
    push('JS.QUERY', fields, when);
    if (rng.chance(0.1)) {
      const later = sink.stamp(when + rng.int(10, 90) * DAY);
      if (later > when) {
        jsFen = Math.floor((jsFen * rng.logUniform(0.97, 1)) / 100) * 100;
        when = later;
        push('JS.QUERY', { ...fields, JSJE: fenToYuan(jsFen), BBH: '2', XGSJ: bjDateTime(when) }, when);
      }
    }
  }
  if (p.stage >= S.evaluated) {
    const jxAt = sink.stamp(d[S.evaluated]!);
    const y = bjYear(jxAt);
    const score = rng.int(550, 990) / 10;
    const grade = score >= 90 ? '优' : score >= 80 ? '良' : score >= 60 ? '中' : '差';
    const when = sink.stamp(jxAt + rng.int(2, 60) * HOUR);
    push(
      'JX.QUERY',
      {
        PJBH: `JX${y}${String(sink.next(`jx|${y}`)).padStart(6, '0')}`,
        XMDM: p.xmdm,
        PJND: String(y),
        PJDF: score.toFixed(1),
        PJDJ: grade,
        PJRQ: bjDate(jxAt),
        PJJG: rng.pick(['第三方评价机构', '包头市财政局']),
        BBH: '1',
        XGSJ: bjDateTime(when),
      },
      when,
    );
  }
}
