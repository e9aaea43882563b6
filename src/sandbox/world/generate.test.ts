import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalInvestmentCode, checkUscc } from '../../model/codes.js';
import { toFen } from '../../model/money.js';
import { beijingToEpochMs, businessDate, isoToEpochMs } from '../../model/time.js';
import { generateWorld, worldStats } from './generate.js';
import { applyWave, generateWave } from './wave.js';
import { wgs84ToGcj02, round6 } from './geo.js';
import type { BudgetLogEntry, ExpectedLink, ExpectedProject, TradingNotice, World } from './types.js';

const KEY_FIELD: Record<string, string> = {
  'XMK.QUERY': 'XMDM',
  'ZB.QUERY': 'ZBBH',
  'ZF.QUERY': 'ZFPZH',
  'JS.QUERY': 'JSBH',
  'JX.QUERY': 'PJBH',
};
const sourceIdOf = (e: BudgetLogEntry) => e.fields[KEY_FIELD[e.service]!]!;
const hash = (w: unknown) => createHash('sha256').update(JSON.stringify(w)).digest('hex');
const within = (value: number, target: number, pct: number) =>
  Math.abs(value - target) <= (target * pct) / 100;

// One default world, only read by the tests below.
const world = generateWorld();
const small = () => generateWorld({ seed: 7, projects: 300 });

function validDate(s: string): boolean {
  try {
    businessDate(s);
    return true;
  } catch {
    return false;
  }
}

/** Latest valid version per key among entries of `service` whose XMDM is one of `xmdms`. */
function latestBudget(
  w: World,
  service: BudgetLogEntry['service'],
  key: string,
  xmdms: Set<string>,
  valid: (f: Record<string, string>) => boolean,
) {
  const best = new Map<string, Record<string, string>>();
  for (const e of w.data.budget) {
    if (e.service !== service || !xmdms.has(e.fields.XMDM!) || !valid(e.fields)) continue;
    const prev = best.get(e.fields[key]!);
    if (!prev || Number(prev.BBH) < Number(e.fields.BBH)) best.set(e.fields[key]!, e.fields);
  }
  return [...best.values()];
}

function recomputeBudget(w: World, p: ExpectedProject): { allocated: number; disbursed: number } {
  const xmdms = new Set([p.projectKey, ...p.aliases]);
  const zb = latestBudget(w, 'ZB.QUERY', 'ZBBH', xmdms, (f) => validDate(f.XDRQ!));
  const zf = latestBudget(w, 'ZF.QUERY', 'ZFPZH', xmdms, (f) => toFen(f.JE!, '元') > 0);
  return {
    allocated: zb.filter((f) => f.ZBZT === '正常').reduce((a, f) => a + toFen(f.JE!, '元'), 0),
    disbursed: zf.filter((f) => f.ZFZT === '已支付').reduce((a, f) => a + toFen(f.JE!, '元'), 0),
  };
}

function amountFen(v: TradingNotice['fields'][string]): number {
  if (v === null || typeof v !== 'object') throw new Error('no amount');
  return toFen(v.value, v.unit);
}

