import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForDrain } from '../../pipelines/sweep.js';
import type { Hub } from '../../src/hub.js';
import { MEMBER_REVISION } from '../../src/ledger/keys.js';
import { toFen } from '../../src/model/money.js';
import { testHub } from '../helpers/hub.js';
import { accountingHolds } from '../helpers/ledger.js';
import { indicator, libraryEntry, payment } from './budgetRaws.js';
import { normalizeJob } from './capture.js';
import { dropKeys } from './dropKeys.js';
import { WORKER_STAGES } from './workers.js';

const HUBS = 4;
const CONCURRENCY = 8;
const CODE = '150203202304000517';
const PAYMENTS = Array.from({ length: 200 }, (_, i) =>
  payment(
    `ZFPZ${String(i).padStart(4, '0')}`,
    CODE,
    `${1000 + i * 7}.${String((i * 37) % 100).padStart(2, '0')}`,
  ),
);
const INDICATORS = Array.from({ length: 50 }, (_, i) =>
  indicator(
    `ZB${String(i).padStart(4, '0')}`,
    CODE,
    `${50_000 + i * 13}.${String((i * 11) % 100).padStart(2, '0')}`,
  ),
);

/**
 * Many workers merging one project at once lose no update. A merge reads the project's member
 * revision `mrev`, recomputes the golden record from all members and commits only if `mrev` is
 * still the one it read (commitProjects-var.lua answers -1 otherwise, and the merge reads and
 * recomputes again). Four hubs with eight merges each on one prefix, 250 records of one project
 * arriving as many small jobs at once: every commit that raced must have been retried, and the
 * final record must hold every member and exact sums.
 */
describe('one project merged by many workers at once', () => {
  const redisUrl = inject('redisUrl');
  const prefix = `m${randomBytes(5).toString('hex')}`;
  const hubs: Hub[] = [];
  const commits = { retried: 0, written: 0, unchanged: 0, revisions: 0 };
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(redisUrl);
    for (let i = 0; i < HUBS; i++) {
      const hub = await testHub(
        {},
        { workers: [...WORKER_STAGES] },
        // Merges must follow every link commit, as they do on an idle pipeline: deferring them
        // under the backlog these many small jobs build would leave one merge, and no race.
        {
          redis: { url: redisUrl, prefix },
          workers: { concurrency: CONCURRENCY, mergeDeferBacklog: 1_000_000 },
        },
      );
      // Counts the outcome of every commit attempt; the processors use this very store object.
      const commit = hub.store.commitProjects.bind(hub.store);
      hub.store.commitProjects = async (...args) => {
        const vs = await commit(...args);
        for (const v of vs) {
          if (v === -1) commits.retried++;
          else if (v === 0) commits.unchanged++;
          else commits.written++;
        }
        return vs;
      };
      // Counts the link commits that move a project's member revision (a record joined or changed).
      const link = hub.store.commitLinks.bind(hub.store);
      hub.store.commitLinks = async (...args) => {
        const rs = await link(...args);
        commits.revisions += rs.filter((r) => r === 'MOVED' || r === 'TOUCHED').length;
        return rs;
      };
      hubs.push(hub);
    }
  });

  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await dropKeys(admin, prefix);
    await admin.quit();
  });

  it('keeps every record and exact sums, retrying the commits that lost the race', async () => {
    const [first] = hubs;
    const page = (stream: string) => ({ system: 'budget' as const, stream, position: { stream }, raws: [] });
    await first!.queues.add(
      'normalize',
      normalizeJob(page('XMK.QUERY'), [
        libraryEntry(CODE, '2023-150203-48-01-000123', '钢铁大街综合管廊建设项目'),
      ]),
    );
    await waitForDrain(first!.store, first!.queues, { timeoutMs: 15_000 });

    // One or two records per job, payments and indicators interleaved, all enqueued at once.
    const jobs = [];
    for (let i = 0; i < PAYMENTS.length; i += 2) {
      jobs.push(normalizeJob(page('ZF.QUERY'), PAYMENTS.slice(i, i + 2)));
      if (i % 8 === 0) jobs.push(normalizeJob(page('ZB.QUERY'), INDICATORS.slice(i / 4, i / 4 + 2)));
    }
    await first!.queues.q.normalize.addBulk(jobs.map((data) => ({ name: 'normalize', data })));
    await waitForDrain(first!.store, first!.queues, { timeoutMs: 30_000 });

    const raw = await first!.store.getProjectRaw(CODE);
    const doc = JSON.parse(raw!.doc) as {
      money: { allocatedFen: number; disbursedFen: number };
      records: Array<{ kind: string; sourceId: string; linkedBy: string }>;
    };
    const sum = (rs: Array<Record<string, string>>) => rs.reduce((n, r) => n + toFen(r['JE']!, '元'), 0);
    expect(doc.money.disbursedFen).toBe(sum(PAYMENTS));
    expect(doc.money.allocatedFen).toBe(sum(INDICATORS));
    expect(doc.records.map((r) => `${r.kind}|${r.sourceId}`).sort()).toEqual(
      [
        `project|${CODE}`,
        ...PAYMENTS.map((p) => `payment|${p['ZFPZH']}`),
        ...INDICATORS.map((z) => `indicator|${z['ZBBH']}`),
      ].sort(),
    );
    expect((await accountingHolds(first!.store)).ok).toBe(true);

    // Contention really happened and was resolved by retrying, not by overwriting.
    expect(commits.retried).toBeGreaterThan(0);
    const history = await first!.store.history(CODE);
    expect(history.map((h) => h.version)).toEqual(history.map((_, i) => i + 1));
    expect(history.length).toBe(commits.written);
    expect(raw!.version).toBe(commits.written);
    // Every one of the 251 records moved the member revision once; far fewer versions were written.
    expect(commits.revisions).toBe(251);
    expect(await first!.store.redis.hget(first!.store.keys.projectMembers(CODE), MEMBER_REVISION)).toMatch(
      /^[\w-]{12}$/,
    );
    expect(commits.written).toBeLessThan(251);
    // The change feed under these concurrent merges: consecutive seqs, the project's versions in
    // increasing order, the last one published — nothing a consumer reading `after=n` could miss.
    const feed = await first!.store.changes(0, 10_000);
    expect(feed.changes.map((c) => c.seq)).toEqual(feed.changes.map((_, i) => i + 1));
    const versions = feed.changes.filter((c) => c.projectKey === CODE).map((c) => c.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions[versions.length - 1]).toBe(raw!.version);
  }, 60_000);
});
