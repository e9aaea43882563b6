/**
 * The skeleton of the city: one plan per project-library entry — who declared what, where,
 * for how much, how far it got by `now`, and which planted cases it carries. Emitters turn
 * plans into source records; nothing here is in any system's wire shape yet.
 */
import { normalizeProjectName } from '../../model/text.js';
import { DAY, bjDayStart, bjYear, sec } from './clock.js';
import {
  AREA_WEIGHTS,
  CHINESE_NUMBERS,
  COMMUNITIES,
  DIVISION_CODES,
  ENTERPRISE_AREAS,
  ENT_TEMPLATES,
  GOV_TEMPLATES,
  KEY_AREAS,
  PHASES,
  RIVERS,
  ROADS,
  SCENIC,
  VILLAGES,
  areaCode,
  placePrefix,
  policyItem,
} from './names.js';
import { OwnerBook, type Owner } from './owners.js';
import type { Rng } from './rng.js';

export type Category = '固投类' | '设备类' | '非固投类';
export const STAGES = [
  'reserve',
  'approved',
  'funded',
  'tendering',
  'construction',
  'completed',
  'finalAccounted',
  'handedOver',
  'evaluated',
] as const;
export const S = {
  reserve: 0,
  approved: 1,
  funded: 2,
  tendering: 3,
  construction: 4,
  completed: 5,
  finalAccounted: 6,
  handedOver: 7,
  evaluated: 8,
} as const;

export interface ProjectPlan {
  idx: number;
  xmdm: string;
  /** Index of the plan whose XMDM is the ledger projectKey (itself unless merged). */
  survivor: number;
  name: string;
  owner: Owner;
  division: string;
  area: number;
  policy: { code: string; name: string };
  category: Category;
  year: number;
  invCode: string | null;
  ztzFen: number;
  sqbzFen: number;
  /** Fiscal review amount once reviewed; a re-audit may revise it. */
  sdjeFen: number | null;
  sdjeRevisedFen: number | null;
  /** Highest stage reached by `now`. */
  stage: number;
  terminated: boolean;
  /** Epoch ms per stage; planned dates beyond `stage` are kept (progress needs them), NaN = never. */
  dates: number[];
  /** Last activity of a stalled construction (半拉子工程), else null. */
  stalledAt: number | null;
  overDisbursed: boolean;
  overContract: boolean;
  /** Continuation entry (续建) of this plan index, sharing its investment code. */
  continuationOf: number | null;
  /** Same owner + same name as another plan (ambiguous subsidies). */
  dupName: boolean;
  /** Registered name has half-width brackets; others type it with full-width ones and 包头市. */
  nameVariant: boolean;
  /** Its name contains another plan's name (title matching, longest wins). */
  containsOther: number | null;
  /** Index of the plan whose name contains this one's. */
  containedBy: number | null;
  big: boolean;
}

export interface PlanOptions {
  n: number;
  now: number;
}

const TARGET_ZTZ_WAN = 11_410_000n;
const TARGET_SQBZ_WAN = 7_470_000n;
const BASE_PROJECTS = 1816n;
const BIG_BASE = 45;
const WAN = 1_000_000; // fen per 万元
const CENT_WAN = 10_000; // fen per 0.01 万元
const BIG_LIMIT = 10_000 * WAN;
const AREAS = KEY_AREAS.map((_, k) => k + 1);
const CHECK_CHARS = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'];

function industryCode(rng: Rng): string {
  return rng.pick(['13', '38', '39', '44', '48', '50', '52', '53', '76', '78', '84', '87']);
}

function categoryOfTemplate(t: string): Category {
  if (t.includes('设备购置') || t.includes('扩容设备')) return '设备类';
  if (t.includes('后补助') || t.includes('贴息')) return '非固投类';
  return '固投类';
}

const GENERIC: Record<Category, { gov: string[]; ent: string[] }> = {
  固投类: { gov: ['{p}{r}{a}设施建设项目'], ent: ['{e}{a}产业化建设项目'] },
  设备类: { gov: ['{p}{a}专用设备购置项目'], ent: ['{e}生产设备购置项目', '{e}检测设备购置项目'] },
  非固投类: {
    gov: ['{p}{y}年度{a}专项补助项目', '{p}{y}年度{a}运营补贴项目'],
    ent: ['{e}{y}年度研发投入后补助项目', '{e}{y}年度贷款贴息项目', '{e}{y}年度{a}奖补项目'],
  },
};

