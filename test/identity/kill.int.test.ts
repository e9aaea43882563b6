import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { QueueEvents, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { linkProcessor } from '../../pipelines/link/worker.js';
import { normalizeProcessor } from '../../pipelines/normalize/worker.js';
import type { StageDeps } from '../../pipelines/runtime.js';
import { waitForDrain } from '../../pipelines/sweep.js';
import { syncOnce } from '../../src/cli/syncOnce.js';
import type { Hub } from '../../src/hub.js';
import type { LedgerStore } from '../../src/ledger/store.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { STAGES } from '../../src/queues.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { testHub } from '../helpers/hub.js';
import {
  accountingHolds,
  ledgerFingerprint,
  ledgerSnapshot,
  type LedgerSnapshot,
} from '../helpers/ledger.js';
import { ChildGroup, type Child } from '../helpers/processes.js';
import { indicator, libraryEntry, payment } from './budgetRaws.js';
import { capturePages, normalizeJob, type CapturedPage } from './capture.js';
import { dropKeys } from './dropKeys.js';
import { seededRandom, shuffled } from './rng.js';
import { snapshotDiff } from './snapshot.js';
import { spawnHubWorker, WORKER_STAGES, workersRunning, writeWorkerConfig } from './workers.js';

const KILLS = 4;
const WORKERS = 3;

/**
 * ledger.md §2: "any number of times, with any crashes in between". Real `hub worker` processes
 * are SIGKILLed at random moments while they normalize, link, merge and publish a sandbox world;
 * replacements start, BullMQ hands the killed workers' active jobs back once their locks expire,
 * the outboxes re-enqueue what was lost with them, and the ledger must equal an undisturbed run's.
 */
describe('hub workers killed with SIGKILL', () => {
  const group = new ChildGroup();
  const redisUrl = inject('redisUrl');
  let dir: string;
  let sandbox: Sandbox;
  let pages: CapturedPage[];
  let admin: Redis;
  let reference: Awaited<ReturnType<typeof ledgerFingerprint>>;
  let referenceSnapshot: LedgerSnapshot;
  let referenceAccounting: unknown;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-kill-'));
    admin = new Redis(redisUrl);
    sandbox = await startSandbox({ projects: 40, seed: 3 });
    pages = await capturePages(sandbox.urls, pino({ level: 'silent' }));
    const hub = await testHub(sandboxConnectors(sandbox.urls), { workers: [...WORKER_STAGES] });
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true, timeoutMs: 30_000 });
      for (const row of rows) expect(row.ok, `${row.system}: ${row.error}`).toBe(true);
      reference = await ledgerFingerprint(hub.store);
      referenceSnapshot = await ledgerSnapshot(hub.store);
      referenceAccounting = await hub.store.accounting();
    } finally {
      await hub.close();
      await dropKeys(admin, hub.config.redis.prefix);
    }
  }, 60_000);

  afterAll(async () => {
    await group.killAll();
    await sandbox?.close();
    await admin?.quit();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the ledger after random SIGKILLs equals the undisturbed one', async () => {
    const seed = Number(process.env['KILL_SEED'] ?? Date.now() % 2 ** 31);
    const random = seededRandom(seed);
    const prefix = `k${randomBytes(5).toString('hex')}`;
    const config = writeWorkerConfig(dir, { redisUrl, prefix, connectors: sandboxConnectors(sandbox.urls) });
    const control = await testHub({}, { workers: false }, { redis: { url: redisUrl, prefix } });
    const recovered = await countStalled(control);
    const start = () => spawnHubWorker(group, config, redisUrl, 85_000);
    const killed: Child[] = [];
    let killedBusy = 0;
    try {
      const first = Array.from({ length: WORKERS }, start);
      await Promise.all(first.map((c) => c.waitForLine(workersRunning, 30_000)));

      // Small jobs in a shuffled order, enqueued in waves with a kill after each wave, so the
      // kills land while every stage has work in hand.
      const jobs = shuffled(
        pages.flatMap((p) => chunks(p.raws, 4).map((raws) => normalizeJob(p, raws))),
        random,
      );
      const waves = chunks(jobs, Math.ceil(jobs.length / KILLS));
      for (const wave of waves) {
        await control.queues.q.normalize.addBulk(wave.map((data) => ({ name: 'normalize', data })));
        await new Promise((r) => setTimeout(r, random() * 300));
        // Land the kill while every worker likely holds a job (at most 5 s): a kill of an idle
        // worker proves nothing, and the faster the pipeline the sooner a wave is done.
        const busyBy = Date.now() + 5_000;
        while (Date.now() < busyBy && activeJobs(await control.queues.counts()) < WORKERS)
          await new Promise((r) => setTimeout(r, 20));
        const counts = await control.queues.counts();
        if (Object.values(counts).some((c) => (c['active'] ?? 0) > 0)) killedBusy++;
        const alive = group.alive();
        const victim = alive[Math.floor(random() * alive.length)]!;
        expect((await victim.kill('SIGKILL')).signal).toBe('SIGKILL');
        killed.push(victim);
        start();
      }

      await waitForDrain(control.store, control.queues, { timeoutMs: 45_000 });
      const why = `seed ${seed} (KILL_SEED=${seed} replays the schedule)`;
      const fp = await ledgerFingerprint(control.store);
      if (fp.hash !== reference.hash)
        expect.fail(
          `${why}\n${snapshotDiff(referenceSnapshot, await ledgerSnapshot(control.store)).join('\n')}`,
        );
      expect(await control.store.accounting(), why).toEqual(referenceAccounting);
      const inv = await accountingHolds(control.store);
      expect(inv.ok, JSON.stringify(inv.detail)).toBe(true);
      // The test proves something only if kills interrupted work that then had to be recovered.
      expect(killed).toHaveLength(KILLS);
      expect(killedBusy, why).toBeGreaterThan(0);
      expect(recovered.count, `${why}: no job of a killed worker was handed back`).toBeGreaterThan(0);
      // No worker died but those the test killed.
      const died = group.all.filter((c) => !killed.includes(c) && !c.alive());
      expect(died.map((c) => c.stderr.slice(-5).join('\n'))).toEqual([]);
    } finally {
      await recovered.close();
      await group.killAll();
      await control.close();
      await dropKeys(admin, prefix);
    }
  }, 90_000);
});

