import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncOnce } from '../../src/cli/syncOnce.js';
import type { Hub } from '../../src/hub.js';
import { countFindings } from '../../src/metrics/findings.js';
import { SYSTEMS } from '../../src/model/systems.js';
import { beijingDateOf } from '../../src/model/time.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { testHub } from '../helpers/hub.js';

/** Headless Chromium (Debian package `chromium`, installed by .ci/run) against a running hub. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromium(
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; out: string; err: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'hub-chromium-'));
  return new Promise((resolve, reject) => {
    const p = spawn('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args]);
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', (e) =>
      reject(new Error(`chromium could not start (Debian: apt-get install -y chromium): ${e.message}`)),
    );
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(t);
      rmSync(profile, { recursive: true, force: true });
      resolve({ code, out, err });
    });
  });
}

describe('status page in a browser', () => {
  let sandbox: Sandbox;
  let hub: Hub;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'hub-status-'));

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 20, seed: 9 });
    sandbox.faults.trading.add({ mode: 'authFail', times: Infinity });
    hub = await testHub(sandboxConnectors(sandbox.urls));
    await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
    base = hub.apiUrl!.replace('localhost', '127.0.0.1');
  }, 120_000);
  afterAll(async () => {
    await hub.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows connectors, their errors, queues, ledger counts and findings', async () => {
    const res = await chromium(['--dump-dom', `${base}/`]);
    expect(res.code, res.err).toBe(0);
    const dom = res.out;
    expect(dom).toContain('<h1>Project-ledger hub</h1>');
    const projects = await hub.store.countProjects();
    expect(projects).toBeGreaterThan(0);
    expect(dom).toContain(`<b id="projects">${projects.toLocaleString('en-US')}</b>`);
    for (const s of SYSTEMS) expect(dom).toContain(`<td>${s}</td>`);
    expect(dom).toMatch(/<td class="bad">failing<\/td>/);
    expect(dom).toMatch(/HUB_SOURCE_AUTH: trading: authentication failed/);
    for (const stage of ['ingest', 'normalize', 'link', 'merge', 'publish'])
      expect(dom).toContain(`<td>${stage}</td>`);
    const counts = await countFindings(hub.store, beijingDateOf(Date.now()), hub.config.ledger.findings);
    expect(counts.size).toBeGreaterThan(0);
    for (const [code, n] of counts)
      expect(dom).toContain(`<tr><td>${code}</td><td class="num">${n.toLocaleString('en-US')}</td></tr>`);
  }, 90_000);

  it('renders to a screenshot', async () => {
    const file = join(dir, 'status.png');
    const res = await chromium([`--screenshot=${file}`, '--window-size=1280,1400', `${base}/`]);
    expect(res.code, res.err).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(10_000);
  }, 90_000);
});
