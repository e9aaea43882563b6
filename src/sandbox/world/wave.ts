/**
 * A second wave of source changes on top of a world: corrections and revocations with higher
 * versions, new payments and progress reports, edits in the current-state systems — all later
 * than anything in the world and before now + 1 day. Only the chosen projects' records change;
 * `changedProjects` lists them and `expectations.projects` gives their new golden values.
 */
import { toFen } from '../../model/money.js';
import { beijingToEpochMs, isoToEpochMs } from '../../model/time.js';
import { fenToWan, fenToYuan } from './amount.js';
import { budgetKey } from './budgetLog.js';
import { DAY, MINUTE, bjDate, bjDateTime, bjIsoOffset, bjYear, isoZ } from './clock.js';
import { expectProjects } from './expect.js';
import { generateWorld, libraryEntries } from './generate.js';
import { remember, truthOf, type Truth } from './registry.js';
import { Rng, deriveSeed } from './rng.js';
import { UNLINKED, type Owners } from './sink.js';
import type { BudgetLogEntry, SmartcityEvent, SystemData, TradingNotice, Wave, World } from './types.js';

export interface WaveOptions {
  /** Default: the world's seed. */
  seed?: number;
  /** Share of ledger projects that change; default 0.02. */
  fraction?: number;
}

type UpsertSystem = 'oa' | 'asset' | 'benefit' | 'trading';

function idOf(system: UpsertSystem, rec: SystemData[UpsertSystem][number]): string {
  switch (system) {
    case 'oa':
      return (rec as SystemData['oa'][number]).docId;
    case 'asset':
      return (rec as SystemData['asset'][number]).assetCode;
    case 'benefit':
      return (rec as SystemData['benefit'][number]).applicationId;
    case 'trading': {
      const n = rec as TradingNotice;
      return `${n.type}|${n.id}`;
    }
  }
}

/** The generator's knowledge of a world; a world that lost it (e.g. read back from JSON) is regenerated. */
function truthFor(world: World): Truth {
  const known = truthOf(world);
  if (known) return known;
  const again = generateWorld({ seed: world.seed, now: world.now, projects: libraryEntries(world) });
  const truth = truthOf(again)!;
  const same = (Object.keys(world.data) as (keyof SystemData)[]).every(
    (k) => world.data[k].length === again.data[k].length,
  );
  if (!same)
    throw new Error('generateWave: this world was not produced by generateWorld/applyWave in this process');
  return truth;
}

function maxTime(data: SystemData): number {
  let max = 0;
  for (const e of data.budget) max = Math.max(max, beijingToEpochMs(e.fields.XGSJ!));
  for (const d of data.oa) max = Math.max(max, beijingToEpochMs(d.updateTime));
  for (const c of data.asset) max = Math.max(max, c.updatedAt);
  for (const b of data.benefit) max = Math.max(max, isoToEpochMs(b.updatedAt));
  for (const e of data.smartcity) max = Math.max(max, isoToEpochMs(e.eventTime));
  for (const n of data.trading) max = Math.max(max, beijingToEpochMs(n.publishTime));
  return max;
}

/** Applies wave records to data with index-aligned owners; upserts move to the end (newest). */
function applyData(
  data: SystemData,
  owners: Owners,
  wave: Wave,
  truth: Truth,
): { data: SystemData; owners: Owners } {
  const survivorOf = new Map(truth.plans.map((p) => [p.xmdm, p.survivor]));
  const siteOwner = new Map<string, number>();
  data.smartcity.forEach((e, i) => {
    if (e.type === 'site.upsert' && owners.smartcity[i]! >= 0) siteOwner.set(e.siteId, owners.smartcity[i]!);
  });
  const out = {
    data: { ...data, budget: [...data.budget], smartcity: [...data.smartcity] } as SystemData,
    owners: { ...owners, budget: [...owners.budget], smartcity: [...owners.smartcity] } as Owners,
  };
  for (const e of wave.budget) {
    out.data.budget.push(e);
    out.owners.budget.push(survivorOf.get(e.fields.XMDM!) ?? UNLINKED);
  }
  for (const e of wave.smartcity) {
    out.data.smartcity.push(e);
    out.owners.smartcity.push(siteOwner.get(e.siteId) ?? UNLINKED);
  }
  for (const system of ['oa', 'asset', 'benefit', 'trading'] as const) {
    const changed = new Map<string, SystemData[typeof system][number]>();
    for (const r of wave[system]) changed.set(idOf(system, r), r);
    const keptData: SystemData[typeof system][number][] = [];
    const keptOwners: number[] = [];
    const moved: number[] = [];
    const ownerById = new Map<string, number>();
    (data[system] as SystemData[typeof system][number][]).forEach((r, i) => {
      const id = idOf(system, r);
      if (changed.has(id)) {
        ownerById.set(id, owners[system][i]!);
        return;
      }
      keptData.push(r);
      keptOwners.push(owners[system][i]!);
    });
    for (const [id, r] of changed) {
      keptData.push(r);
      moved.push(ownerById.get(id) ?? UNLINKED);
    }
    (out.data as unknown as Record<string, unknown>)[system] = keptData;
    out.owners[system] = keptOwners.concat(moved);
  }
  return out;
}