export class Planner {
  readonly plans: ProjectPlan[] = [];
  readonly owners: OwnerBook;
  private readonly names = new Set<string>();
  private readonly phases = new Map<string, number>();
  private readonly invCodes = new Set<string>();
  private readonly xmdmSerial = new Map<string, number>();
  private readonly nowYear: number;

  constructor(
    private readonly rng: Rng,
    private readonly opts: PlanOptions,
  ) {
    this.owners = new OwnerBook(rng.fork('owners'));
    this.nowYear = bjYear(opts.now);
  }

  build(): ProjectPlan[] {
    const { n } = this.opts;
    const planted = n >= 40;
    const scale = (base: number, min: number) => (planted ? Math.max(min, Math.round((base * n) / 1816)) : 0);
    const continuations = scale(6, 3);
    const dupPairs = scale(4, 2);
    const nests = scale(4, 2);
    const baseCount = n - continuations - dupPairs - nests;
    const variantEvery = planted ? Math.max(10, Math.floor(baseCount / scale(8, 4))) : 0;

    for (let i = 0; i < baseCount; i++) {
      const variant = variantEvery > 0 && i % variantEvery === variantEvery - 1;
      this.plans.push(this.basePlan(i, variant));
    }
    const candidates = this.rng.shuffle(this.plans.map((p) => p.idx));
    const used = new Set<number>();
    const take = (ok: (p: ProjectPlan) => boolean): ProjectPlan | undefined => {
      for (const i of candidates) {
        const p = this.plans[i]!;
        if (!used.has(i) && ok(p)) {
          used.add(i);
          return p;
        }
      }
      return undefined;
    };
    const normal = (p: ProjectPlan) => !p.nameVariant && p.year < this.nowYear;
    for (let k = 0; k < continuations; k++) {
      const orig = take((p) => normal(p) && p.owner.gov && p.category === '固投类' && p.stage >= S.funded);
      this.plans.push(orig ? this.continuation(orig, k % 3 === 1) : this.basePlan(this.plans.length, false));
    }
    for (let k = 0; k < dupPairs; k++) {
      const orig = take((p) => normal(p) && !p.owner.gov && p.invCode !== null && !/\d{4}年度/.test(p.name));
      this.plans.push(orig ? this.dupPartner(orig) : this.basePlan(this.plans.length, false));
    }
    for (let k = 0; k < nests; k++) {
      const orig = take((p) => normal(p) && p.owner.gov && p.stage >= S.approved);
      this.plans.push(orig ? this.nested(orig) : this.basePlan(this.plans.length, false));
    }
    this.fitMoney();
    this.plantFindings(planted);
    return this.plans;
  }

  private drawYear(): number {
    const years = [0, 1, 2, 3, 4, 5].map((k) => this.nowYear - 5 + k);
    return this.rng.weighted(years, [12, 14, 16, 18, 20, 20]);
  }

  private declaredIn(year: number): number {
    const start = bjDayStart(year, 1, 5);
    const end = Math.min(bjDayStart(year, 12, 20), this.opts.now - 30 * DAY);
    return sec(start + this.rng.next() * Math.max(DAY, end - start) + this.rng.int(8, 17) * 3_600_000);
  }

  private newXmdm(division: string, year: number, area: number): string {
    const prefix = `${division}${year}${areaCode(area)}`;
    const next = (this.xmdmSerial.get(prefix) ?? this.rng.int(0, 300)) + this.rng.int(1, 40);
    this.xmdmSerial.set(prefix, next);
    return prefix + String(next).padStart(6, '0');
  }

  private newInvCode(year: number, division: string, gov: boolean): string {
    for (;;) {
      const type = gov ? '01' : this.rng.chance(0.2) ? '02' : '03';
      const tail = String(this.rng.int(0, 99999)).padStart(5, '0') + this.rng.pick(CHECK_CHARS);
      const code = `${year}-${division}-${industryCode(this.rng)}-${type}-${tail}`;
      if (!this.invCodes.has(code)) {
        this.invCodes.add(code);
        return code;
      }
    }
  }

  private fill(template: string, owner: Owner, division: string, area: number, year: number): string {
    return template
      .replace('{p}', placePrefix(division))
      .replace('{e}', owner.short)
      .replace('{r}', this.rng.pick(ROADS))
      .replace('{w}', this.rng.pick(RIVERS))
      .replace('{v}', this.rng.pick(VILLAGES))
      .replace('{c}', this.rng.pick(COMMUNITIES))
      .replace('{s}', this.rng.pick(SCENIC))
      .replace('{a}', KEY_AREAS[area - 1]!)
      .replace('{y}', String(year))
      .replace(
        '{n}',
        String(this.rng.pick([CHINESE_NUMBERS[this.rng.int(0, 9)], this.rng.int(2, 60) * 100])),
      );
  }

