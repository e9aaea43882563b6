import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../connectors/index.js';
import type { AnyConnector, RawPage } from '../../src/connector/define.js';
import { HubError } from '../../src/errors.js';
import { createHttpClient } from '../../src/http/client.js';
import { NormalizedRecord } from '../../src/model/record.js';
import type { SystemId } from '../../src/model/systems.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

/**
 * The conformance suite every registered connector must pass, run against the project's own
 * simulator of its system. A seventh connector is covered by registering it in
 * connectors/index.ts and giving the sandbox a simulator for it.
 */
const log = pino({ level: 'silent' });
let sandbox: Sandbox;
let configs: Record<SystemId, unknown>;

beforeAll(async () => {
  sandbox = await startSandbox({ projects: 25, seed: 3 });
  configs = sandboxConnectors(sandbox.urls, { retry: { attempts: 2, baseMs: 1, maxMs: 5 } }) as Record<
    SystemId,
    unknown
  >;
});
afterAll(() => sandbox.close());

function ctxFor(def: AnyConnector, config: unknown) {
  const c = def.spec.parse(config);
  const http = createHttpClient({
    system: def.system,
    baseUrl: c.baseUrl,
    timeoutMs: c.timeoutMs,
    rateLimit: c.rateLimit,
    maxResponseBytes: c.maxResponseBytes,
    retry: c.retry,
    log,
    secrets: def.secrets(c),
  });
  return { config: c, http, log };
}

async function readAll(def: AnyConnector, config: unknown, state?: unknown): Promise<RawPage<unknown>[]> {
  const pages: RawPage<unknown>[] = [];
  for await (const p of def.read(ctxFor(def, config), state, { full: state === undefined })) {
    pages.push(p);
    if (pages.length > 10_000) throw new Error('pagination does not stop');
  }
  return pages;
}

describe.each(Object.values(CONNECTORS).map((c) => [c.system, c as AnyConnector] as const))(
  'connector %s',
  (system, def) => {
    it('declares itself completely', () => {
      expect(def.system).toBe(system);
      expect(def.title.length).toBeGreaterThan(0);
      expect(def.streams.length).toBeGreaterThan(0);
    });

    it('accepts its sandbox configuration and rejects a broken one with a path', () => {
      expect(def.spec.safeParse(configs[system]).success).toBe(true);
      const broken = def.spec.safeParse({ ...(configs[system] as object), baseUrl: 'not a url', auth: {} });
      expect(broken.success).toBe(false);
      const paths = broken.error!.issues.map((i) => i.path.join('.'));
      expect(paths).toContain('baseUrl');
      expect(paths.some((p) => p.startsWith('auth'))).toBe(true);
    });

    it('names every credential as a secret', () => {
      const c = def.spec.parse(configs[system]);
      const secrets = def.secrets(c);
      expect(secrets.length).toBeGreaterThan(0);
      for (const s of secrets) expect(JSON.stringify(c.auth)).toContain(s.length > 3 ? s.slice(0, 3) : s);
    });

    it('check() succeeds against its simulator and reports auth failures as auth', async () => {
      expect(await def.check(ctxFor(def, configs[system]))).toMatchObject({ ok: true });
      sandbox.faults[system].add({ mode: 'authFail', times: 5 });
      try {
        expect(await def.check(ctxFor(def, configs[system]))).toMatchObject({ ok: false, failure: 'auth' });
      } finally {
        sandbox.faults[system].clear();
      }
    });

    it('an authentication failure during a read is a config error, not retried', async () => {
      sandbox.faults[system].add({ mode: 'authFail', times: 5 });
      try {
        const err = await readAll(def, configs[system]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HubError);
        expect((err as HubError).failure).toBe('config');
      } finally {
        sandbox.faults[system].clear();
      }
    });

    it('reads every stream to the end, with state after every page, and normalizes what it reads', async () => {
      const pages = await readAll(def, configs[system]);
      const streams = new Set(pages.map((p) => p.stream));
      for (const s of def.streams) expect(streams, `stream ${s}`).toContain(s);
      let valid = 0;
      for (const p of pages) {
        expect(def.state.safeParse(p.state).success).toBe(true);
        for (const raw of p.records) {
          const res = def.normalize(raw, p.stream);
          if (res.ok) {
            expect(NormalizedRecord.safeParse(res.record).success).toBe(true);
            expect(res.record.system).toBe(system);
            valid++;
          } else expect(res.reason.length).toBeGreaterThan(0);
        }
      }
      expect(valid).toBeGreaterThan(0);
      // Incremental: from the last state, a second read stops and brings (almost) nothing new.
      const last = pages[pages.length - 1]!.state;
      const again = await readAll(def, configs[system], last);
      const before = pages.reduce((n, p) => n + p.records.length, 0);
      expect(again.reduce((n, p) => n + p.records.length, 0)).toBeLessThan(Math.max(10, before / 2));
    });

    it('retries a transient 503 and still reads to the end', async () => {
      sandbox.faults[system].add({ mode: 'http503', times: 1, retryAfterSec: 0 });
      const pages = await readAll(def, configs[system]);
      expect(pages.length).toBeGreaterThan(0);
      expect(sandbox.faults[system].pending()).toBe(0);
    });
  },
);
