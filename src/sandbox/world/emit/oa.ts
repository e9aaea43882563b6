/**
 * OA documents of one project, one per milestone (oa.md §4–5): approvals, permits (carrying
 * the construction permit number), supervision reports, acceptance, hand-over, evaluation and
 * minutes; titles from the §5 templates with the name as a clerk types it.
 */
import { DAY, HOUR, bjDate, bjDateTime, bjMonth, bjYear } from '../clock.js';
import { S } from '../plan.js';
import { INVALID } from '../sink.js';
import {
  dropDigit,
  spellCode,
  toFullWidthBrackets,
  typedName,
  withCityPrefix,
  type CodeSpelling,
} from '../spell.js';
import type { OaDocument } from '../types.js';
import type { ProjectCtx } from './context.js';
import type { Rng } from '../rng.js';
import type { Sink } from '../sink.js';

type DocType =
  | '可研批复'
  | '立项批复'
  | '用地规划许可'
  | '施工许可'
  | '监理报告'
  | '竣工验收报告'
  | '移交确认书'
  | '绩效评价报告'
  | '会议纪要';

export function oaTitle(type: DocType, name: string, at: number): string {
  switch (type) {
    case '可研批复':
      return `关于${name}可行性研究报告的批复`;
    case '立项批复':
      return `关于${name}立项的批复`;
    case '用地规划许可':
      return `${name}建设用地规划许可`;
    case '施工许可':
      return `${name}建筑工程施工许可`;
    case '监理报告':
      return `${name}监理月报（${bjYear(at)}年${bjMonth(at)}月）`;
    case '竣工验收报告':
      return `${name}竣工验收报告`;
    case '移交确认书':
      return `${name}资产移交确认书`;
    case '绩效评价报告':
      return `${name}绩效评价报告`;
    case '会议纪要':
      return `关于${name}推进工作的会议纪要`;
  }
}

const ISSUERS: Partial<Record<DocType, [string, string]>> = {
  可研批复: ['包头市发展和改革委员会', '包发改审批'],
  立项批复: ['包头市发展和改革委员会', '包发改投资'],
  用地规划许可: ['包头市自然资源局', '包自然资规'],
  施工许可: ['包头市住房和城乡建设局', '包住建许'],
  绩效评价报告: ['包头市财政局', '包财绩'],
  会议纪要: ['包头市人民政府办公室', '包府办纪'],
};

function attachments(rng: Rng, title: string): OaDocument['attachments'] {
  const count = rng.weighted([0, 1, 2, 3], [2, 5, 3, 1]);
  const names = [`${title}.pdf`, '附件1-项目明细表.xlsx', '附件-现场照片.zip', '附件3-会议签到表.pdf'];
  return names
    .slice(0, count)
    .map((name) => ({ name, size: rng.int(80_000, 30_000_000), sha256: rng.hex(64) }));
}

/** Builds one document and hands it to the sink; returns it for callers that tweak it. */
export function makeDoc(
  sink: Sink,
  rng: Rng,
  f: {
    type: DocType;
    title: string;
    issuer: [string, string];
    signAt: number;
    projectCode: string | null;
    permitNo?: string | null;
    signDateText?: string;
  },
): { doc: OaDocument; updateAt: number } {
  const year = bjYear(f.signAt);
  const docId = `GW${year}${String(sink.next(`doc|${year}`)).padStart(8, '0')}`;
  const createAt = sink.stamp(f.signAt + rng.int(1, 9) * HOUR);
  const updateAt = sink.stamp(createAt + rng.int(0, 72) * HOUR + rng.int(0, 3599) * 1000);
  const doc: OaDocument = {
    docId,
    docNo: `${f.issuer[1]}〔${year}〕${sink.next(`docNo|${f.issuer[1]}|${year}`)}号`,
    docType: f.type,
    title: f.title,
    issuingUnit: f.issuer[0],
    signDate: f.signDateText ?? bjDate(f.signAt),
    projectCode: f.projectCode,
    permitNo: f.permitNo ?? null,
    attachments: attachments(rng, f.title),
    status: '已签发',
    createTime: bjDateTime(createAt),
    updateTime: bjDateTime(updateAt),
    version: 1,
  };
  return { doc, updateAt };
}

