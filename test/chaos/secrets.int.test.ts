import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sha256Hex } from '../../src/api/auth.js';
import { syncOnce, type SyncSummaryRow } from '../../src/cli/syncOnce.js';
import { configSecrets, parseConfig } from '../../src/config/load.js';
import { startHub, type Hub } from '../../src/hub.js';
import { createLogger } from '../../src/log.js';
import { SYSTEMS, type SystemId } from '../../src/model/systems.js';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

/**
 * No credential leaves the hub: a full sync of all six systems through every fault whose error
 * quotes a request (auth failures, 5xx, resets, stalls, cut-off bodies, refused connections),
 * with every log line at debug level captured, and the error texts that reach operators (summary
 * rows, connector status, the connectors API) checked for every configured secret.
 */

const SECRETS: string[] = [
  ...new Set(
    Object.values(SANDBOX_CREDENTIALS).flatMap((auth) =>
      Object.values(auth).flatMap((v: string) => [
        v,
        encodeURIComponent(v),
        encodeURIComponent(encodeURIComponent(v)),
      ]),
    ),
  ),
];

const fast = { attempts: 14, baseMs: 5, maxMs: 50 };
const adminKey = `k_${randomBytes(12).toString('hex')}`;

/** A hub like `testHub`, but logging every line at debug level into `lines` through the production logger. */
async function capturingHub(connectors: Record<string, unknown>): Promise<{ hub: Hub; lines: string[] }> {
  const cfg = parseConfig(
    {
      redis: { url: inject('redisUrl'), prefix: `t${randomBytes(5).toString('hex')}` },
      api: { port: 0, keys: [{ name: 'admin', sha256: sha256Hex(adminKey), scopes: ['admin'] }] },
      connectors,
    },
    { ...process.env, REDIS_URL: inject('redisUrl') },
  );
  const lines: string[] = [];
  const log = createLogger({
    destination: { write: (s: string) => void lines.push(s) },
    secrets: configSecrets(cfg),
    level: 'debug',
  });
  const hub = await startHub(cfg, { api: true, workers: ['normalize', 'link', 'merge', 'publish'] }, log);
  return { hub, lines };
}

/** Every text an operator can see after a run: summary errors, saved status, the connectors API. */
async function operatorTexts(hub: Hub, rows: SyncSummaryRow[]): Promise<string[]> {
  const status = await Promise.all(SYSTEMS.map((s) => hub.store.connectorState(s)));
  const api = await hub.api!.inject({
    method: 'GET',
    url: '/api/v1/connectors',
    headers: { authorization: `Bearer ${adminKey}` },
  });
  return [...rows.map((r) => r.error ?? ''), ...status.map((s) => JSON.stringify(s)), api.body];
}

function expectNoSecret(texts: string[]): void {
  for (const secret of SECRETS) {
    const hit = texts.find((t) => t.includes(secret));
    expect(hit, `secret ${secret} leaked in: ${hit?.slice(0, 300)}`).toBeUndefined();
  }
}

function connectorsAt(urls: Record<SystemId, string>) {
  const c = sandboxConnectors(urls, { retry: fast }) as Record<SystemId, Record<string, unknown>>;
  for (const s of SYSTEMS) c[s] = { ...c[s], timeoutMs: 1_500, pageSize: 50 };
  return c;
}

async function deadUrl(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
  return `http://127.0.0.1:${port}`;
}

describe('secrets under source faults', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 12, seed: 29 });
  }, 60_000);
  afterAll(() => sandbox.close());

  it('a sync retried through resets, 5xx, stalls, cut-off bodies and expiring tokens logs no secret', async () => {
    const storm: FaultRule[] = [
      { mode: 'reset', times: 2 },
      { mode: 'http500', times: 2 },
      { mode: 'http503', times: 1, retryAfterSec: 0 },
      { mode: 'stall', times: 1 },
      { mode: 'truncated', times: 1 },
    ];
    // First in line, so the first listing call meets an expired token however short the OA walk is.
    sandbox.faults.oa.add({ mode: 'authExpired', pathPrefix: '/oa/api' });
    for (const s of SYSTEMS) sandbox.faults[s].add(...storm);
    const { hub, lines } = await capturingHub(connectorsAt(sandbox.urls));
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      for (const r of rows) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
      for (const s of SYSTEMS) expect(sandbox.faults[s].pending(), s).toBe(0);
      // The faults did reach the log, with the requests they hit.
      const retries = lines.filter((l) => l.includes('source request failed; retrying'));
      expect(new Set(retries.map((l) => (JSON.parse(l) as { system: string }).system))).toEqual(
        new Set(SYSTEMS),
      );
      expect(lines.some((l) => l.includes('credentials expired; refreshing'))).toBe(true);
      expect(lines.some((l) => /"level":20/.test(l))).toBe(true);
      // Positive control: a secret handed to the logger arrives scrubbed, so `lines` is the real output.
      hub.log.warn({ url: `/x?accessKey=${SANDBOX_CREDENTIALS.trading.accessKey}` }, 'probe');
      expect(lines.at(-1)).toContain('accessKey=***');
      expectNoSecret([...lines, ...(await operatorTexts(hub, rows))]);
    } finally {
      for (const s of SYSTEMS) sandbox.faults[s].clear();
      await hub.close();
    }
  }, 120_000);

  it('runs that fail on rejected credentials and on endless resets report no secret', async () => {
    for (const s of ['budget', 'oa', 'asset'] as const)
      sandbox.faults[s].add({ mode: 'authFail', times: Infinity });
    for (const s of ['benefit', 'smartcity', 'trading'] as const)
      sandbox.faults[s].add({ mode: 'reset', times: Infinity });
    const { hub, lines } = await capturingHub(connectorsAt(sandbox.urls));
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      for (const r of rows) expect(r.ok, r.system).toBe(false);
      for (const r of rows.filter((x) => ['budget', 'oa', 'asset'].includes(x.system)))
        expect(r.error, r.system).toMatch(/authentication failed/);
      // The reset errors quote the request, query string included: the trading key rides there.
      const trading = rows.find((r) => r.system === 'trading')!;
      expect(trading.error).toMatch(/\/trading\/api\/v1\/feed\?.*accessKey=\*\*\*/);
      expect(lines.some((l) => l.includes('connector run failed'))).toBe(true);
      expectNoSecret([...lines, ...(await operatorTexts(hub, rows))]);
    } finally {
      for (const s of SYSTEMS) sandbox.faults[s].clear();
      await hub.close();
    }
  }, 120_000);

  it('refused connections report no secret', async () => {
    const dead = await deadUrl();
    const urls = Object.fromEntries(SYSTEMS.map((s) => [s, dead])) as Record<SystemId, string>;
    const c = connectorsAt(urls);
    for (const s of SYSTEMS) c[s] = { ...c[s], retry: { attempts: 2, baseMs: 1, maxMs: 5 } };
    const { hub, lines } = await capturingHub(c);
    try {
      const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
      for (const r of rows) expect(r.error, r.system).toMatch(/cannot connect/);
      expectNoSecret([...lines, ...(await operatorTexts(hub, rows))]);
    } finally {
      await hub.close();
    }
  }, 60_000);
});