describe('generateWorld', () => {
  it('is deterministic: the same options give byte-identical JSON', () => {
    expect(hash(small())).toBe(hash(small()));
  });

  it('gives different worlds for different seeds', () => {
    const other = generateWorld({ seed: 8, projects: 300 });
    expect(hash(other)).not.toBe(hash(small()));
  });

  it('has the shape of the published figures', () => {
    const s = worldStats(world);
    expect(within(s.libraryEntries, 1816, 3)).toBe(true);
    expect(within(s.totalInvestmentFen, 11_410_000 * 1_000_000, 3)).toBe(true);
    expect(within(s.requestedSubsidyFen, 7_470_000 * 1_000_000, 3)).toBe(true);
    expect(s.keyAreas).toBe(19);
    expect(Math.abs(s.projectsOver100m - 45)).toBeLessThanOrEqual(5);
  });

  it('scales the figures with the number of projects', () => {
    const s = worldStats(generateWorld({ projects: 908 }));
    expect(within(s.totalInvestmentFen, 5_705_000 * 1_000_000, 3)).toBe(true);
    expect(Math.abs(s.projectsOver100m - 23)).toBeLessThanOrEqual(3);
  });

  it('writes 18-digit unique XMDMs that encode division, year and key area', () => {
    const xmk = world.data.budget.filter((e) => e.service === 'XMK.QUERY');
    const codes = new Set(xmk.map((e) => e.fields.XMDM!));
    expect(codes.size).toBe(worldStats(world).libraryEntries);
    for (const e of xmk) {
      const f = e.fields;
      expect(f.XMDM).toMatch(/^\d{18}$/);
      expect(f.XMDM!.slice(0, 6)).toBe(f.XZQHDM);
      expect(f.XMDM!.slice(6, 10)).toBe(f.ND);
      expect(f.XMDM!.slice(10, 12)).toBe(f.ZDLYDM);
    }
  });

  it('gives every owner a verifying USCC: 11… for government bodies, 91… for enterprises', () => {
    for (const e of world.data.budget.filter((x) => x.service === 'XMK.QUERY')) {
      const c = checkUscc(e.fields.TYSHXYDM!);
      expect(c.shape && c.checksum, e.fields.TYSHXYDM).toBe(true);
      expect(e.fields.TYSHXYDM!.slice(0, 2)).toMatch(/^(11|91)$/);
    }
  });

  it('writes amounts exactly: 万元 with ≤ 6 decimals, 元 with 2, asset values with 2', () => {
    for (const e of world.data.budget) {
      if (e.service === 'XMK.QUERY') expect(e.fields.ZTZ).toMatch(/^\d+(\.\d{1,6})?$/);
      if (e.service === 'ZB.QUERY') expect(e.fields.JE).toMatch(/^\d+\.\d{2}$/);
    }
    for (const c of world.data.asset) expect(c.originalValue).toMatch(/^-?\d+\.\d{2}$/);
    for (const d of world.data.benefit) expect(d.approvedAmount).toMatch(/^\d+(\.\d{1,6})?$/);
  });

  it('dates every record before now', () => {
    const now = world.now;
    for (const e of world.data.budget) expect(beijingToEpochMs(e.fields.XGSJ!)).toBeLessThan(now);
    for (const d of world.data.oa) expect(beijingToEpochMs(d.updateTime)).toBeLessThan(now);
    for (const c of world.data.asset) expect(c.updatedAt).toBeLessThan(now);
    for (const b of world.data.benefit) expect(isoToEpochMs(b.updatedAt)).toBeLessThan(now);
    for (const e of world.data.smartcity) expect(isoToEpochMs(e.eventTime)).toBeLessThan(now);
    for (const n of world.data.trading) expect(beijingToEpochMs(n.publishTime)).toBeLessThan(now);
  });

  it('plants every linking case, each naming a record that exists and a known project', () => {
    const cases: ExpectedLink['case'][] = [
      'direct',
      'transitive-award',
      'transitive-contract',
      'transitive-asset',
      'transitive-site',
      'transitive-event',
      'late-anchor',
      'alias-merge',
      'ambiguous-subsidy',
      'fullwidth-code',
      'name-variant',
      'title-match',
      'no-match',
    ];
    const links = world.expectations.links;
    for (const c of cases) expect(links.filter((l) => l.case === c).length, c).toBeGreaterThanOrEqual(3);
    const keys = new Set(world.expectations.projects.map((p) => p.projectKey));
    const ids = new Set<string>([
      ...world.data.oa.map((d) => `oa|${d.docId}`),
      ...world.data.asset.map((c) => `asset|${c.assetCode}`),
      ...world.data.benefit.map((d) => `benefit|${d.applicationId}`),
      ...world.data.trading.map((n) => `trading|${n.id}`),
      ...world.data.smartcity.map((e) => `smartcity|${e.type === 'site.upsert' ? e.siteId : e.eventId}`),
      ...world.data.budget.map((e) => `budget|${sourceIdOf(e)}`),
    ]);
    for (const l of links) {
      expect(ids.has(`${l.record.system}|${l.record.sourceId}`), JSON.stringify(l)).toBe(true);
      if (l.projectKey === null) expect(l.reason).toBeDefined();
      else expect(keys.has(l.projectKey)).toBe(true);
    }
    const alias = links.find((l) => l.case === 'alias-merge' && l.record.kind === 'project')!;
    const survivor = world.expectations.projects.find((p) => p.projectKey === alias.projectKey)!;
    expect([survivor.projectKey, ...survivor.aliases]).toContain(alias.record.sourceId);
    expect(survivor.aliases.every((a) => a > survivor.projectKey)).toBe(true);
  });

  it('spells investment codes the ways people type them', () => {
    const tenders = world.data.trading.filter((n) => n.type === 'tender' && n.brokenText === undefined);
    const codes = tenders
      .map((n) => n.fields.investmentProjectCode)
      .filter((c): c is string => typeof c === 'string');
    expect(codes.some((c) => /[０-９]/.test(c))).toBe(true);
    expect(codes.some((c) => /^\d{20}$/.test(c))).toBe(true);
    expect(codes.every((c) => canonicalInvestmentCode(c) !== null)).toBe(true);
  });

  it('plants the quirks each source document describes', () => {
    const d = world.data;
    const versions = d.budget.map((e) => `${e.service}|${sourceIdOf(e)}`);
    const withBbh = d.budget.map((e, i) => `${versions[i]}|${e.fields.BBH}`);
    expect(new Set(withBbh).size).toBeLessThan(withBbh.length);
    const seen = new Map<string, number>();
    let olderAfterNewer = 0;
    d.budget.forEach((e, i) => {
      const bbh = Number(e.fields.BBH);
      if ((seen.get(versions[i]!) ?? 0) > bbh) olderAfterNewer++;
      seen.set(versions[i]!, Math.max(seen.get(versions[i]!) ?? 0, bbh));
    });
    expect(olderAfterNewer).toBeGreaterThan(0);
    expect(d.budget.some((e) => e.service === 'ZB.QUERY' && !validDate(e.fields.XDRQ!))).toBe(true);
    expect(d.budget.some((e) => e.service === 'ZF.QUERY' && toFen(e.fields.JE!, '元') <= 0)).toBe(true);
    expect(d.oa.some((x) => !validDate(x.signDate))).toBe(true);
    expect(d.oa.some((x) => x.projectCode && canonicalInvestmentCode(x.projectCode) === null)).toBe(true);
    expect(d.asset.some((c) => toFen(c.originalValue, '元') <= 0)).toBe(true);
    expect(d.benefit.some((b) => /^\d{15}$/.test(b.enterpriseUscc))).toBe(true);
    expect(
      d.benefit.some((b) => {
        const c = checkUscc(b.enterpriseUscc);
        return c.shape && !c.checksum;
      }),
    ).toBe(true);
    const pct = d.smartcity
      .filter((e) => e.type === 'progress.report')
      .map((e) => Number(e.payload.progressPercent));
    expect(pct.some((p) => p > 100 || p < 0)).toBe(true);
    expect(new Set(d.smartcity.map((e) => e.eventId)).size).toBeLessThan(d.smartcity.length);
    expect(d.trading.some((n) => n.brokenText !== undefined)).toBe(true);
    expect(d.trading.some((n) => n.type === 'award' && n.fields.state === '已废标')).toBe(true);
  });

  it('plants over-disbursed, contract-over-investment and stalled projects', () => {
    const ps = world.expectations.projects;
    expect(ps.filter((p) => p.money.disbursedFen > p.money.allocatedFen).length).toBeGreaterThanOrEqual(3);
    expect(ps.filter((p) => p.money.contractFen > p.money.totalInvestmentFen).length).toBeGreaterThanOrEqual(
      3,
    );
    const lastProgress = new Map<string, number>();
    for (const e of world.data.smartcity) {
      if (e.type !== 'progress.report') continue;
      lastProgress.set(e.siteId, Math.max(lastProgress.get(e.siteId) ?? 0, isoToEpochMs(e.eventTime)));
    }
    const stale = [...lastProgress.values()].filter((t) => t < world.now - 180 * 86_400_000).length;
    expect(stale).toBeGreaterThan(0);
  });

  it('locates sites in GCJ-02 inside Baotou (smartcity.md §5 test vector)', () => {
    const g = wgs84ToGcj02(40.6571, 109.8403);
    expect([round6(g.lat), round6(g.lon)]).toEqual([40.658248, 109.846004]);
    for (const e of world.data.smartcity.filter((x) => x.type === 'site.upsert').slice(0, 200)) {
      const loc = e.payload.location as { lat: number; lng: number; crs: string };
      expect(loc.crs).toBe('GCJ-02');
      expect(loc.lat).toBeGreaterThan(40.5);
      expect(loc.lng).toBeGreaterThan(109.6);
    }
  });

  it('states expectations that reproduce from the data (budget and trading money)', () => {
    const ps = world.expectations.projects;
    const sample = ps.filter((_, i) => i % 7 === 0);
    for (const p of sample) {
      const r = recomputeBudget(world, p);
      expect(r.allocated, p.projectKey).toBe(p.money.allocatedFen);
      expect(r.disbursed, p.projectKey).toBe(p.money.disbursedFen);
    }
    const tenderCode = new Map<string, string | null>();
    for (const n of world.data.trading) {
      if (n.type === 'tender' && n.brokenText === undefined) {
        const c = n.fields.investmentProjectCode;
        tenderCode.set(n.id, typeof c === 'string' && c !== '' ? canonicalInvestmentCode(c) : null);
      }
    }
    const awardByCode = new Map<string, number>();
    for (const n of world.data.trading) {
      if (n.type !== 'award' || n.fields.state !== '有效') continue;
      const code = tenderCode.get(String(n.fields.sectionCode));
      if (code) awardByCode.set(code, (awardByCode.get(code) ?? 0) + amountFen(n.fields.awardAmount!));
    }
    for (const p of sample.filter((x) => x.investmentCode !== null)) {
      expect(awardByCode.get(p.investmentCode!) ?? 0, p.projectKey).toBe(p.money.awardFen);
    }
  });

  it('generates 20,000 projects', { timeout: 120_000 }, () => {
    const big = generateWorld({ seed: 3, projects: 20_000 });
    expect(worldStats(big).libraryEntries).toBe(20_000);
  });
});

