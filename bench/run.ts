/**
 * `npm run bench -- [--projects N] [--out FILE]`: the hub's performance on one machine, measured
 * side by side in one run on one embedded Redis. See bench/README.md for each section.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Queues } from '../pipelines/runtime.js';
import { sha256Hex } from '../src/api/auth.js';
import { parseConfig } from '../src/config/load.js';
import { LedgerStore } from '../src/ledger/store.js';
import { STAGES } from '../src/queues.js';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded.js';
import { SANDBOX_CREDENTIALS } from '../src/sandbox/credentials.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { parseArgs } from './args.js';
import { startMonitor } from './monitor.js';
import { bullmqBaseline } from './baseline.js';
import { hammer } from './load.js';
import { spawnHub, stopAllHubs, type HubChild } from './procs.js';
import { pushLatency } from './push.js';
import { memoryByFamily } from './memoryFamilies.js';
import { isWrite, sumCalls, usedMemory } from './redisStats.js';
import { formatTable, met, type Row } from './report.js';
import { measureSync, type SyncMeasure } from './sync.js';
import { waitForDrain } from '../pipelines/sweep.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SYNC_TIMEOUT_MS = 60 * 60_000;
const log = (msg: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

interface Ctx {
  tmp: string;
  redisUrl: string;
  admin: Redis;
  conns: Redis[];
  queues: Queues[];
  apiKey: string;
}

/** A hub configuration on the bench's Redis under its own key prefix, written for child processes. */
function writeConfig(ctx: Ctx, name: string, sandbox: Sandbox, apiPort: number): string {
  const raw = {
    data: { dir: join(ctx.tmp, 'data') },
    redis: { url: ctx.redisUrl, prefix: name },
    api: {
      host: '127.0.0.1',
      port: apiPort,
      keys: [{ name: 'bench', sha256: sha256Hex(ctx.apiKey), scopes: ['admin'] }],
      // The per-caller limit (600/min by default, the push endpoint included) would answer most of
      // the bench's requests with 429: the bench measures the service, not the limiter.
      rateLimit: { perMinute: 1_000_000_000 },
    },
    log: { level: 'info' },
    connectors: sandboxConnectors(sandbox.urls),
  };
  parseConfig(raw, {});
  const file = join(ctx.tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

function ledgerOf(ctx: Ctx, prefix: string) {
  const conn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const qconn = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  ctx.conns.push(conn, qconn);
  const store = new LedgerStore(conn, prefix);
  const queues = new Queues(qconn, store.keys.queuePrefix);
  ctx.queues.push(queues);
  return { store, queues };
}

async function startWorkers(config: string, n: number): Promise<HubChild[]> {
  const ws = Array.from({ length: n }, () => spawnHub(ROOT, ['worker', '--config', config]));
  await Promise.all(ws.map((w) => w.waitForLine((l) => l.includes('workers running'), 120_000)));
  return ws;
}

/** A full sync of a fresh prefix by `workers` processes; they are stopped afterwards unless kept. */
async function fullSync(
  ctx: Ctx,
  prefix: string,
  sandbox: Sandbox,
  workers: number,
  opts: { keep?: boolean; monitor?: boolean } = {},
) {
  const config = writeConfig(ctx, prefix, sandbox, 0);
  const { store, queues } = ledgerOf(ctx, prefix);
  const ws = await startWorkers(config, workers);
  log(`full sync, prefix ${prefix}, ${workers} worker process(es)${opts.monitor ? ', MONITOR sampled' : ''}`);
  const sample = opts.monitor ? await startMonitor(ctx.redisUrl, 2_000_000) : null;
  const m = await measureSync({
    store,
    queues,
    admin: ctx.admin,
    workers: ws,
    full: true,
    timeoutMs: SYNC_TIMEOUT_MS,
  });
  const monitored = (await sample?.()) ?? [];
  if (m.failed.length) throw new Error(`sync failed: ${m.failed.join('; ')}`);
  log(`  ${m.records} records in ${m.seconds.toFixed(1)} s`);
  if (!opts.keep) await Promise.all(ws.map((w) => w.stop()));
  return { m, store, queues, workers: ws, config, monitored };
}

async function projectVersions(store: LedgerStore, keys: string[]): Promise<string[]> {
  const p = store.redis.pipeline();
  for (const k of keys) p.hget(store.keys.project(k), 'version');
  return ((await p.exec()) ?? []).map(([, v]) => String(v));
}

/** Up to `limit` record ids of the ledger, in Redis's SCAN order. */
async function recordIds(store: LedgerStore, limit: number): Promise<string[]> {
  const from = store.keys.record('');
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await store.redis.scan(cursor, 'MATCH', `${from}*`, 'COUNT', 5_000);
    cursor = next;
    for (const k of keys) if (ids.length < limit) ids.push(k.slice(from.length));
  } while (cursor !== '0' && ids.length < limit);
  return ids;
}

async function linkedSites(store: LedgerStore, sandbox: Sandbox): Promise<string[]> {
  const all = [
    ...new Set(sandbox.world.data.smartcity.filter((e) => e.type === 'site.upsert').map((e) => e.siteId)),
  ];
  const out: string[] = [];
  for (let i = 0; i < all.length; i += 1000) {
    const chunk = all.slice(i, i + 1000);
    const found = await store.lookup(chunk.map((value) => ({ type: 'site' as const, value })));
    for (const s of chunk) if ((found.get(`site:${s}`) ?? []).length > 0) out.push(s);
  }
  return out;
}

const perRecord = (m: SyncMeasure) =>
  Object.fromEntries(m.commands.slice(0, 15).map(([c, n]) => [c, Number((n / m.records).toFixed(3))]));

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const N = args.projects;
  const small = Math.max(50, Math.round(N / 10));
  const tmp = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  let redis: EmbeddedRedis | null = null;
  const sandboxes: Sandbox[] = [];
  const ctx = {
    tmp,
    conns: [] as Redis[],
    queues: [] as Queues[],
    apiKey: `bench_${randomBytes(12).toString('hex')}`,
  } as Ctx;
  const stop = async () => {
    await stopAllHubs();
    const closing = Promise.all(ctx.queues.map((q) => q.close().catch(() => undefined)));
    await Promise.race([closing, new Promise((r) => setTimeout(r, 5_000).unref())]);
    for (const c of ctx.conns) c.disconnect();
    for (const s of sandboxes.splice(0)) await s.close();
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    redis = await startEmbeddedRedis({ dataDir: join(tmp, 'redis') });
    ctx.redisUrl = redis.url;
    ctx.admin = new Redis(redis.url, { maxRetriesPerRequest: null });
    ctx.conns.push(ctx.admin);
    const connect = () => {
      const r = new Redis(redis!.url, { maxRetriesPerRequest: null });
      ctx.conns.push(r);
      return r;
    };
    const R: Record<string, unknown> = { projects: N };

    // 1. Baseline
    log('section 1: BullMQ baseline (50,000 no-op jobs)');
    const base = await bullmqBaseline(connect, { jobs: 50_000, batch: 1_000, concurrency: 10 });
    Object.assign(R, base);

    // 4a. The smaller sync for the RSS ratio (its own world of N/10 projects).
    log(`section 4: sync of ${small} projects for the memory ratio`);
    let sb = await startSandbox({ seed: args.seed, projects: small });
    sandboxes.push(sb);
    const smallSync = await fullSync(ctx, 'bsmall', sb, 1, { monitor: true });
    await sb.close();
    sandboxes.splice(sandboxes.indexOf(sb), 1);
    await ctx.admin.flushall();

    // 2. Full sync at N with one worker process.
    log(`generating the world of ${N} projects`);
    sb = await startSandbox({ seed: args.seed, projects: N });
    sandboxes.push(sb);
    const mem0 = await usedMemory(ctx.admin);
    const full = await fullSync(ctx, 'b1', sb, 1, { keep: true });
    const m = full.m;
    const cmds = sumCalls(m.commands);
    Object.assign(R, {
      records: m.records,
      fullSyncSeconds: m.seconds,
      e2eRecordsPerSec: m.records / m.seconds,
      e2eRatio: m.records / m.seconds / base.bProc,
      redisCmdsPerRecord: cmds / m.records,
      redisCmdsPerRecordByCommand: perRecord(m),
      cpuUsPerRecord: m.cpuMicros / m.records,
      peakRssBytes: m.peakRssBytes,
    });

    // 4b. Memory
    const projects = await full.store.countProjects();
    const mem1 = await usedMemory(ctx.admin);
    for (const s of STAGES) await full.queues.q[s].clean(0, 0, 'completed');
    const mem2 = await usedMemory(ctx.admin);
    const families = await memoryByFamily(ctx.admin, full.store.keys.prefix);
    Object.assign(R, {
      ledgerProjects: projects,
      smallProjects: small,
      smallRecords: smallSync.m.records,
      smallPeakRssBytes: smallSync.m.peakRssBytes,
      smallSyncMonitorPerRecord: Object.fromEntries(
        smallSync.monitored.slice(0, 25).map(([c, x]) => [c, Number((x / smallSync.m.records).toFixed(3))]),
      ),
      rssRatio: m.peakRssBytes / smallSync.m.peakRssBytes,
      redisBytesPerProjectBeforeClean: (mem1 - mem0) / projects,
      redisBytesPerProject: (mem2 - mem0) / projects,
      redisBytesPerProjectByFamily: Object.fromEntries(
        families.slice(0, 15).map(([f, b]) => [f, Math.round(b / projects)]),
      ),
    });

    // 5. Incremental no-op on the same ledger and worker.
    log('section 5: incremental no-op sync');
    const keys = await full.store.redis.zrange(full.store.keys.projects, 0, -1);
    const v0 = await projectVersions(full.store, keys);
    const seq0 = Number((await full.store.redis.get(full.store.keys.changesSeq)) ?? 0);
    const acct0 = await full.store.accounting();
    const noop = await measureSync({
      store: full.store,
      queues: full.queues,
      admin: ctx.admin,
      workers: full.workers,
      full: false,
      timeoutMs: SYNC_TIMEOUT_MS,
    });
    const v1 = await projectVersions(full.store, keys);
    const seq1 = Number((await full.store.redis.get(full.store.keys.changesSeq)) ?? 0);
    const acct1 = await full.store.accounting();
    const bumps = v0.filter((v, i) => v !== v1[i]).length;
    const versions = (a: typeof acct0) =>
      Object.values(a).reduce((n, x) => n + Number((x as { received?: number }).received ?? 0), 0);
    const newVersions = versions(acct1) - versions(acct0);
    const writes = noop.commands.filter(([c]) => isWrite(c));
    Object.assign(R, {
      noopSeconds: noop.seconds,
      noopRecords: noop.records,
      noopResyncRatio: noop.seconds / m.seconds,
      noopLedgerWrites: seq1 - seq0 + bumps + newVersions,
      noopChangeFeedEntries: seq1 - seq0,
      noopVersionBumps: bumps,
      noopNewRecordVersions: newVersions,
      noopRedisWriteCommands: sumCalls(writes),
      noopRedisWriteCommandsByCommand: Object.fromEntries(writes.slice(0, 12)),
      noopRedisCommands: sumCalls(noop.commands),
    });

    // 3. Push latency, API in its own process, the sync's worker still running.
    const port = await freePort();
    const apiConfig = writeConfig(ctx, 'b1', sb, port);
    const api = spawnHub(ROOT, ['serve', '--roles', 'api', '--config', apiConfig]);
    await api.waitForLine((l) => l.includes('hub serving'), 120_000);
    const base1 = `http://127.0.0.1:${port}/api/v1`;
    const sites = await linkedSites(full.store, sb);
    log(`section 3: push ${args.pushRate}/s for ${args.pushSeconds} s over ${sites.length} linked sites`);
    const reader = connect();
    const push = await pushLatency({
      url: `${base1}/inbound/smartcity`,
      secret: SANDBOX_CREDENTIALS.smartcity.pushSecret,
      sites,
      changesKey: full.store.keys.changes,
      reader,
      rate: args.pushRate,
      batch: args.pushBatch,
      seconds: args.pushSeconds,
      firstSeq: sb.world.data.smartcity.length + 1,
      settleMs: 60_000,
    });
    reader.disconnect();
    Object.assign(R, {
      pushP50Ms: push.p50Ms,
      pushP99Ms: push.p99Ms,
      pushSent: push.sent,
      pushAcked: push.acked,
      pushMatched: push.matched,
      pushMissing: push.missing,
      pushStatuses: push.statuses,
      pushAchievedRate: push.achievedRate,
      pushBatch: args.pushBatch,
    });

    // 3b. The live lane: pushes at a low rate while a load (a re-link of many records, queued
    // just before them) is in the link queue. Without the lane they would wait behind it.
    await waitForDrain(full.store, full.queues, { timeoutMs: SYNC_TIMEOUT_MS });
    const loadIds = await recordIds(full.store, args.liveLoad);
    await full.queues.addIds('link', loadIds);
    const loadJobs = await full.queues.backlog('link');
    log(
      `section 3b: push ${args.liveRate}/s for ${args.liveSeconds} s while ${loadIds.length} records re-link (${loadJobs} link jobs queued)`,
    );
    const liveReader = connect();
    const live = await pushLatency({
      url: `${base1}/inbound/smartcity`,
      secret: SANDBOX_CREDENTIALS.smartcity.pushSecret,
      sites,
      changesKey: full.store.keys.changes,
      reader: liveReader,
      rate: args.liveRate,
      batch: 1,
      seconds: args.liveSeconds,
      firstSeq: sb.world.data.smartcity.length + 1 + push.sent,
      settleMs: 60_000,
    });
    liveReader.disconnect();
    const loadLeft = await full.queues.backlog('link');
    await waitForDrain(full.store, full.queues, { timeoutMs: SYNC_TIMEOUT_MS });
    Object.assign(R, {
      liveRate: args.liveRate,
      liveP50Ms: live.p50Ms,
      liveP99Ms: live.p99Ms,
      liveSent: live.sent,
      liveAcked: live.acked,
      liveMatched: live.matched,
      liveLoadRecords: loadIds.length,
      liveLoadJobs: loadJobs,
      liveLoadJobsLeft: loadLeft,
    });
    await Promise.all(full.workers.map((w) => w.stop()));

    // 6. API
    log('section 6: API load');
    const headers = { authorization: `Bearer ${ctx.apiKey}` };
    let k = 0;
    const proj = await hammer({
      url: () => `${base1}/projects/${keys[(k = (k + 7919) % keys.length)]}`,
      headers,
      connections: args.apiConnections,
      seconds: args.apiSeconds,
    });
    const stats = await hammer({
      url: () => `${base1}/stats?groupBy=sector`,
      headers,
      connections: args.apiConnections,
      seconds: args.apiSeconds,
    });
    await api.stop();
    Object.assign(R, {
      apiProjectP99Ms: proj.p99Ms,
      apiProjectP50Ms: proj.p50Ms,
      apiProjectRps: proj.rps,
      apiProjectErrors: proj.errors,
      apiProjectRequests: proj.requests,
      apiProjectStatuses: proj.statuses,
      apiStatsP99Ms: stats.p99Ms,
      apiStatsP50Ms: stats.p50Ms,
      apiStatsRps: stats.rps,
      apiStatsErrors: stats.errors,
      apiStatsRequests: stats.requests,
      apiStatsStatuses: stats.statuses,
    });

    // 7. Scale-out: the same full sync by two worker processes on a fresh prefix.
    log('section 7: full sync with two worker processes');
    const two = await fullSync(ctx, 'b2', sb, 2);
    Object.assign(R, {
      fullSyncSeconds2: two.m.seconds,
      scaleOutRatio: m.seconds / two.m.seconds,
      cpuUsPerRecord2: two.m.cpuMicros / two.m.records,
    });

    R['cpuModel'] = cpus()[0]?.model ?? 'unknown';
    R['cpuCores'] = cpus().length;
    R['commit'] = execSync('git rev-parse HEAD', { cwd: ROOT }).toString().trim();
    R['node'] = process.version;
    R['redisVersion'] = /redis_version:(\S+)/.exec(await ctx.admin.info('server'))?.[1];
    R['at'] = new Date().toISOString();

    const rows = table(R);
    R['targets'] = Object.fromEntries(rows.filter((r) => r.target).map((r) => [r.metric, met(r)]));
    console.log(
      `\nHub bench: ${N} projects, ${m.records} records · ${String(R['cpuModel'])} × ${cpus().length} · ${String(R['commit']).slice(0, 10)}\n`,
    );
    console.log(formatTable(rows));
    console.log(
      `\nRedis commands per record in the full sync (top): ${Object.entries(
        R['redisCmdsPerRecordByCommand'] as object,
      )
        .map(([c, n]) => `${c} ${String(n)}`)
        .join(', ')}`,
    );
    console.log(
      `\nBy command and key family, per record (MONITOR sample of the ${small}-project sync; "lua" = inside a script):\n` +
        Object.entries(R['smallSyncMonitorPerRecord'] as object)
          .slice(0, 15)
          .map(([c, x]) => `  ${String(x).padStart(7)}  ${c}`)
          .join('\n'),
    );
    const out = resolve(ROOT, args.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(R, null, 2) + '\n');
    console.log(`\nwrote ${out}`);
  } finally {
    await stop();
  }
}

