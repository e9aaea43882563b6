import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/api/auth.js';
import { syncOnce } from '../../src/cli/syncOnce.js';
import { parseConfig } from '../../src/config/load.js';
import { startHub, type Hub } from '../../src/hub.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { STAGES } from '../../src/queues.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { testHub } from '../helpers/hub.js';
import { accountingHolds, ledgerFingerprint, scanKeys } from '../helpers/ledger.js';

/**
 * The hub on a three-master Redis Cluster: a full sync of the six simulators gives exactly the
 * ledger a single server gives, the ledger scripts run (they would fail with CROSSSLOT if a
 * script's keys spanned slots), and the queues spread over the masters.
 */
describe('Redis Cluster', () => {
  let cluster: TestCluster;
  let sandbox: Sandbox;
  let hub: Hub;
  let single: Hub;
  const readKey = `k_${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    cluster = await startCluster(3);
    sandbox = await startSandbox({ projects: 60, seed: 23 });
    const cfg = parseConfig(
      {
        redis: { cluster: { nodes: cluster.nodes }, prefix: 'cl' },
        api: { port: 0, keys: [{ name: 'reader', sha256: sha256Hex(readKey), scopes: ['ledger:read'] }] },
        connectors: sandboxConnectors(sandbox.urls),
      },
      {},
    );
    hub = await startHub(
      cfg,
      { api: true, workers: ['normalize', 'link', 'merge', 'publish'] },
      pino({ level: process.env['TEST_LOG'] ?? 'silent' }),
    );
    single = await testHub(sandboxConnectors(sandbox.urls));
    await Promise.all([
      syncOnce(hub, [...SYSTEMS], { full: false, quiet: true }),
      syncOnce(single, [...SYSTEMS], { full: false, quiet: true }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    await single?.close();
    await sandbox?.close();
    await cluster?.stop();
  });

  it('connects through the Cluster client', () => {
    expect(hub.store.redis).toBeInstanceOf(Cluster);
    expect(hub.redis.topology.kind).toBe('cluster');
  });

  it('builds the same ledger as a single server, with every record accounted for', async () => {
    const [onCluster, onSingle] = await Promise.all([
      ledgerFingerprint(hub.store),
      ledgerFingerprint(single.store),
    ]);
    expect(onCluster.projects).toBeGreaterThan(50);
    expect(onCluster.records).toBeGreaterThan(onCluster.projects);
    expect(onCluster).toEqual(onSingle);
    const inv = await accountingHolds(hub.store);
    expect(inv.ok, JSON.stringify(inv.detail)).toBe(true);
  });

  it('serves the ledger over the API', async () => {
    const [key] = await hub.store.listProjectKeys(null, 1);
    const auth = { authorization: `Bearer ${readKey}` };
    const project = await hub.api!.inject({ method: 'GET', url: `/api/v1/projects/${key}`, headers: auth });
    expect(project.statusCode).toBe(200);
    expect(project.json().projectKey).toBe(key);
    const stats = await hub.api!.inject({
      method: 'GET',
      url: '/api/v1/stats?groupBy=sector',
      headers: auth,
    });
    expect(stats.statusCode).toBe(200);
    const changes = await hub.api!.inject({ method: 'GET', url: '/api/v1/changes?limit=5', headers: auth });
    expect(changes.statusCode).toBe(200);
    expect(changes.json().changes.length).toBe(5);
  });

  it('keeps the ledger in one slot and spreads the queues over the masters', async () => {
    const redis = hub.store.redis;
    const ledgerKeys = await scanKeys(redis, `${hub.store.keys.prefix}:*`);
    expect(ledgerKeys.length).toBeGreaterThan(100);
    const slots = new Set(
      await Promise.all(ledgerKeys.slice(0, 200).map((k) => redis.call('CLUSTER', 'KEYSLOT', k))),
    );
    expect(slots.size).toBe(1);
    const masterOf = async (key: string) => {
      if ((await redis.exists(key)) !== 1) return null;
      const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
      return (redis as unknown as Cluster).slots[slot]![0]!;
    };
    const homes = new Set<string | null>();
    for (const s of STAGES) homes.add(await masterOf(`${hub.store.keys.queuePrefix(s)}:${s}:meta`));
    expect(homes.has(null)).toBe(false);
    expect(homes.size).toBeGreaterThanOrEqual(2);
    // The masters hold different key sets: one of them is not simply a copy of the others.
    const sizes = await Promise.all(
      cluster.nodes.map(async (url) => {
        const r = new Redis(url);
        const n = await r.dbsize();
        r.disconnect();
        return n;
      }),
    );
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });
});
