#!/usr/bin/env -S node --no-memory-reducer
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { sha256Hex } from '../api/auth.js';
import { stringify as stringifyYaml } from 'yaml';
import { configSecrets, loadConfig, parseConfig } from '../config/load.js';
import { checkConnector } from '../connector/run.js';
import { createLogger } from '../log.js';
import { registerDeadLetterCommands } from '../deadletters/cli.js';
import type { FaultMode } from '../sandbox/faults.js';
import { HubError } from '../errors.js';
import type { HubConfig } from '../config/schema.js';
import { stagesOf, startHub, type Hub, type HubRoles } from '../hub.js';
import { SystemId, SYSTEMS } from '../model/systems.js';
import { STAGES, type StageName } from '../queues.js';
import { sandboxConnectors, startSandbox } from '../sandbox/index.js';
import { formatSummary, syncOnce } from './syncOnce.js';
import { enqueueLoad } from '../../pipelines/load.js';
import { applyHeapGrowth } from './heapGrowth.js';
import { missingNodeFlags } from './nodeFlags.js';

const program = new Command('hub')
  .description('Project-ledger hub: pulls six government systems into one golden project ledger')
  .showHelpAfterError();

const configOption = () => new Option('-c, --config <file>', 'configuration file (default: $HUB_CONFIG)');

