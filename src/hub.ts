import { hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ingestProcessor } from '../pipelines/ingest/worker.js';
import { linkProcessor } from '../pipelines/link/worker.js';
import { mergeProcessor } from '../pipelines/merge/worker.js';
import { normalizeProcessor } from '../pipelines/normalize/worker.js';
import { publishProcessor } from '../pipelines/publish/worker.js';
import { Queues, startWorker, type Processor, type StageDeps } from '../pipelines/runtime.js';
import { settleDeferredMerges } from '../pipelines/mergeSchedule.js';
import { sweepOutboxes } from '../pipelines/sweep.js';
import { buildApi } from './api/app.js';
import { ledgerRules } from './config/checklists.js';
import { configSecrets } from './config/load.js';
import type { HubConfig } from './config/schema.js';
import { MergeCache } from './ledger/mergeCache.js';
import { LedgerStore } from './ledger/store.js';
import { createLogger } from './log.js';
import { createMetrics, type HubMetrics } from './metrics/registry.js';
import { SYSTEMS } from './model/systems.js';
import { STAGES, type StageName } from './queues.js';
import { openRedis, type RedisHandle } from './redis/connect.js';
import { startScheduler, type Scheduler } from './scheduler/scheduler.js';
import { listDeadLetters, summarizeDeadLetter } from './deadletters/service.js';
import { statusCollector } from './status/collect.js';
import { startDelivery } from './webhooks/delivery.js';

const PROCESSORS: { [S in StageName]: Processor<S> } = {
  ingest: ingestProcessor,
  normalize: normalizeProcessor,
  link: linkProcessor,
  merge: mergeProcessor,
  publish: publishProcessor,
};

export interface HubRoles {
  api?: boolean;
  workers?: StageName[] | false;
  scheduler?: boolean;
  /** Deliver webhooks (default: in processes that run workers). */
  delivery?: boolean;
}

export interface Hub {
  config: HubConfig;
  log: Logger;
  redis: RedisHandle;
  store: LedgerStore;
  queues: Queues;
  deps: StageDeps;
  metrics: HubMetrics;
  workers: Worker[];
  api: FastifyInstance | null;
  apiUrl: string | null;
  scheduler: Scheduler | null;
  close(): Promise<void>;
}

/** The pipeline stages whose workers a process with these roles runs (all, unless told). */
export function stagesOf(roles: HubRoles): StageName[] {
  return roles.workers === false ? [] : (roles.workers ?? [...STAGES]);
}

/** Assembles the roles one process plays (api, workers of some stages, scheduler) on one Redis. */
export async function startHub(config: HubConfig, roles: HubRoles, log?: Logger): Promise<Hub> {
  const logger = log ?? createLogger({ level: config.log.level, secrets: configSecrets(config) });
  let lastRedisError = 0;
  const redis = await openRedis(config, {
    onError: (err) => {
      // One line per 10 s, however many connections see the outage.
      if (Date.now() - lastRedisError < 10_000) return;
      lastRedisError = Date.now();
      logger.error({ err: err.message }, 'Redis connection error; reconnecting');
    },
  });
  const main = redis.connect();
  const store = new LedgerStore(main, config.redis.prefix);
  const queues = new Queues(redis.connect(), store.keys.queuePrefix);
  const metrics = createMetrics({
    store,
    queues,
    systems: SYSTEMS,
    findingThresholds: config.ledger.findings,
  });
  const stopping = new AbortController();
  const stages = stagesOf(roles);
  const deps: StageDeps = {
    stopping: stopping.signal,
    metrics,
    store,
    queues,
    config,
    log: logger,
    ledger: ledgerRules(config),
    connect: () => redis.connect(),
    ...(stages.includes('merge') && config.workers.mergeCacheRecords > 0
      ? { mergeCache: new MergeCache(config.workers.mergeCacheRecords, (s) => metrics.recordMergeCache(s)) }
      : {}),
  };

  const workers: Worker[] = [];
  for (const s of stages) {
    const conc = s === 'ingest' ? 6 : config.workers.concurrency;
    workers.push(startWorker(s, PROCESSORS[s] as Processor<typeof s>, deps, redis.connect(), conc));
  }
  for (const w of workers) metrics.observeWorker(w.name as StageName, w);
  let heartbeat: NodeJS.Timeout | null = null;
  if (workers.length > 0) {
    const me = `${hostname()}:${process.pid}`;
    const beat = () => void main.zadd(store.keys.workersAlive, Date.now(), me).catch(() => undefined);
    beat();
    heartbeat = setInterval(beat, 5_000);
    heartbeat.unref();
  }
  let settler: NodeJS.Timeout | null = null;
  if (stages.includes('link')) {
    // The last link job of a burst may have deferred its merges; settle them once the backlog clears.
    let settling = false;
    settler = setInterval(() => {
      if (settling) return;
      settling = true;
      void settleDeferredMerges(deps)
        .catch(() => undefined)
        .finally(() => (settling = false));
    }, 1_000);
    settler.unref();
  }
  if (workers.length > 0) {
    // Work owed from before a crash.
    await sweepOutboxes(store, queues);
  }

  let api: FastifyInstance | null = null;
  let apiUrl: string | null = null;
  // Webhooks are delivered by processes that run workers; a lease per subscriber keeps two
  // processes from delivering the same subscriber.
  const delivery =
    (roles.delivery ?? workers.length > 0) && config.webhooks.some((w) => w.enabled)
      ? startDelivery({
          store,
          config,
          log: logger,
          metrics: {
            delivered: (sub) => metrics.recordDelivery(sub, true),
            failedAttempt: (sub) => metrics.recordDelivery(sub, false),
            oldestUndelivered: (sub, at) =>
              metrics.setOldestUndelivered(sub, at ? Math.max(0, (Date.now() - Date.parse(at)) / 1000) : 0),
          },
        })
      : null;
  const scheduler = roles.scheduler ? startScheduler(deps) : null;
  if (roles.api) {
    const status = statusCollector({
      config,
      store,
      queues,
      nextRuns: () => scheduler?.next() ?? {},
      deadLetters: async () =>
        (await listDeadLetters({ store, queues, config }, { limit: 20 })).map(summarizeDeadLetter),
    });
    api = await buildApi({ config, store, queues, log: logger, ledger: deps.ledger, metrics, status });
    apiUrl = await api.listen({ host: config.api.host, port: config.api.port });
  }

  let closing: Promise<void> | null = null;
  return {
    config,
    log: logger,
    redis,
    store,
    queues,
    deps,
    metrics,
    workers,
    api,
    apiUrl,
    scheduler,
    close() {
      closing ??= (async () => {
        stopping.abort();
        scheduler?.stop();
        if (heartbeat) clearInterval(heartbeat);
        if (settler) clearInterval(settler);
        await api?.close();
        // Workers finish their active jobs (bounded by the caller's shutdown deadline).
        // Active jobs get a bounded time to finish; after it they are handed back (their locks
        // lapse and another worker takes them), so shutdown never hangs on a dead Redis.
        const bounded = (p: Promise<unknown>, ms: number) =>
          Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);
        await bounded(delivery?.stop() ?? Promise.resolve(), 5_000);
        await bounded(Promise.all(workers.map((w) => w.close())), 10_000);
        await bounded(queues.close(), 3_000);
        await redis.close();
      })();
      return closing;
    },
  };
}