export function emitOa(ctx: ProjectCtx): void {
  const { plan, sink, rng, key, survivor } = ctx;
  if (plan.continuationOf !== null || plan.stage < S.approved) return;
  const d = plan.dates;
  const owner = survivor.idx;
  const ownIssuer: [string, string] = [plan.owner.name, plan.owner.abbr];
  const codeFor = (): { text: string | null; spelling: CodeSpelling | null } => {
    if (plan.invCode === null) return { text: rng.chance(0.1) ? '' : null, spelling: null };
    const spelling = rng.weighted<CodeSpelling | 'null' | 'empty'>(
      ['null', 'empty', 'canonical', 'nodash', 'fullwidth', 'fullwidthDash', 'fullwidthNodash'],
      // Two same-named projects can only be told apart by code: their documents always carry one.
      [plan.dupName ? 0 : 45, plan.dupName ? 0 : 5, 25, 12, 5, 4, 4],
    );
    if (spelling === 'null') return { text: null, spelling: null };
    if (spelling === 'empty') return { text: '', spelling: null };
    return { text: spellCode(plan.invCode, spelling), spelling };
  };

  const docs: Array<{ type: DocType; at: number; issuer: [string, string] }> = [];
  const approvalType: DocType = plan.category === '固投类' ? '可研批复' : '立项批复';
  docs.push({
    type: approvalType,
    at: d[S.approved]! - rng.int(0, 10) * DAY,
    issuer: ISSUERS[approvalType]!,
  });
  const construction = plan.stage >= S.construction && plan.category === '固投类';
  if (construction) {
    const start = d[S.construction]!;
    docs.push({ type: '用地规划许可', at: start - rng.int(20, 60) * DAY, issuer: ISSUERS['用地规划许可']! });
    docs.push({ type: '施工许可', at: start - rng.int(0, 15) * DAY, issuer: ISSUERS['施工许可']! });
    const end = Math.min(
      plan.stalledAt ?? Infinity,
      plan.stage >= S.completed ? d[S.completed]! : sink.now - 10 * DAY,
    );
    const reports = rng.int(1, 3);
    for (let k = 1; k <= reports; k++) {
      const at = start + ((end - start) * k) / (reports + 1);
      if (at > start) docs.push({ type: '监理报告', at, issuer: ownIssuer });
    }
  }
  if (plan.stage >= S.completed && plan.category !== '非固投类') {
    docs.push({ type: '竣工验收报告', at: d[S.completed]!, issuer: ownIssuer });
  }
  if (plan.stage >= S.handedOver && plan.category === '固投类') {
    docs.push({ type: '移交确认书', at: d[S.handedOver]!, issuer: ownIssuer });
  }
  if (plan.stage >= S.evaluated)
    docs.push({ type: '绩效评价报告', at: d[S.evaluated]!, issuer: ISSUERS['绩效评价报告']! });
  if (rng.chance(0.1))
    docs.push({ type: '会议纪要', at: d[S.approved]! + rng.int(5, 60) * DAY, issuer: ISSUERS['会议纪要']! });

  docs.forEach((spec, i) => {
    const signAt = sink.stamp(spec.at);
    if (signAt >= sink.now - DAY) return;
    const planted = i === 0 && (plan.nameVariant || plan.containsOther !== null || plan.containedBy !== null);
    const code = planted ? { text: null, spelling: null } : codeFor();
    let name = typedName(plan.name, rng, 0.25);
    if (planted && plan.nameVariant) name = withCityPrefix(toFullWidthBrackets(plan.name));
    let permitNo: string | null = null;
    if (spec.type === '施工许可') {
      const day = bjDate(signAt).replace(/-/g, '');
      permitNo = `${plan.division}${day}${String(sink.next(`permit|${plan.division}|${day}`, rng.int(1, 40))).padStart(4, '0')}`;
      ctx.permit = { permitNo, signDate: signAt };
    }
    const { doc, updateAt } = makeDoc(sink, rng, {
      type: spec.type,
      title: oaTitle(spec.type, name, signAt),
      issuer: spec.issuer,
      signAt,
      projectCode: code.text,
      permitNo,
    });
    let t = updateAt;
    // Edits and voids re-send the document with a higher version; permits stay in force
    // because sites link through them.
    if (rng.chance(0.08) || (spec.type !== '施工许可' && rng.chance(0.01))) {
      const later = sink.stamp(updateAt + rng.int(1, 30) * DAY);
      if (later > updateAt) {
        doc.version = 2;
        doc.updateTime = bjDateTime(later);
        if (spec.type !== '施工许可' && rng.chance(0.15)) doc.status = '已作废';
        else
          doc.attachments.push({
            name: '附件-补充材料.pdf',
            size: rng.int(80_000, 5_000_000),
            sha256: rng.hex(64),
          });
        t = later;
      }
    }
    sink.oa(doc, owner, t);
    const ref = { system: 'oa', kind: 'document', sourceId: doc.docId };
    if (planted && plan.nameVariant) sink.link('name-variant', ref, key, undefined, true);
    else if (planted) sink.link('title-match', ref, key, undefined, true);
    else if (code.spelling?.startsWith('fullwidth')) sink.link('fullwidth-code', ref, key);
  });

  // Migrated archives: a document with an impossible date or a code missing a digit.
  if (rng.chance(0.006)) {
    const at = sink.stamp(d[S.approved]! + rng.int(1, 30) * DAY);
    const bad = rng.pick(['2023-13-45', '0000-00-00', `${bjYear(at)}-02-30`]);
    const { doc, updateAt } = makeDoc(sink, rng, {
      type: '会议纪要',
      title: oaTitle('会议纪要', plan.name, at),
      issuer: ISSUERS['会议纪要']!,
      signAt: at,
      projectCode: null,
      signDateText: bad,
    });
    sink.oa(doc, INVALID, updateAt);
  }
  if (plan.invCode !== null && rng.chance(0.004)) {
    const at = sink.stamp(d[S.approved]! + rng.int(1, 30) * DAY);
    const { doc, updateAt } = makeDoc(sink, rng, {
      type: '会议纪要',
      title: oaTitle('会议纪要', plan.name, at),
      issuer: ISSUERS['会议纪要']!,
      signAt: at,
      projectCode: dropDigit(plan.invCode, rng),
    });
    sink.oa(doc, INVALID, updateAt);
  }
}