/** SIGTERM/SIGINT: stop taking work, finish active jobs, close Redis, exit within a deadline. */
function onShutdown(hub: Hub, extra?: () => Promise<void>) {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      hub.log.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    void Promise.resolve()
      .then(() => hub.close())
      .then(() => extra?.())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Every command starts its hub through this: a process that runs pipeline workers first bounds
 * its heap growth (workers.heapGrowthPercent, src/cli/heapGrowth.ts), one that does not keeps V8's
 * default. startHub itself leaves the process alone, since tests run hubs in their own process.
 */
function startProcessHub(cfg: HubConfig, roles: HubRoles): Promise<Hub> {
  if (stagesOf(roles).length > 0) applyHeapGrowth(cfg.workers.heapGrowthPercent);
  return startHub(cfg, roles);
}

/** Long-running commands say so when started by a launcher that left out HUB_NODE_FLAGS. */
function warnOnMissingFlags(hub: Hub) {
  const missing = missingNodeFlags(process.execArgv);
  if (missing.length > 0)
    hub.log.warn(
      { missing },
      'node started without the V8 flags the hub is tuned for: latency after idle periods is higher (README, Performance and scale)',
    );
}

program
  .command('serve')
  .description('run API + workers + scheduler in one process (or some of those roles)')
  .addOption(configOption())
  .option('--roles <list>', 'comma-separated roles: api, workers, scheduler', 'api,workers,scheduler')
  .action(async (o: { config?: string; roles: string }) => {
    const cfg = loadConfig(o.config);
    const roles = new Set(o.roles.split(',').map((r) => r.trim()));
    for (const r of roles)
      if (!['api', 'workers', 'scheduler'].includes(r)) throw new Error(`unknown role ${r}`);
    const hub = await startProcessHub(cfg, {
      api: roles.has('api'),
      workers: roles.has('workers') ? cfg.workers.stages : false,
      scheduler: roles.has('scheduler'),
    });
    hub.log.info({ url: hub.apiUrl }, 'hub serving');
    warnOnMissingFlags(hub);
    onShutdown(hub);
  });

program
  .command('worker')
  .description('run pipeline workers only')
  .addOption(configOption())
  .option('--stages <list>', `comma-separated stages (${STAGES.join(',')})`)
  .action(async (o: { config?: string; stages?: string }) => {
    const cfg = loadConfig(o.config);
    const stages = o.stages ? (o.stages.split(',').map((s) => s.trim()) as StageName[]) : cfg.workers.stages;
    for (const s of stages) if (!STAGES.includes(s)) throw new Error(`unknown stage ${s}`);
    const hub = await startProcessHub(cfg, { workers: stages });
    hub.log.info({ stages, heapGrowthPercent: cfg.workers.heapGrowthPercent }, 'workers running');
    warnOnMissingFlags(hub);
    onShutdown(hub);
  });

program
  .command('sync')
  .description(
    'run connectors: enqueue runs, or with --once run them here and wait until the ledger is up to date',
  )
  .argument('[system]', `one of ${SYSTEMS.join(', ')}`)
  .option('--all', 'every enabled connector')
  .option('--once', 'run in this process, wait for the pipelines to drain, print a summary')
  .option('--full', 're-read everything instead of continuing from the saved cursor')
  .addOption(configOption())
  .action(
    async (
      system: string | undefined,
      o: { all?: boolean; once?: boolean; full?: boolean; config?: string },
    ) => {
      const cfg = loadConfig(o.config);
      const enabled = SYSTEMS.filter(
        (s) => (cfg.connectors[s] as { enabled?: boolean } | undefined)?.enabled,
      );
      let systems: SystemId[];
      if (o.all) systems = enabled;
      else if (system) systems = [SystemId.parse(system)];
      else throw new Error('name a system or pass --all');
      if (systems.length === 0) throw new Error('no enabled connectors in the configuration');
      if (!o.once) {
        const hub = await startProcessHub(cfg, { workers: false });
        const { runId, waves } = await enqueueLoad(hub.queues, systems, { full: !!o.full, trigger: 'cli' });
        console.log(
          waves.length > 1
            ? `enqueued a load of ${systems.join(', ')} (run ${runId}), in waves: ${waves.map((w) => w.join(', ')).join(' → ')}`
            : `enqueued runs for ${systems.join(', ')} (run ${runId})`,
        );
        await hub.close();
        return;
      }
      const hub = await startProcessHub(cfg, { workers: ['normalize', 'link', 'merge', 'publish'] });
      try {
        const rows = await syncOnce(hub, systems, { full: !!o.full });
        console.log(formatSummary(rows));
        process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
      } finally {
        await hub.close();
      }
    },
  );

const config = program.command('config').description('configuration tools');
config
  .command('check')
  .description('validate a configuration file and print every problem with its path')
  .addOption(configOption())
  .action((o: { config?: string }) => {
    const cfg = loadConfig(o.config);
    const enabled = SYSTEMS.filter((s) => (cfg.connectors[s] as { enabled?: boolean } | undefined)?.enabled);
    console.log(
      `configuration valid: ${enabled.length} connector(s) enabled (${enabled.join(', ') || 'none'}), ${cfg.api.keys.length} API key(s)`,
    );
  });

program
  .command('check')
  .description(
    'ask each connector whether it can reach and authenticate to its system (each within its timeout)',
  )
  .argument('[system]', `one of ${SYSTEMS.join(', ')} (default: every enabled connector)`)
  .addOption(configOption())
  .action(async (system: string | undefined, o: { config?: string }) => {
    const cfg = loadConfig(o.config);
    const systems = system
      ? [SystemId.parse(system)]
      : SYSTEMS.filter((s) => (cfg.connectors[s] as { enabled?: boolean } | undefined)?.enabled);
    const log = createLogger({ level: 'silent', secrets: configSecrets(cfg) });
    let failed = 0;
    for (const s of systems) {
      const res = await checkConnector(s, cfg, log);
      if (!res.ok) failed++;
      console.log(`${s.padEnd(10)} ${res.ok ? 'ok    ' : `FAILED (${res.failure})`}  ${res.detail}`);
    }
    process.exitCode = failed ? 1 : 0;
  });

program
  .command('sandbox')
  .description(
    'run the simulators of the six systems on 127.0.0.1 and print their URLs (for trying a connector by hand)',
  )
  .option('--projects <n>', 'projects in the generated city', (v) => Number(v), 200)
  .option('--seed <n>', 'generator seed', (v) => Number(v), 20241001)
  .option('--fault <rule...>', 'inject faults, e.g. budget:http503:3 or oa:authExpired:1')
  .action(async (o: { projects: number; seed: number; fault?: string[] }) => {
    const sandbox = await startSandbox({ seed: o.seed, projects: o.projects });
    for (const f of o.fault ?? []) {
      const [sys, mode, times] = f.split(':');
      sandbox.faults[SystemId.parse(sys)].add({ mode: mode as FaultMode, times: times ? Number(times) : 1 });
    }
    for (const [s, url] of Object.entries(sandbox.urls)) console.log(`${s.padEnd(10)} ${url}`);
    console.log('\nconnectors section for a configuration file (sandbox credentials):\n');
    console.log(stringifyYaml({ connectors: sandboxConnectors(sandbox.urls) }));
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

registerDeadLetterCommands(program, {
  configOption,
  openHub: (o) => startProcessHub(loadConfig(o.config), { workers: false }),
});

const keys = program.command('keys').description('API key tools');
keys
  .command('new')
  .description('generate a new API key and print it with its sha256 for api.keys')
  .action(() => {
    const key = `hub_${randomBytes(24).toString('base64url')}`;
    console.log(`key:    ${key}\nsha256: ${sha256Hex(key)}`);
  });
keys
  .command('hash')
  .description('print the sha256 of a key (for api.keys[].sha256)')
  .argument('<key>')
  .action((key: string) => console.log(sha256Hex(key)));

program
  .command('demo')
  .description(
    'embedded Redis + simulators of the six systems + one full sync + the API; prints the URL and a key',
  )
  .option('--port <n>', 'API port', (v) => Number(v), 8080)
  .option('--projects <n>', 'projects in the generated city', (v) => Number(v), 1816)
  .option('--seed <n>', 'generator seed', (v) => Number(v), 20241001)
  .option('--data <dir>', 'data directory', './data')
  .action(async (o: { port: number; projects: number; seed: number; data: string }) => {
    const sandbox = await startSandbox({ seed: o.seed, projects: o.projects });
    const key = `demo_${randomBytes(18).toString('base64url')}`;
    const cfg = parseConfig({
      data: { dir: o.data },
      redis: { prefix: `demo${o.seed}x${o.projects}` },
      api: { port: o.port, keys: [{ name: 'demo', sha256: sha256Hex(key), scopes: ['admin'] }] },
      connectors: sandboxConnectors(sandbox.urls),
    });
    const hub = await startProcessHub(cfg, { api: true, workers: [...STAGES], scheduler: false });
    warnOnMissingFlags(hub);
    onShutdown(hub, () => sandbox.close());
    const rows = await syncOnce(hub, [...SYSTEMS], { full: false });
    console.log(formatSummary(rows));
    // Show off a project that all six systems know something about: the most records among the first few hundred.
    let first = '';
    let most = -1;
    for (const key of await hub.store.listProjectKeys(null, 300)) {
      const raw = await hub.store.getProjectRaw(key);
      const n = raw ? ((JSON.parse(raw.doc) as { records?: unknown[] }).records?.length ?? 0) : 0;
      if (n > most) [first, most] = [key, n];
    }
    const url = `http://127.0.0.1:${o.port}/api/v1`;
    console.log(`\nLedger API: ${url}\nAPI key: ${key}\n`);
    console.log(
      `Try:\n  curl -s -H "Authorization: Bearer ${key}" ${url}/projects/${first}\n  curl -s -H "Authorization: Bearer ${key}" "${url}/projects?limit=5"\n\nPress Ctrl-C to stop.`,
    );
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof HubError) console.error(`error ${e.code}: ${e.message}`);
  else console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