  /** A registered name unique in its normalized form (no accidental same-name projects). */
  private uniqueName(
    templates: string[],
    owner: Owner,
    division: string,
    area: number,
    year: number,
    halfBrackets: boolean,
  ): string {
    const bracket = (s: string) => (halfBrackets ? `(${s})` : `（${s}）`);
    for (let attempt = 0; ; attempt++) {
      let name = this.fill(this.rng.pick(templates), owner, division, area, year);
      // The planted variant adds 包头市 itself, so the registered name must not start with it.
      if (halfBrackets && name.startsWith('包头市')) name = name.slice(3);
      if (halfBrackets || attempt >= 4) {
        // A phase suffix; once random draws keep colliding, the next free phase of this base
        // name (a counter, so crowded worlds stay linear).
        const base = normalizeProjectName(name);
        const used = this.phases.get(base) ?? 0;
        const k = attempt < 4 ? this.rng.int(0, 1) : used;
        if (attempt >= 4) this.phases.set(base, used + 1);
        const phase = k < PHASES.length ? PHASES[k]! : `${k + 1}号`;
        name = name.replace(/(项目|工程)$/, `${bracket(phase)}$1`);
      }
      const key = normalizeProjectName(name);
      if (this.names.has(key)) continue;
      this.names.add(key);
      return name;
    }
  }

  private timeline(declared: number, category: Category): { dates: number[]; terminated: boolean } {
    const r = this.rng;
    const d = new Array<number>(9).fill(NaN);
    const day = (lo: number, hi: number) => r.int(lo, hi) * DAY + r.int(0, 8) * 3_600_000;
    d[0] = declared;
    if (r.chance(0.06)) return { dates: d, terminated: false };
    d[1] = declared + day(20, 90);
    if (r.chance(0.025)) return { dates: d, terminated: true };
    d[2] = d[1] + day(15, 60);
    if (category === '非固投类') {
      if (r.chance(0.75)) d[8] = d[2] + day(200, 500);
    } else {
      d[3] = d[2] + day(10, 60);
      d[4] = d[3] + day(25, 50);
      d[5] = d[4] + (category === '固投类' ? day(150, 700) : day(30, 120));
      d[6] = d[5] + (category === '固投类' ? day(60, 240) : day(30, 120));
      d[7] = d[6] + day(10, 90);
      if (r.chance(0.8)) d[8] = d[7] + day(60, 300);
    }
    return { dates: d.map((v) => (Number.isNaN(v) ? v : sec(v))), terminated: false };
  }

  private stageOf(dates: number[]): number {
    const limit = this.opts.now - 5 * DAY;
    let stage = 0;
    for (let s = 1; s < dates.length; s++) {
      const t = dates[s]!;
      if (Number.isNaN(t)) continue;
      if (t <= limit) stage = s;
      else break;
    }
    return stage;
  }

  private makePlan(f: Omit<ProjectPlan, 'stage' | 'dates' | 'terminated' | 'xmdm' | 'idx'>): ProjectPlan {
    const declared = this.declaredIn(f.year);
    const { dates, terminated } = this.timeline(declared, f.category);
    const idx = this.plans.length;
    const xmdm = this.newXmdm(f.division, f.year, f.area);
    // Every field named (no spread of the draft): all plans then share one hidden class, where
    // a spread gave each plan its own (about a kilobyte per plan in a 100,000-project world).
    return {
      idx,
      xmdm,
      survivor: idx,
      name: f.name,
      owner: f.owner,
      division: f.division,
      area: f.area,
      policy: f.policy,
      category: f.category,
      year: f.year,
      invCode: f.invCode,
      ztzFen: f.ztzFen,
      sqbzFen: f.sqbzFen,
      sdjeFen: f.sdjeFen,
      sdjeRevisedFen: f.sdjeRevisedFen,
      stage: this.stageOf(dates),
      terminated,
      dates,
      stalledAt: f.stalledAt,
      overDisbursed: f.overDisbursed,
      overContract: f.overContract,
      continuationOf: f.continuationOf,
      dupName: f.dupName,
      nameVariant: f.nameVariant,
      containsOther: f.containsOther,
      containedBy: f.containedBy,
      big: f.big,
    };
  }

