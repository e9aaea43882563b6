import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOnce } from '../../src/cli/syncOnce.js';
import { parseConfig } from '../../src/config/load.js';
import { startHub, type Hub } from '../../src/hub.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startSentinel, type TestSentinel } from '../helpers/sentinel.js';
import { accountingHolds, ledgerFingerprint } from '../helpers/ledger.js';
import { until } from '../helpers/poll.js';

/** The hub on a Sentinel-watched master: a sync, a failover, and the hub carries on on the new master. */
describe('Redis Sentinel', () => {
  let sentinel: TestSentinel;
  let sandbox: Sandbox;
  let hub: Hub;

  beforeAll(async () => {
    sentinel = await startSentinel();
    sandbox = await startSandbox({ projects: 30, seed: 5 });
    const cfg = parseConfig(
      {
        redis: { sentinel: { name: sentinel.name, sentinels: [sentinel.sentinel] }, prefix: 'st' },
        connectors: sandboxConnectors(sandbox.urls),
      },
      {},
    );
    hub = await startHub(
      cfg,
      { workers: ['normalize', 'link', 'merge', 'publish'] },
      pino({ level: process.env['TEST_LOG'] ?? 'silent' }),
    );
    await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    await sandbox?.close();
    await sentinel?.stop();
  });

  it('syncs through the master the Sentinel names', async () => {
    expect(hub.redis.topology.kind).toBe('sentinel');
    expect(hub.redis.url).toBe(`sentinel ${sentinel.name}@${sentinel.sentinel}`);
    const fp = await ledgerFingerprint(hub.store);
    expect(fp.projects).toBeGreaterThan(20);
    expect((await accountingHolds(hub.store)).ok).toBe(true);
    const direct = new Redis(sentinel.master.url);
    expect(await direct.zcard(hub.store.keys.projects)).toBe(fp.projects);
    direct.disconnect();
  });

  it('follows a failover to the promoted replica and keeps its ledger', async () => {
    const before = await ledgerFingerprint(hub.store);
    const runBefore = await hub.store.redis.hget(hub.store.keys.connector('budget'), 'lastRunId');
    const replicaAddr = `127.0.0.1:${sentinel.replica.port}`;
    // A probe that gets no answer is retried, not awaited for ever: `until` checks its deadline between probes.
    const admin = new Redis({
      host: '127.0.0.1',
      port: Number(sentinel.sentinel.split(':')[1]),
      commandTimeout: 2_000,
    });
    // The replica must have caught up before the Sentinel agrees to promote it.
    await until(
      async () => (await admin.call('SENTINEL', 'failover', sentinel.name).catch(() => null)) === 'OK',
      20_000,
      'the Sentinel to accept the failover',
      100,
    );
    await until(
      async () => (await sentinel.currentMaster().catch(() => '')) === replicaAddr,
      30_000,
      'the promotion',
      100,
    );
    admin.disconnect();

    const again = await syncOnce(hub, [...SYSTEMS], { full: true, quiet: true, timeoutMs: 60_000 });
    expect(again.every((r) => r.ok)).toBe(true);
    expect(
      again.reduce((n, r) => n + r.new + r.updated, 0),
      JSON.stringify(again),
    ).toBe(0);
    expect(await ledgerFingerprint(hub.store)).toEqual(before);
    // The writes of the second sync (cursors, run counters) went to the new master.
    const promoted = new Redis(sentinel.replica.url);
    expect((await promoted.info('replication')).includes('role:master')).toBe(true);
    const runAfter = await promoted.hget(hub.store.keys.connector('budget'), 'lastRunId');
    expect(runAfter).not.toBeNull();
    expect(runAfter).not.toBe(runBefore);
    promoted.disconnect();
  }, 120_000);
});