/** Counts jobs BullMQ's stalled check handed back to the queues (those of killed workers). */
async function countStalled(hub: Hub): Promise<{ count: number; close(): Promise<void> }> {
  const out = { count: 0, close: async () => undefined as void };
  const events = STAGES.map(
    (s) =>
      new QueueEvents(s, {
        connection: hub.redis.connect() as unknown as ConnectionOptions,
        prefix: hub.store.keys.queuePrefix(s),
      }),
  );
  for (const e of events) e.on('stalled', () => out.count++);
  await Promise.all(events.map((e) => e.waitUntilReady()));
  out.close = async () => {
    await Promise.all(events.map((e) => e.close()));
  };
  return out;
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * The same guarantee at two exact crash points of the link stage, reproduced deterministically by
 * making the step after the crash point throw (as if the process had died there). A payment
 * arrives before its project and waits as anchor-missing; the project's link job then dies.
 * Whatever finishes the work afterwards must still wake the payment.
 */
describe('a link job that dies halfway', () => {
  const CODE = '150203202304000517';
  const PAY = `budget|payment|ZFPZ1`;
  const ENTRY = `budget|project|${CODE}`;
  const killedHere = () => Promise.reject(new Error('killed here'));
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await admin.quit();
  });
  const crashPoints: Array<{ name: string; crash: (deps: StageDeps) => StageDeps }> = [
    {
      name: 'after publishing its keys, before committing its link',
      crash: (deps) => ({ ...deps, store: withMethod(deps.store, 'setAlias', killedHere) }),
    },
    {
      name: 'after committing its link, before queueing the records it wakes',
      crash: (deps) => ({
        ...deps,
        queues: Object.assign(Object.create(deps.queues) as typeof deps.queues, {
          addIds: (stage: string, ids: Iterable<string>) =>
            stage === 'link' ? killedHere() : deps.queues.addIds(stage as 'merge', ids),
        }),
      }),
    },
  ];

  for (const point of crashPoints) {
    it(`wakes the waiting payment when it died ${point.name}`, async () => {
      const redisUrl = inject('redisUrl');
      const prefix = `c${randomBytes(5).toString('hex')}`;
      const hub = await testHub({}, { workers: false }, { redis: { url: redisUrl, prefix } });
      let workers: Hub | null = null;
      const job = {} as Job;
      const page = (stream: string, raw: unknown) =>
        normalizeJob({ system: 'budget', stream, position: { test: stream }, raws: [] }, [raw]);
      // Only what the test runs runs: the jobs the processors queue are dropped each time.
      const clearQueues = () => Promise.all(Object.values(hub.queues.q).map((q) => q.drain(true)));
      try {
        await normalizeProcessor(page('ZF.QUERY', payment('ZFPZ1', CODE, '3500000.00')), hub.deps, job);
        await linkProcessor({ ids: [PAY] }, hub.deps, job);
        expect((await hub.store.loadRecords([PAY])).get(PAY)?.reason?.reason).toBe('anchor-missing');
        await normalizeProcessor(
          page('XMK.QUERY', libraryEntry(CODE, '2023-150203-48-01-000123', '钢铁大街综合管廊建设项目')),
          hub.deps,
          job,
        );
        await clearQueues();

        // Library entries are linked by link jobs (pipelines/normalize/worker.ts).
        await expect(linkProcessor({ ids: [ENTRY] }, point.crash(hub.deps), job)).rejects.toThrow(
          'killed here',
        );

        // A fresh worker process: it sweeps the outboxes on start, then the pipelines drain.
        workers = await testHub({}, { workers: [...WORKER_STAGES] }, { redis: { url: redisUrl, prefix } });
        await waitForDrain(workers.store, workers.queues, { timeoutMs: 15_000 });
        const pay = (await workers.store.loadRecords([PAY])).get(PAY)!;
        expect({ state: pay.state, projectKey: pay.projectKey }).toEqual({
          state: 'linked',
          projectKey: CODE,
        });
        const doc = JSON.parse((await workers.store.getProjectRaw(CODE))!.doc) as {
          money: { disbursedFen: number };
        };
        expect(doc.money.disbursedFen).toBe(350_000_000);
        expect((await accountingHolds(workers.store)).ok).toBe(true);
      } finally {
        await workers?.close();
        await hub.close();
        await dropKeys(admin, prefix);
      }
    });
  }
});

