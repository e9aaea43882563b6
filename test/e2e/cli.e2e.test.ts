import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/redis/embedded.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const dir = mkdtempSync(join(tmpdir(), 'hub-cli-'));

function run(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...CLI, ...args], {
      env: { ...process.env, LOG_FORMAT: 'json', ...env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`hub ${args.join(' ')} did not exit within ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

/** Resolves with stdout once `pattern` has appeared in it; rejects at the deadline or on exit. */
function waitForOutput(p: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(t);
        resolve(out);
      }
    });
    p.on('exit', (code) => reject(new Error(`exited ${code} before ${pattern}:\n${out}`)));
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hub command line', () => {
  it.each([
    '(no command)',
    'serve',
    'worker',
    'sync',
    'config check',
    'demo',
    'check',
    'sandbox',
    'keys new',
    'keys hash',
    'dead-letters list',
    'dead-letters retry',
    'dead-letters purge',
  ])('hub %s --help', async (command) => {
    const cmd = command === '(no command)' ? [] : command.split(' ');
    const res = await run([...cmd, '--help']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(new RegExp(`Usage: hub${cmd.length ? ' ' + cmd.join(' ') : ''}`));
  });

  it('config check accepts the example and names the bad field of a broken file', async () => {
    const env = {
      BUDGET_TOKEN: 't',
      OA_CLIENT_SECRET: 's',
      ASSET_APP_SECRET: 's',
      BENEFIT_TOKEN: 't',
      SMARTCITY_API_KEY: 'k',
      SMARTCITY_PUSH_SECRET: 's',
      TRADING_ACCESS_KEY: 'k',
      DASHBOARD_KEY_SHA256: 'a'.repeat(64),
      OPERATOR_KEY_SHA256: 'b'.repeat(64),
    };
    const ok = await run(['config', 'check', '--config', 'config/hub.example.yaml'], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/configuration valid: 6 connector\(s\) enabled/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      stringify({
        connectors: {
          budget: { baseUrl: 'nope', rateLimit: { rps: 1, burst: 1 }, auth: { SysCode: 'a', Token: 'b' } },
        },
      }),
    );
    const res = await run(['config', 'check', '--config', bad]);
    expect(res.code).toBe(1);
    expect(res.err).toContain('connectors.budget.baseUrl: expected a URL');
  });

  describe('against the simulators', () => {
    let sandbox: Sandbox;
    let cfgFile: string;
    beforeAll(async () => {
      sandbox = await startSandbox({ projects: 30, seed: 11 });
      cfgFile = join(dir, 'hub.yaml');
      writeFileSync(
        cfgFile,
        stringify({
          redis: { prefix: `cli${randomBytes(4).toString('hex')}` },
          connectors: sandboxConnectors(sandbox.urls),
        }),
      );
    });
    afterAll(() => sandbox.close());

    it('sync --all --once runs every connector, waits for the pipelines and prints a summary', async () => {
      const res = await run(
        ['sync', '--all', '--once', '--config', cfgFile],
        { REDIS_URL: inject('redisUrl') },
        120_000,
      );
      expect(res.code, res.err).toBe(0);
      for (const s of ['budget', 'oa', 'asset', 'benefit', 'smartcity', 'trading'])
        expect(res.out).toMatch(new RegExp(`^${s}\\s+\\d+\\s+\\d+`, 'm'));
      expect(res.out).toMatch(
        /^system\s+fetched\s+new\s+updated\s+unchanged\s+quarantined\s+unlinked\s+status/m,
      );
      const again = await run(
        ['sync', 'budget', '--once', '--config', cfgFile],
        { REDIS_URL: inject('redisUrl') },
        60_000,
      );
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/^budget\s+\d+\s+0\s+0\s+\d+\s+\d+\s+\d+\s+ok/m);
    }, 180_000);

    it('sync --once exits non-zero when a connector fails, and check names the failure', async () => {
      sandbox.faults.budget.add({ mode: 'authFail', times: Infinity });
      try {
        const res = await run(
          ['sync', 'budget', '--once', '--config', cfgFile],
          { REDIS_URL: inject('redisUrl') },
          60_000,
        );
        expect(res.code).toBe(1);
        expect(res.out).toMatch(/budget.*FAILED: .*authentication/);
        const chk = await run(['check', 'budget', '--config', cfgFile], {}, 30_000);
        expect(chk.code).toBe(1);
        expect(chk.out).toMatch(/budget\s+FAILED \(auth\)/);
      } finally {
        sandbox.faults.budget.clear();
      }
      const chk = await run(['check', '--config', cfgFile], {}, 30_000);
      expect(chk.code, chk.out).toBe(0);
      expect(chk.out.trim().split('\n')).toHaveLength(6);
    }, 120_000);
  });

  it('demo prints the API URL and a key that reads a merged project', async () => {
    const port = await freePort();
    const p = spawn(
      process.execPath,
      [...CLI, 'demo', '--port', String(port), '--projects', '40', '--data', join(dir, 'demo')],
      {
        env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' },
      },
    );
    try {
      // The last line the demo prints: everything before it is complete.
      const out = await waitForOutput(p, /Press Ctrl-C to stop/, 120_000);
      expect(out).toContain(`Ledger API: http://127.0.0.1:${port}/api/v1`);
      const key = /API key: (\S+)/.exec(out)![1]!;
      const curl =
        /curl -s -H "Authorization: Bearer \S+" (http:\/\/127\.0\.0\.1:\d+\/api\/v1\/projects\/\d+)/.exec(
          out,
        )![1]!;
      const res = await fetch(curl, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      const project = (await res.json()) as {
        projectKey: string;
        records: unknown[];
        money: Record<string, unknown>;
      };
      expect(project.records.length).toBeGreaterThan(0);
      expect(typeof project.money['totalInvestmentFen']).toBe('number');
      // Started here without HUB_NODE_FLAGS: the hub says which are missing.
      const warning = out.split('\n').find((l) => l.includes('V8 flags'));
      expect(JSON.parse(warning!)).toMatchObject({ level: 40, missing: ['--no-memory-reducer'] });
    } finally {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
  }, 180_000);
});