describe('generateWave', () => {
  const wave = generateWave(world, { seed: 5 });
  const changed = new Set(wave.changedProjects);
  const keyOf = new Map<string, string>();
  for (const p of world.expectations.projects)
    for (const k of [p.projectKey, ...p.aliases]) keyOf.set(k, p.projectKey);

  it('changes about `fraction` of the projects, and reports each one', () => {
    expect(wave.changedProjects.length).toBeGreaterThan(10);
    expect(wave.changedProjects.length).toBeLessThanOrEqual(
      Math.round(0.02 * world.expectations.projects.length),
    );
    expect(wave.expectations.projects.map((p) => p.projectKey)).toEqual(wave.changedProjects);
  });

  it('only touches records of the changed projects, with higher versions and later times', () => {
    const worldMax = Math.max(...world.data.budget.map((e) => beijingToEpochMs(e.fields.XGSJ!)));
    const maxBbh = new Map<string, number>();
    for (const e of world.data.budget) {
      const id = `${e.service}|${sourceIdOf(e)}`;
      maxBbh.set(id, Math.max(maxBbh.get(id) ?? 0, Number(e.fields.BBH)));
    }
    for (const e of wave.budget) {
      expect(changed.has(keyOf.get(e.fields.XMDM!)!)).toBe(true);
      expect(Number(e.fields.BBH)).toBeGreaterThan(maxBbh.get(`${e.service}|${sourceIdOf(e)}`) ?? 0);
      const t = beijingToEpochMs(e.fields.XGSJ!);
      expect(t).toBeGreaterThan(worldMax);
      expect(t).toBeLessThan(world.now + 86_400_000);
    }
    const tenders = new Map(world.data.trading.filter((n) => n.type === 'tender').map((n) => [n.id, n]));
    const byCode = new Map(world.expectations.projects.map((p) => [p.investmentCode, p.projectKey]));
    for (const n of wave.trading) {
      const old = world.data.trading.find((x) => x.type === n.type && x.id === n.id)!;
      expect(n.version).toBeGreaterThan(old.version);
      const code = canonicalInvestmentCode(
        String(tenders.get(String(n.fields.sectionCode))!.fields.investmentProjectCode),
      );
      expect(changed.has(byCode.get(code)!)).toBe(true);
    }
    for (const d of wave.oa) {
      expect(d.version).toBeGreaterThan(world.data.oa.find((x) => x.docId === d.docId)!.version);
    }
  });

  it('states new expectations that reproduce from the data after the wave', () => {
    const after = applyWave(world, wave);
    for (const p of wave.expectations.projects) {
      const r = recomputeBudget(after, p);
      expect(r.allocated, p.projectKey).toBe(p.money.allocatedFen);
      expect(r.disbursed, p.projectKey).toBe(p.money.disbursedFen);
    }
    const moved = wave.expectations.projects.filter((p) => {
      const before = world.expectations.projects.find((x) => x.projectKey === p.projectKey)!;
      return JSON.stringify(before.money) !== JSON.stringify(p.money);
    });
    expect(moved.length).toBeGreaterThan(0);
    const untouched = world.expectations.projects
      .filter((p) => !changed.has(p.projectKey))
      .filter((_, i) => i % 25 === 0);
    for (const p of untouched) {
      const r = recomputeBudget(after, p);
      expect(r.allocated).toBe(p.money.allocatedFen);
      expect(r.disbursed).toBe(p.money.disbursedFen);
    }
  });

  it('is deterministic and also works on a world read back from JSON', () => {
    const copy = JSON.parse(JSON.stringify(world)) as World;
    expect(hash(generateWave(copy, { seed: 5 }))).toBe(hash(wave));
  });
});
