/** Counts and totals of a world, for documentation and tests. */
import { toFen } from '../../model/money.js';
import type { World } from './types.js';
import { budgetKey } from './budgetLog.js';

export interface WorldStats {
  /** Raw items per system (budget log entries and smart-city events include repeats). */
  items: Record<string, number>;
  /** Distinct records per system and kind (latest version per identity). */
  records: Record<string, Record<string, number>>;
  /** Project-library entries (distinct XMDM). */
  libraryEntries: number;
  /** Ledger projects (survivors after alias merge). */
  ledgerProjects: number;
  totalInvestmentFen: number;
  requestedSubsidyFen: number;
  keyAreas: number;
  /** Library entries with total investment above 1 亿元 (10,000 万元). */
  projectsOver100m: number;
  /** Planted linking expectations per case. */
  links: Record<string, number>;
}

const BUDGET_KIND: Record<string, string> = {
  'XMK.QUERY': 'project',
  'ZB.QUERY': 'indicator',
  'ZF.QUERY': 'payment',
  'JS.QUERY': 'finalAccount',
  'JX.QUERY': 'evaluation',
};
const EVENT_KIND: Record<string, string> = {
  'site.upsert': 'site',
  'progress.report': 'progress',
  'camera.snapshot': 'snapshot',
  'dust.alert': 'dustAlert',
};
const HUNDRED_MILLION_FEN = 10_000_000_000n;

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

export function worldStats(world: World): WorldStats {
  const d = world.data;
  const records: Record<string, Record<string, number>> = {
    budget: {},
    oa: {},
    asset: {},
    benefit: {},
    smartcity: {},
    trading: {},
  };
  const latestXmk = new Map<string, Record<string, string>>();
  const seen = new Set<string>();
  for (const e of d.budget) {
    const key = budgetKey(e);
    if (!seen.has(key)) {
      seen.add(key);
      bump(records.budget!, BUDGET_KIND[e.service]!);
    }
    if (e.service === 'XMK.QUERY') {
      const prev = latestXmk.get(key);
      if (!prev || Number(prev.BBH) < Number(e.fields.BBH)) latestXmk.set(key, e.fields);
    }
  }
  for (const _doc of d.oa) bump(records.oa!, 'document');
  for (const _ of d.asset) bump(records.asset!, 'assetCard');
  for (const _ of d.benefit) bump(records.benefit!, 'subsidy');
  const events = new Set<string>();
  const sites = new Set<string>();
  for (const e of d.smartcity) {
    if (e.type === 'site.upsert') {
      if (!sites.has(e.siteId)) bump(records.smartcity!, 'site');
      sites.add(e.siteId);
    } else if (!events.has(e.eventId)) {
      bump(records.smartcity!, EVENT_KIND[e.type]!);
    }
    events.add(e.eventId);
  }
  for (const n of d.trading) bump(records.trading!, n.brokenText === undefined ? n.type : 'broken');

  let ztz = 0n;
  let sqbz = 0n;
  let big = 0;
  const areas = new Set<string>();
  for (const f of latestXmk.values()) {
    const z = BigInt(toFen(f.ZTZ!, '万元'));
    ztz += z;
    sqbz += BigInt(toFen(f.SQBZ!, '万元'));
    if (z > HUNDRED_MILLION_FEN) big++;
    areas.add(f.ZDLYDM!);
  }
  const links: Record<string, number> = {};
  for (const l of world.expectations.links) bump(links, l.case);
  return {
    items: {
      budget: d.budget.length,
      oa: d.oa.length,
      asset: d.asset.length,
      benefit: d.benefit.length,
      smartcity: d.smartcity.length,
      trading: d.trading.length,
    },
    records,
    libraryEntries: latestXmk.size,
    ledgerProjects: world.expectations.projects.length,
    totalInvestmentFen: Number(ztz),
    requestedSubsidyFen: Number(sqbz),
    keyAreas: areas.size,
    projectsOver100m: big,
    links,
  };
}
