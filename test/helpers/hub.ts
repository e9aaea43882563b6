import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { pino } from 'pino';
import { sha256Hex } from '../../src/api/auth.js';
import { parseConfig } from '../../src/config/load.js';
import { startHub, type Hub, type HubRoles } from '../../src/hub.js';
import type { NormalizeJob } from '../../src/queues.js';
import { waitForDrain } from '../../pipelines/sweep.js';

/** A hub on the test run's Redis with a unique key prefix, and an admin + a read-only key. */
export async function testHub(
  connectors: Record<string, unknown>,
  roles: HubRoles = { api: true, workers: ['normalize', 'link', 'merge', 'publish'] },
  extra: Record<string, unknown> = {},
): Promise<Hub & { adminKey: string; readKey: string }> {
  const adminKey = `k_${randomBytes(12).toString('hex')}`;
  const readKey = `k_${randomBytes(12).toString('hex')}`;
  const cfg = parseConfig(
    {
      redis: { url: inject('redisUrl'), prefix: `t${randomBytes(5).toString('hex')}` },
      api: {
        port: 0,
        keys: [
          { name: 'admin', sha256: sha256Hex(adminKey), scopes: ['admin'] },
          { name: 'reader', sha256: sha256Hex(readKey), scopes: ['ledger:read'] },
        ],
      },
      connectors,
      ...extra,
    },
    { ...process.env, REDIS_URL: inject('redisUrl') },
  );
  const hub = await startHub(cfg, roles, pino({ level: process.env['TEST_LOG'] ?? 'silent' }));
  return Object.assign(hub, { adminKey, readKey });
}

/** A normalize job carrying raw budget-platform records, as the ingest stage would enqueue a page. */
export function budgetPage(stream: string, raws: unknown[]): NormalizeJob {
  return {
    system: 'budget',
    stream,
    position: { test: stream },
    raws,
    runId: null,
    receivedAt: new Date().toISOString(),
  };
}

/** Runs raw budget records through the pipelines and waits until the ledger is idle. */
export async function deliverBudget(hub: Hub, stream: string, raws: unknown[]): Promise<void> {
  await hub.queues.add('normalize', budgetPage(stream, raws));
  await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
}