export function applyWave(world: World, wave: Wave): World {
  const truth = truthFor(world);
  const { data, owners } = applyData(world.data, truth.owners, wave, truth);
  const replaced = new Map(wave.expectations.projects.map((p) => [p.projectKey, p]));
  const next: World = {
    seed: world.seed,
    now: world.now,
    data,
    expectations: {
      projects: world.expectations.projects.map((p) => replaced.get(p.projectKey) ?? p),
      links: world.expectations.links,
    },
  };
  remember(next, { plans: truth.plans, owners, options: truth.options });
  return next;
}

interface ProjectRecords {
  indicators: number[];
  payments: number[];
  awards: number[];
  /** Active contract per section code. */
  contracts: Map<string, number>;
  docs: number[];
  cards: number[];
  subsidies: number[];
  sites: Map<string, { percent: number; at: number }>;
}

export function generateWave(world: World, opts: WaveOptions = {}): Wave {
  const truth = truthFor(world);
  const { plans, owners } = truth;
  const data = world.data;
  const rng = new Rng(deriveSeed(opts.seed ?? world.seed, 'wave'));
  const survivors = plans.filter((p) => p.survivor === p.idx).map((p) => p.idx);
  const count = Math.max(1, Math.round((opts.fraction ?? 0.02) * survivors.length));
  const chosen = new Set(rng.shuffle(survivors).slice(0, count));

  // Latest valid version per budget key, and the highest BBH ever delivered per key.
  const latest = new Map<string, number>();
  const maxBbh = new Map<string, number>();
  const zfSerial = new Map<string, number>();
  data.budget.forEach((e, i) => {
    const key = budgetKey(e);
    const bbh = Number(e.fields.BBH);
    maxBbh.set(key, Math.max(maxBbh.get(key) ?? 0, bbh));
    if (e.service === 'ZF.QUERY') {
      const y = e.fields.ZFPZH!.slice(4, 8);
      zfSerial.set(y, Math.max(zfSerial.get(y) ?? 0, Number(e.fields.ZFPZH!.slice(8))));
    }
    if (!chosen.has(owners.budget[i]!)) return;
    const prev = latest.get(key);
    if (prev === undefined || Number(data.budget[prev]!.fields.BBH) < bbh) latest.set(key, i);
  });
  const recs = new Map<number, ProjectRecords>();
  const of = (o: number): ProjectRecords => {
    let r = recs.get(o);
    if (!r) {
      r = {
        indicators: [],
        payments: [],
        awards: [],
        contracts: new Map(),
        docs: [],
        cards: [],
        subsidies: [],
        sites: new Map(),
      };
      recs.set(o, r);
    }
    return r;
  };
  for (const i of latest.values()) {
    const e = data.budget[i]!;
    const r = of(owners.budget[i]!);
    if (e.service === 'ZB.QUERY' && e.fields.ZBZT === '正常') r.indicators.push(i);
    if (e.service === 'ZF.QUERY' && e.fields.ZFZT === '已支付') r.payments.push(i);
  }
  const pick = <T>(
    system: keyof SystemData,
    ok: (rec: T) => boolean,
    add: (r: ProjectRecords, i: number) => void,
  ) =>
    (data[system] as T[]).forEach((rec, i) => {
      const o = owners[system][i]!;
      if (chosen.has(o) && ok(rec)) add(of(o), i);
    });
  pick<TradingNotice>(
    'trading',
    (n) => n.type === 'award' && n.fields.state === '有效',
    (r, i) => r.awards.push(i),
  );
  pick<TradingNotice>(
    'trading',
    (n) => n.type === 'contract' && n.fields.state === '正常',
    (r, i) => r.contracts.set(String(data.trading[i]!.fields.sectionCode), i),
  );
  pick<SystemData['oa'][number]>(
    'oa',
    (d) => d.status === '已签发',
    (r, i) => r.docs.push(i),
  );
  pick<SystemData['asset'][number]>(
    'asset',
    () => true,
    (r, i) => r.cards.push(i),
  );
  pick<SystemData['benefit'][number]>(
    'benefit',
    (b) => b.state === '待兑付' || b.state === '部分兑付',
    (r, i) => r.subsidies.push(i),
  );
  data.smartcity.forEach((e, i) => {
    const o = owners.smartcity[i]!;
    if (!chosen.has(o)) return;
    const sites = of(o).sites;
    const at = isoToEpochMs(e.eventTime);
    const cur = sites.get(e.siteId) ?? { percent: 0, at: 0 };
    if (e.type === 'progress.report' && at >= cur.at) {
      sites.set(e.siteId, { percent: Number(e.payload.progressPercent), at });
    } else if (!sites.has(e.siteId)) {
      sites.set(e.siteId, cur);
    }
  });

  const wave: Wave = {
    budget: [],
    smartcity: [],
    oa: [],
    asset: [],
    benefit: [],
    trading: [],
    changedProjects: [],
    expectations: { projects: [] },
  };
  const base = Math.max(maxTime(data), world.now - DAY) + MINUTE;
  const step = Math.max(1000, Math.floor((world.now + DAY - MINUTE - base) / (3 * count + 1) / 1000) * 1000);
  let clock = base;
  const tick = () => (clock += rng.int(1, step / 1000) * 1000);
  const touched = new Set<number>();

  const changes: Record<string, (r: ProjectRecords, o: number) => boolean> = {
    indicatorCorrection: (r) => {
      const e = data.budget[rng.pick(r.indicators)]!;
      const oldFen = toFen(e.fields.JE!, '元');
      let fen = Math.max(100, Math.floor((oldFen * rng.logUniform(0.85, 1.15)) / 100) * 100);
      if (fen === oldFen) fen += 10_000;
      const bbh = maxBbh.get(budgetKey(e))! + 1;
      wave.budget.push({
        service: e.service,
        fields: { ...e.fields, JE: fenToYuan(fen), BBH: String(bbh), XGSJ: bjDateTime(tick()) },
      });
      return true;
    },
    paymentReturn: (r) => {
      const e = data.budget[rng.pick(r.payments)]!;
      const bbh = maxBbh.get(budgetKey(e))! + 1;
      wave.budget.push({
        service: e.service,
        fields: { ...e.fields, ZFZT: '已退回', BBH: String(bbh), XGSJ: bjDateTime(tick()) },
      });
      return true;
    },
    newPayment: (r) => {
      const ind = data.budget[rng.pick(r.indicators)]!;
      const at = tick();
      const y = String(bjYear(at));
      const serial = (zfSerial.get(y) ?? 0) + 1;
      zfSerial.set(y, serial);
      const payment = r.payments.length > 0 ? data.budget[r.payments[0]!]!.fields : null;
      const fen = Math.max(
        100,
        Math.floor((toFen(ind.fields.JE!, '元') * rng.logUniform(0.02, 0.15)) / 100) * 100,
      );
      const fields: BudgetLogEntry['fields'] = {
        ZFPZH: `ZFPZ${y}${String(serial).padStart(9, '0')}`,
        XMDM: ind.fields.XMDM!,
        ZBBH: ind.fields.ZBBH!,
        ZFRQ: bjDate(at),
        JE: fenToYuan(fen),
        SKRMC: payment?.SKRMC ?? '包头市财政局国库支付中心',
        SKRTYDM: payment?.SKRTYDM ?? '11150200MB0000000R',
        ZFZT: '已支付',
        BBH: '1',
        XGSJ: bjDateTime(at + MINUTE),
      };
      clock += MINUTE;
      wave.budget.push({ service: 'ZF.QUERY', fields });
      return true;
    },
    awardCancel: (r) => {
      const i = rng.pick(r.awards);
      const award = data.trading[i]!;
      const at = tick();
      wave.trading.push({
        ...award,
        version: award.version + 1,
        fields: { ...award.fields, state: '已废标', publishTime: bjDateTime(at) },
        publishTime: bjDateTime(at),
      });
      const ci = r.contracts.get(String(award.fields.sectionCode));
      const contract = ci === undefined ? undefined : data.trading[ci]!;
      if (contract && contract.fields.state === '正常') {
        const later = tick();
        wave.trading.push({
          ...contract,
          version: contract.version + 1,
          fields: { ...contract.fields, state: '已作废', publishTime: bjDateTime(later) },
          publishTime: bjDateTime(later),
        });
      }
      return true;
    },
    progress: (r) => {
      const open = [...r.sites].filter(([, s]) => s.percent < 100);
      if (open.length === 0) return false;
      const [siteId, s] = rng.pick(open);
      const percent = Math.min(99.9, Math.round((s.percent + rng.int(5, 80) / 10) * 10) / 10);
      const ev: SmartcityEvent = {
        eventId: rng.hex(32),
        type: 'progress.report',
        eventTime: isoZ(tick()),
        siteId,
        payload: { progressPercent: percent, reporter: rng.pick(['施工单位', '监理单位', '建设单位']) },
      };
      wave.smartcity.push(ev);
      return true;
    },
    oaEdit: (r) => {
      const doc = data.oa[rng.pick(r.docs)]!;
      wave.oa.push({
        ...doc,
        attachments: [
          ...doc.attachments,
          { name: '附件-更正说明.pdf', size: rng.int(50_000, 900_000), sha256: rng.hex(64) },
        ],
        updateTime: bjDateTime(tick()),
        version: doc.version + 1,
      });
      return true;
    },
    assetEdit: (r) => {
      const card = data.asset[rng.pick(r.cards)]!;
      const value = toFen(card.originalValue, '元');
      const corrected = Math.max(100, Math.floor((value * rng.logUniform(0.95, 1.05)) / 100) * 100);
      wave.asset.push({
        ...card,
        originalValue: fenToYuan(corrected === value ? value + 100 : corrected),
        status: card.status === '在用' ? '出租' : card.status,
        updatedAt: tick(),
        version: card.version + 1,
      });
      return true;
    },
    benefitPay: (r) => {
      const d = data.benefit[rng.pick(r.subsidies)]!;
      const at = tick();
      wave.benefit.push({
        ...d,
        paidAmount: fenToWan(toFen(d.approvedAmount, '万元')),
        paidDate: bjDate(at),
        state: '已兑付',
        updatedAt: bjIsoOffset(at),
      });
      return true;
    },
  };
  const available = (r: ProjectRecords): string[] => {
    const k: string[] = [];
    if (r.indicators.length > 0) k.push('indicatorCorrection', 'newPayment');
    if (r.payments.length > 0) k.push('paymentReturn');
    if (r.awards.length > 0) k.push('awardCancel');
    if ([...r.sites.values()].some((s) => s.percent < 100)) k.push('progress');
    if (r.docs.length > 0) k.push('oaEdit');
    if (r.cards.length > 0) k.push('assetEdit');
    if (r.subsidies.length > 0) k.push('benefitPay');
    return k;
  };
  for (const o of [...chosen].sort((a, b) => a - b)) {
    const r = recs.get(o);
    if (!r) continue;
    const kinds = rng.shuffle(available(r)).slice(0, rng.int(1, 3));
    for (const kind of kinds) if (changes[kind]!(r, o)) touched.add(o);
  }

  const after = applyData(data, owners, wave, truth);
  wave.expectations.projects = expectProjects(after.data, after.owners, plans, touched);
  wave.changedProjects = wave.expectations.projects.map((p) => p.projectKey);
  return wave;
}
