/**
 * The sandbox world generator: one seeded, deterministic city of investment projects as the six
 * source systems hold them (sources/*.md), with the planted linking cases, data-quality quirks
 * and the golden values the ledger must reach (`expectations`).
 *
 * @example
 * const world = generateWorld({ seed: 7, projects: 300 });
 * const wave = generateWave(world, { fraction: 0.05 });
 */
import { budgetKey, orderBudgetLog } from './budgetLog.js';
import { emitAsset } from './emit/asset.js';
import { emitBenefit } from './emit/benefit.js';
import { emitBudget } from './emit/budget.js';
import type { ProjectCtx } from './emit/context.js';
import { emitOa } from './emit/oa.js';
import { emitSmartcity } from './emit/smartcity.js';
import { emitTrading } from './emit/trading.js';
import { expectProjects } from './expect.js';
import { emitExtras } from './extras.js';
import { buildPlans } from './plan.js';
import { remember } from './registry.js';
import { Rng, deriveSeed } from './rng.js';
import { Sink, finish, type Owners } from './sink.js';
import type { SystemData, World } from './types.js';

export { worldStats, type WorldStats } from './stats.js';
// generateWave/applyWave live in ./wave.js (which builds on generateWorld).

export interface GenerateOptions {
  /** Default 20241001. */
  seed?: number;
  /** Project-library entries; default 1816 (the bureau's published count). */
  projects?: number;
  /** Reference now, epoch ms; default 2026-10-01T00:00:00Z. Every generated time is before it. */
  now?: number;
}

export const DEFAULT_SEED = 20241001;
export const DEFAULT_PROJECTS = 1816;
export const DEFAULT_NOW = Date.UTC(2026, 9, 1);

export function generateWorld(opts: GenerateOptions = {}): World {
  const seed = opts.seed ?? DEFAULT_SEED;
  const projects = opts.projects ?? DEFAULT_PROJECTS;
  const now = opts.now ?? DEFAULT_NOW;
  if (!Number.isInteger(projects) || projects < 1)
    throw new RangeError(`projects must be a positive integer: ${projects}`);
  const rng = new Rng(seed);
  const { plans, owners: book } = buildPlans(rng.fork('plans'), { n: projects, now });
  const sink = new Sink(now, Math.max(6, Math.min(12, Math.round(projects / 150))));

  for (const plan of plans) {
    const survivor = plans[plan.survivor]!;
    const ctx: ProjectCtx = {
      plan,
      survivor,
      key: survivor.xmdm,
      rng: new Rng(deriveSeed(seed, `project|${plan.idx}`)),
      sink,
      book,
      now,
      contracts: [],
      permit: null,
    };
    emitTrading(ctx);
    emitOa(ctx);
    emitBudget(ctx);
    emitAsset(ctx);
    emitBenefit(ctx);
    emitSmartcity(ctx);
  }
  emitExtras(sink, rng.fork('extras'), book, plans);
  orderBudgetLog(sink.items.budget, rng.fork('budget-log'), now, 0.004);

  const budget = finish(sink.items.budget, false);
  const oa = finish(sink.items.oa);
  const asset = finish(sink.items.asset);
  const benefit = finish(sink.items.benefit);
  const smartcity = finish(sink.items.smartcity);
  const trading = finish(sink.items.trading);
  const data: SystemData = {
    budget: budget.data,
    oa: oa.data,
    asset: asset.data,
    benefit: benefit.data,
    smartcity: smartcity.data,
    trading: trading.data,
  };
  const owners: Owners = {
    budget: budget.owners,
    oa: oa.owners,
    asset: asset.owners,
    benefit: benefit.owners,
    smartcity: smartcity.owners,
    trading: trading.owners,
  };
  const world: World = {
    seed,
    now,
    data,
    expectations: { projects: expectProjects(data, owners, plans), links: sink.links },
  };
  remember(world, { plans, owners, options: { seed, projects, now } });
  return world;
}

/** Number of library entries (distinct XMDM) of a world: the `projects` it was generated with. */
export function libraryEntries(world: World): number {
  const keys = new Set<string>();
  for (const e of world.data.budget) if (e.service === 'XMK.QUERY') keys.add(budgetKey(e));
  return keys.size;
}
