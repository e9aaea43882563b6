import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOnce } from '../../src/cli/syncOnce.js';
import { parseConfig } from '../../src/config/load.js';
import { startHub } from '../../src/hub.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { testHub } from '../helpers/hub.js';
import { accountingHolds, ledgerFingerprint } from '../helpers/ledger.js';

/**
 * The Redis server killed (SIGKILL) and restarted on its AOF in the middle of a sync: after
 * recovery the sync completes and the ledger equals an undisturbed run's.
 */
describe('Redis killed mid-sync', () => {
  let sandbox: Sandbox;
  let reference: string;
  const dir = mkdtempSync(join(tmpdir(), 'hub-chaos-redis-'));

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 40, seed: 5 });
    const ref = await testHub(sandboxConnectors(sandbox.urls));
    await syncOnce(ref, [...SYSTEMS], { full: false, quiet: true });
    reference = (await ledgerFingerprint(ref.store)).hash;
    await ref.close();
  }, 120_000);
  afterAll(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recovers from the AOF and converges on the undisturbed ledger', async () => {
    const port = await freePort();
    let redis: EmbeddedRedis = await startEmbeddedRedis({ dataDir: dir, port });
    const cfg = parseConfig(
      {
        redis: { url: redis.url, prefix: 'chaos' },
        connectors: sandboxConnectors(sandbox.urls, { retry: { attempts: 8, baseMs: 20, maxMs: 500 } }),
      },
      {},
    );
    const hub = await startHub(
      cfg,
      { workers: ['normalize', 'link', 'merge', 'publish'] },
      pino({ level: 'silent' }),
    );
    try {
      const run = syncOnce(hub, [...SYSTEMS], { full: false, quiet: true, timeoutMs: 90_000 }).catch(
        (e: Error) => e,
      );
      // Kill once records are flowing, then bring the server back on the same port and files.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const acct = await hub.store.accounting();
        const versions = Object.values(acct).reduce((n, a) => n + a.received, 0);
        if (versions > 150) break;
        if (Date.now() > deadline) throw new Error('sync never got going');
        await new Promise((r) => setTimeout(r, 20));
      }
      redis.process.kill('SIGKILL');
      await new Promise((r) => redis.process.once('exit', r));
      redis = await startEmbeddedRedis({ dataDir: dir, port });
      const first = await run;
      // Connectors whose requests met the outage may have failed: a second pass completes them.
      const second = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true, timeoutMs: 90_000 });
      for (const r of second) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
      expect(first).toBeDefined();
      expect((await ledgerFingerprint(hub.store)).hash).toBe(reference);
      const acct = await accountingHolds(hub.store);
      expect(acct.ok, JSON.stringify(acct.detail)).toBe(true);
    } finally {
      await hub.close();
      await redis.stop();
    }
  }, 180_000);
});