  private basePlan(_i: number, nameVariant: boolean): ProjectPlan {
    const r = this.rng;
    const area = r.weighted(AREAS, AREA_WEIGHTS);
    const enterprise = nameVariant || r.chance(ENTERPRISE_AREAS.has(area) ? 0.7 : 0.08);
    const division = r.weighted(DIVISION_CODES, [14, 12, 16, 12, 5, 4, 12, 9, 8, 8]);
    const owner = enterprise
      ? r.chance(0.3) && this.owners.enterprises.length > 0
        ? r.pick(this.owners.enterprises)
        : this.owners.newEnterprise(division, area)
      : this.owners.bureau(division, area, r.int(0, 3));
    let category: Category = r.weighted(['固投类', '设备类', '非固投类'], [55, 20, 25]);
    if (nameVariant && category === '非固投类') category = '固投类';
    const year = this.drawYear();
    const own = (enterprise ? ENT_TEMPLATES : GOV_TEMPLATES)[area - 1]!.filter(
      (t) => categoryOfTemplate(t) === category,
    );
    const templates = own.length > 0 ? own : GENERIC[category][enterprise ? 'ent' : 'gov'];
    const name = this.uniqueName(templates, owner, owner.division, area, year, nameVariant);
    const hasCode = category === '固投类' || (category === '设备类' && r.chance(0.8));
    const codeYear = r.chance(0.3) ? year - 1 : year;
    return this.makePlan({
      survivor: 0,
      name,
      owner,
      division: owner.division,
      area,
      policy: policyItem(area, r.int(0, 1)),
      category,
      year,
      invCode: hasCode ? this.newInvCode(codeYear, owner.division, owner.gov) : null,
      ztzFen: 0,
      sqbzFen: 0,
      sdjeFen: null,
      sdjeRevisedFen: null,
      stalledAt: null,
      overDisbursed: false,
      overContract: false,
      continuationOf: null,
      dupName: false,
      nameVariant,
      containsOther: null,
      containedBy: null,
      big: false,
    });
  }

  /** A 续建 entry declared later for the same investment code; `cityLevel` makes its XMDM the smaller one. */
  private continuation(orig: ProjectPlan, cityLevel: boolean): ProjectPlan {
    const division = cityLevel && orig.division !== '150200' ? '150200' : orig.division;
    const owner = division === orig.division ? orig.owner : this.owners.bureau(division, orig.area, 0);
    const year = Math.min(this.nowYear, orig.year + this.rng.int(1, 2));
    const name = `${orig.name}（续建）`;
    this.names.add(normalizeProjectName(name));
    const p = this.makePlan({
      ...orig,
      survivor: 0,
      owner,
      division,
      year,
      name,
      category: '固投类',
      continuationOf: orig.idx,
      big: false,
    });
    // The continuation only carries money in the budget platform; cap it at funded.
    p.stage = Math.min(p.stage, S.funded);
    const key = orig.xmdm < p.xmdm ? orig.idx : p.idx;
    orig.survivor = key;
    p.survivor = key;
    return p;
  }

  private dupPartner(orig: ProjectPlan): ProjectPlan {
    const year = orig.year + 1 <= this.nowYear ? orig.year + 1 : orig.year - 1;
    orig.dupName = true;
    return this.makePlan({
      ...orig,
      survivor: 0,
      year,
      invCode: this.newInvCode(year, orig.division, false),
      dupName: true,
      big: false,
    });
  }

  private nested(orig: ProjectPlan): ProjectPlan {
    const suffix = this.rng.pick(['配套道路工程', '配套管网工程', '附属设施建设项目']);
    const name = orig.name + suffix;
    this.names.add(normalizeProjectName(name));
    const p = this.makePlan({
      ...orig,
      survivor: 0,
      name,
      category: '固投类',
      invCode: this.newInvCode(orig.year, orig.division, true),
      containsOther: orig.idx,
      containedBy: null,
      big: false,
    });
    orig.containedBy = p.idx;
    return p;
  }