/** Documents about no project (general minutes) and about projects not in the library. */
export function emitGeneralDocs(
  sink: Sink,
  rng: Rng,
  count: number,
  unknownTitles: string[],
  years: [number, number],
): void {
  for (let k = 0; k < count; k++) {
    const year = rng.int(years[0], years[1]);
    const at = sink.stamp(Date.UTC(year, rng.int(0, 11), rng.int(1, 28), rng.int(1, 9)));
    const title = rng.chance(0.5)
      ? `市政府第${k + 1}次常务会议纪要`
      : `市重大项目推进会议纪要（${year}年第${rng.int(1, 24)}期）`;
    const { doc, updateAt } = makeDoc(sink, rng, {
      type: '会议纪要',
      title,
      issuer: ISSUERS['会议纪要']!,
      signAt: at,
      projectCode: null,
    });
    sink.oa(doc, -1, updateAt);
    sink.link('no-match', { system: 'oa', kind: 'document', sourceId: doc.docId }, null, 'no-match');
  }
  for (const title of unknownTitles) {
    const year = rng.int(years[0], years[1]);
    const at = sink.stamp(Date.UTC(year, rng.int(0, 11), rng.int(1, 28), rng.int(1, 9)));
    const { doc, updateAt } = makeDoc(sink, rng, {
      type: '可研批复',
      title,
      issuer: ISSUERS['可研批复']!,
      signAt: at,
      projectCode: null,
    });
    sink.oa(doc, -1, updateAt);
    sink.link('no-match', { system: 'oa', kind: 'document', sourceId: doc.docId }, null, 'no-match', true);
  }
}
