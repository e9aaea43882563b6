import { createServer, type Server } from 'node:http';
import type { SystemId } from '../model/systems.js';
import { createAssetSimulator } from './asset/simulator.js';
import { createBenefitSimulator } from './benefit/simulator.js';
import { createBudgetSimulator } from './budget/simulator.js';
import { SANDBOX_CREDENTIALS } from './credentials.js';
import { FaultInjector } from './faults.js';
import { createOaSimulator } from './oa/simulator.js';
import type { Simulator } from './simulator.js';
import { createSmartcitySimulator } from './smartcity/simulator.js';
import { createTradingSimulator } from './trading/simulator.js';
import { generateWorld } from './world/generate.js';
import type { Wave, World } from './world/types.js';

/**
 * The sandbox: simulators of the six source systems serving one generated world over real HTTP
 * on 127.0.0.1 (one port per system). Used by `hub demo`, the end-to-end tests and the bench.
 */
export interface Sandbox {
  world: World;
  urls: Record<SystemId, string>;
  simulators: Record<SystemId, Simulator<unknown, unknown>>;
  faults: Record<SystemId, FaultInjector>;
  apply(wave: Wave): void;
  close(): Promise<void>;
}

export async function startSandbox(
  opts: { seed?: number; projects?: number; world?: World } = {},
): Promise<Sandbox> {
  const world = opts.world ?? generateWorld({ seed: opts.seed, projects: opts.projects });
  const faults = Object.fromEntries(
    (['budget', 'oa', 'asset', 'benefit', 'smartcity', 'trading'] as const).map((s) => [
      s,
      new FaultInjector(),
    ]),
  ) as Record<SystemId, FaultInjector>;
  const d = world.data;
  const simulators = {
    budget: createBudgetSimulator({ data: [...d.budget], faults: faults.budget }),
    oa: createOaSimulator({ data: [...d.oa], faults: faults.oa }),
    asset: createAssetSimulator({ data: [...d.asset], faults: faults.asset }),
    benefit: createBenefitSimulator({ data: [...d.benefit], faults: faults.benefit }),
    smartcity: createSmartcitySimulator({ data: [...d.smartcity], faults: faults.smartcity }),
    trading: createTradingSimulator({ data: [...d.trading], faults: faults.trading }),
  } as unknown as Record<SystemId, Simulator<unknown, unknown>>;
  const servers: Server[] = [];
  const urls = {} as Record<SystemId, string>;
  for (const [id, sim] of Object.entries(simulators) as Array<[SystemId, Simulator<unknown, unknown>]>) {
    const server = createServer(sim.listener);
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    servers.push(server);
    urls[id] = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  return {
    world,
    urls,
    simulators,
    faults,
    apply(wave) {
      for (const sim of Object.values(simulators)) sim.apply(wave);
    },
    async close() {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
    },
  };
}

/** Connector configuration pointing at a running sandbox, with the sandbox credentials. */
export function sandboxConnectors(
  urls: Record<SystemId, string>,
  overrides: { schedule?: string; retry?: { attempts: number; baseMs: number; maxMs: number } } = {},
) {
  const c = SANDBOX_CREDENTIALS;
  const common = (id: SystemId, rps: number) => ({
    enabled: true,
    baseUrl: urls[id],
    schedule: overrides.schedule ?? '*/15 * * * *',
    timeoutMs: 15_000,
    rateLimit: { rps: rps * 50, burst: rps * 50 },
    ...(overrides.retry ? { retry: overrides.retry } : {}),
  });
  return {
    budget: { ...common('budget', 10), auth: { ...c.budget } },
    oa: { ...common('oa', 20), auth: { ...c.oa } },
    asset: { ...common('asset', 10), auth: { ...c.asset } },
    benefit: { ...common('benefit', 20), auth: { ...c.benefit } },
    smartcity: { ...common('smartcity', 20), auth: { ...c.smartcity } },
    trading: { ...common('trading', 10), auth: { ...c.trading } },
  };
}