  /**
   * Total investment and requested subsidy shaped like the bureau's published figures,
   * scaled to n: ZTZ sums to 1,141 亿元 and SQBZ to 747 亿元 exactly (in fen), and exactly
   * round(45·n/1816) new fixed-asset projects exceed 1 亿元.
   */
  private fitMoney(): void {
    const r = this.rng;
    const n = BigInt(this.opts.n);
    const targetZtz =
      Number((TARGET_ZTZ_WAN * BigInt(WAN) * n) / BASE_PROJECTS / BigInt(CENT_WAN)) * CENT_WAN;
    const targetSqbz =
      Number((TARGET_SQBZ_WAN * BigInt(WAN) * n) / BASE_PROJECTS / BigInt(CENT_WAN)) * CENT_WAN;
    const bigCount = Math.round((BIG_BASE * this.opts.n) / 1816);
    const eligible = r.shuffle(
      this.plans.filter((p) => p.category === '固投类' && p.continuationOf === null && !p.overContract),
    );
    const bigs = eligible.slice(0, bigCount);
    for (const p of bigs) p.big = true;

    let smallSum = 0;
    for (const p of this.plans) {
      if (p.big) continue;
      const [lo, hi] =
        p.category === '固投类' ? [500, 9999] : p.category === '设备类' ? [50, 3000] : [20, 800];
      let fen = Math.round(r.logUniform(lo, hi) * 100) * CENT_WAN;
      // A few amounts carry 3–4 decimals, as keyed in by the declaring unit.
      if (r.chance(0.15)) fen += r.int(1, 99) * 100;
      p.ztzFen = Math.min(fen, BIG_LIMIT);
      smallSum += p.ztzFen;
    }
    if (bigs.length > 0) {
      const weights = bigs.map(() => Math.exp(r.next() * 2.5));
      const wsum = weights.reduce((a, b) => a + b, 0);
      const floor = BIG_LIMIT + 100 * CENT_WAN;
      const spread = Math.max(0, targetZtz - smallSum - floor * bigs.length);
      let assigned = 0;
      bigs.forEach((p, k) => {
        p.ztzFen = floor + Math.floor((spread * weights[k]!) / wsum / CENT_WAN) * CENT_WAN;
        assigned += p.ztzFen;
      });
      bigs[0]!.ztzFen += Math.max(0, targetZtz - smallSum - assigned);
    }

    let sqSum = 0;
    for (const p of this.plans) {
      const ratio =
        p.category === '非固投类'
          ? r.logUniform(0.6, 1)
          : p.big
            ? r.logUniform(0.55, 0.8)
            : r.logUniform(0.4, 0.8);
      p.sqbzFen = Math.floor((p.ztzFen * ratio) / CENT_WAN) * CENT_WAN;
      sqSum += p.sqbzFen;
    }
    const k = targetSqbz / sqSum;
    sqSum = 0;
    for (const p of this.plans) {
      p.sqbzFen = Math.min(p.ztzFen, Math.floor((p.sqbzFen * k) / CENT_WAN) * CENT_WAN);
      sqSum += p.sqbzFen;
    }
    let rest = targetSqbz - sqSum;
    for (const p of [...this.plans].sort((a, b) => b.ztzFen - a.ztzFen || a.idx - b.idx)) {
      if (rest === 0) break;
      const room = p.ztzFen - p.sqbzFen;
      const add = rest > 0 ? Math.min(room, rest) : Math.max(-p.sqbzFen, rest);
      p.sqbzFen += add;
      rest -= add;
    }

    for (const p of this.plans) {
      if (p.stage >= S.approved) {
        p.sdjeFen = Math.floor((p.sqbzFen * r.logUniform(0.75, 1)) / CENT_WAN) * CENT_WAN;
        if (r.chance(0.1))
          p.sdjeRevisedFen = Math.floor((p.sdjeFen * r.logUniform(0.9, 1)) / CENT_WAN) * CENT_WAN;
      }
    }
  }

  /** Stories the findings must discover: over-disbursed, contracts above investment, stalled sites. */
  private plantFindings(planted: boolean): void {
    if (!planted) return;
    const r = this.rng;
    const pool = r.shuffle(
      this.plans.filter((p) => p.continuationOf === null && !p.dupName && p.containsOther === null),
    );
    const want = Math.max(3, Math.round((6 * this.opts.n) / 1816));
    let over = 0;
    let contract = 0;
    let stalled = 0;
    for (const p of pool) {
      if (over < want && p.stage >= S.construction && p.stage <= S.completed && !p.big) {
        p.overDisbursed = true;
        over++;
      } else if (contract < want && p.category === '固投类' && p.stage >= S.construction && !p.big) {
        p.overContract = true;
        contract++;
      } else if (
        stalled < want &&
        p.category === '固投类' &&
        p.stage >= S.construction &&
        p.dates[S.construction]! < this.opts.now - 420 * DAY
      ) {
        const at = sec(this.opts.now - r.int(190, 380) * DAY);
        if (at <= p.dates[S.construction]! + 30 * DAY) continue;
        p.stalledAt = at;
        p.stage = S.construction;
        stalled++;
      }
    }
  }
}

export function buildPlans(rng: Rng, opts: PlanOptions): { plans: ProjectPlan[]; owners: OwnerBook } {
  const planner = new Planner(rng, opts);
  const plans = planner.build();
  return { plans, owners: planner.owners };
}