function table(R: Record<string, unknown>): Row[] {
  const n = (k: string) => Number(R[k]);
  const bProc = n('bProc');
  return [
    { metric: 'B_add (addBulk no-op jobs)', value: n('bAdd'), unit: 'jobs/s' },
    { metric: 'B_proc (1 worker, conc. 10)', value: bProc, unit: 'jobs/s' },
    {
      metric: 'e2e full sync',
      value: n('e2eRecordsPerSec'),
      unit: 'records/s',
      target: { op: '>=', value: 2 * bProc, label: '>= 2 × B_proc' },
      note: `${n('records')} records in ${n('fullSyncSeconds').toFixed(1)} s, 1 worker process`,
    },
    {
      metric: 'e2e ratio (records/s ÷ B_proc)',
      value: n('e2eRatio'),
      unit: '',
      target: { op: '>=', value: 2 },
    },
    {
      metric: 'Redis commands per record',
      value: n('redisCmdsPerRecord'),
      unit: '',
      target: { op: '<=', value: 8 },
    },
    {
      metric: 'hub CPU per record',
      value: n('cpuUsPerRecord'),
      unit: 'µs',
      note: 'worker process utime+stime',
    },
    { metric: 'push ack → change feed p50', value: n('pushP50Ms'), unit: 'ms' },
    {
      metric: 'push ack → change feed p99',
      value:
        n('pushMissing') > 0.01 * n('pushAcked') || n('pushAcked') < 0.99 * n('pushSent')
          ? Infinity
          : n('pushP99Ms'),
      unit: 'ms',
      target: { op: '<=', value: 250 },
      note: `${n('pushAcked')}/${n('pushSent')} acked, ${n('pushMatched')} matched, sent at ${n('pushAchievedRate').toFixed(0)} ev/s${n('pushMissing') > 0.01 * n('pushAcked') ? `; p99 of matched ${n('pushP99Ms').toFixed(0)} ms` : ''}`,
    },
    {
      metric: 'push during a load p99',
      value: n('liveMatched') < n('liveAcked') ? Infinity : n('liveP99Ms'),
      unit: 'ms',
      note: `p50 ${n('liveP50Ms').toFixed(0)} ms, ${n('liveMatched')}/${n('liveSent')} matched at ${n('liveRate')} ev/s; load: ${n('liveLoadRecords')} records re-link, ${n('liveLoadJobsLeft')} of ${n('liveLoadJobs')} jobs still queued at the end`,
    },
    {
      metric: 'peak RSS ratio (N vs N/10)',
      value: n('rssRatio'),
      unit: '',
      target: { op: '<=', value: 1.2 },
      note: `${(n('peakRssBytes') / 2 ** 20).toFixed(0)} MiB at ${n('projects')} vs ${(n('smallPeakRssBytes') / 2 ** 20).toFixed(0)} MiB at ${n('smallProjects')} projects`,
    },
    {
      metric: 'Redis bytes per project',
      value: n('redisBytesPerProject'),
      unit: 'B',
      note: `${n('redisBytesPerProjectBeforeClean').toFixed(0)} B before completed jobs were cleaned`,
    },
    {
      metric: 'Redis at 100,000 projects',
      value: (n('redisBytesPerProject') * 100_000) / 1e9,
      unit: 'GB',
      target: { op: '<=', value: 2 },
      note: 'projected',
    },
    {
      metric: 'no-op resync / full sync time',
      value: n('noopResyncRatio'),
      unit: '',
      target: { op: '<=', value: 0.1 },
      note: `${n('noopSeconds').toFixed(1)} s, ${n('noopRecords')} records re-read`,
    },
    {
      metric: 'no-op ledger writes',
      value: n('noopLedgerWrites'),
      unit: '',
      target: { op: '==', value: 0, label: '0' },
      note: `feed entries + version bumps + record versions; ${n('noopRedisWriteCommands')} Redis write cmds`,
    },
    {
      metric: 'GET /projects/{key} p99',
      value: n('apiProjectP99Ms'),
      unit: 'ms',
      target: { op: '<=', value: 20 },
    },
    { metric: 'GET /projects/{key} rate', value: n('apiProjectRps'), unit: 'req/s' },
    {
      metric: 'GET /stats?groupBy=sector p99',
      value: n('apiStatsP99Ms'),
      unit: 'ms',
      target: { op: '<=', value: 50 },
    },
    { metric: 'GET /stats?groupBy=sector rate', value: n('apiStatsRps'), unit: 'req/s' },
    {
      metric: 'scale-out (time 1 ÷ time 2 procs)',
      value: n('scaleOutRatio'),
      unit: '×',
      note: `${n('fullSyncSeconds').toFixed(1)} s vs ${n('fullSyncSeconds2').toFixed(1)} s`,
    },
  ];
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
});