/**
 * A normalize job links the new records it stores itself (pipelines/normalize/worker.ts). When it
 * dies after storing them and before committing their link, the wake-up the store wrote with
 * them is what links them afterwards.
 */
describe('a normalize job that dies while it links the records it stored', () => {
  const CODE = '150203202304000517';
  const PAY = `budget|payment|ZFPZ7`;
  it('leaves them owed to the link stage, which links them', async () => {
    const admin = new Redis(inject('redisUrl'));
    const redisUrl = inject('redisUrl');
    const prefix = `n${randomBytes(5).toString('hex')}`;
    const hub = await testHub({}, { workers: false }, { redis: { url: redisUrl, prefix } });
    let workers: Hub | null = null;
    const job = {} as Job;
    const page = (stream: string, raw: unknown) =>
      normalizeJob({ system: 'budget', stream, position: { test: stream }, raws: [] }, [raw]);
    try {
      await normalizeProcessor(
        page('XMK.QUERY', libraryEntry(CODE, '2023-150203-48-01-000123', '钢铁大街综合管廊建设项目')),
        hub.deps,
        job,
      );
      await linkProcessor({ ids: [`budget|project|${CODE}`] }, hub.deps, job);
      await Promise.all(Object.values(hub.queues.q).map((q) => q.drain(true)));
      const crashed = {
        ...hub.deps,
        store: withMethod(hub.store, 'commitLinks', () => Promise.reject(new Error('killed here'))),
      };
      await expect(
        normalizeProcessor(page('ZF.QUERY', payment('ZFPZ7', CODE, '12.00')), crashed, job),
      ).rejects.toThrow('killed here');
      expect((await hub.store.loadRecords([PAY])).get(PAY)!.state).toBe('pending');
      expect(await hub.store.redis.zscore(hub.store.keys.needLink, PAY)).not.toBeNull();

      workers = await testHub({}, { workers: [...WORKER_STAGES] }, { redis: { url: redisUrl, prefix } });
      await waitForDrain(workers.store, workers.queues, { timeoutMs: 15_000 });
      const pay = (await workers.store.loadRecords([PAY])).get(PAY)!;
      expect({ state: pay.state, projectKey: pay.projectKey }).toEqual({ state: 'linked', projectKey: CODE });
      expect((await accountingHolds(workers.store)).ok).toBe(true);
    } finally {
      await workers?.close();
      await hub.close();
      await dropKeys(admin, prefix);
      await admin.quit();
    }
  });
});

/**
 * Quarantine is part of the accounting invariant (received = linked + unlinked + quarantined +
 * superseded), so a quarantined record must be counted and listed exactly once even when the
 * normalize job that stored it died halfway and BullMQ ran it again.
 */
describe('a normalize job that dies halfway', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('counts and lists a quarantined record once when it died between storing and indexing it', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `q${randomBytes(5).toString('hex')}`;
    const hub = await testHub({}, { workers: false }, { redis: { url: redisUrl, prefix } });
    const job = normalizeJob({ system: 'budget', stream: 'ZB.QUERY', position: { page: 1 }, raws: [] }, [
      indicator('ZB9', '150203202304000517', '-5.00'),
    ]);
    // The crash: the job dies right after quarantining, before storing the page's records.
    const crashed = {
      ...hub.deps,
      store: withMethod(hub.store, 'upsertRecordsHashed', async () => {
        throw new Error('killed here');
      }),
    };
    try {
      await expect(normalizeProcessor(job, crashed, {} as Job)).rejects.toThrow('killed here');
      await normalizeProcessor(job, hub.deps, {} as Job);
      expect((await hub.store.accounting())['budget']).toMatchObject({ received: 1, quarantined: 1 });
      const listed = await hub.store.listIndex(hub.store.keys.quarantineIndex('budget'), null, 10);
      expect(listed.total).toBe(1);
    } finally {
      await hub.close();
      await dropKeys(admin, prefix);
    }
  });
});

/** `store` with one method replaced; everything else (keys, redis, other methods) shared. */
function withMethod<K extends keyof LedgerStore>(
  store: LedgerStore,
  name: K,
  fn: LedgerStore[K],
): LedgerStore {
  return Object.assign(Object.create(store) as LedgerStore, { [name]: fn });
}

function activeJobs(counts: Record<string, Record<string, number>>): number {
  return Object.values(counts).reduce((n, c) => n + (c['active'] ?? 0), 0);
}
