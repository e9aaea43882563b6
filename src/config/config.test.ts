import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HubError } from '../errors.js';
import { createLogger } from '../log.js';
import { configSecrets, loadConfig, parseConfig } from './load.js';

const env = {
  DASHBOARD_KEY_SHA256: 'a'.repeat(64),
  OPERATOR_KEY_SHA256: 'b'.repeat(64),
  BUDGET_TOKEN: 'yth-secret-budget-token',
  OA_CLIENT_SECRET: 'oa-secret-xyz',
  ASSET_APP_SECRET: 'asset-secret-xyz',
  BENEFIT_TOKEN: 'benefit-secret-xyz',
  SMARTCITY_API_KEY: 'sc-api-key-xyz',
  SMARTCITY_PUSH_SECRET: 'sc-push-secret-xyz',
  TRADING_ACCESS_KEY: 'trading-key-xyz',
};

function errorOf(f: () => unknown): HubError {
  try {
    f();
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('configuration', () => {
  it('every file in config/ loads (examples cannot rot)', () => {
    const files = readdirSync('config').filter((f) => f.startsWith('hub.') && f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const cfg = loadConfig(join('config', f), env);
      expect(cfg.connectors.budget?.auth.Token).toBe('yth-secret-budget-token');
    }
  });

  it('names the path of a bad field and what was expected', () => {
    const e = errorOf(() =>
      parseConfig(
        {
          connectors: {
            budget: {
              baseUrl: 'not a url',
              rateLimit: { rps: 1, burst: 1 },
              auth: { SysCode: 'X', Token: 'Y' },
            },
          },
        },
        {},
      ),
    );
    expect(e.code).toBe('HUB_CONFIG_INVALID');
    expect(e.message).toContain('connectors.budget.baseUrl: expected a URL');
  });

  it('lists every problem, not just the first', () => {
    const e = errorOf(() =>
      parseConfig({ api: { port: 'x', keys: [{ name: 'a', sha256: 'nothex', scopes: [] }] } }, {}),
    );
    expect(e.message.split('\n').length).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/api\.port/);
    expect(e.message).toMatch(/api\.keys\.0\.sha256: expected the hex SHA-256/);
  });

  it('substitutes ${ENV} anywhere and fails on an unset variable', () => {
    const cfg = parseConfig({ data: { dir: '${DIR}/x' } }, { DIR: '/srv' });
    expect(cfg.data.dir).toBe('/srv/x');
    expect(errorOf(() => parseConfig({ data: { dir: '${NOPE}' } }, {})).message).toMatch(
      /data\.dir: environment variable NOPE is not set/,
    );
  });

  it('REDIS_URL overrides redis.url', () => {
    expect(parseConfig({ redis: { url: 'redis://a:1' } }, { REDIS_URL: 'redis://b:2' }).redis.url).toBe(
      'redis://b:2',
    );
  });

  it('a missing file is a clear error', () => {
    expect(errorOf(() => loadConfig('/nonexistent/hub.yaml', {})).code).toBe('HUB_CONFIG_NOT_FOUND');
  });

  it('never logs a configured secret, whether in a field or in free text', () => {
    const cfg = loadConfig('config/hub.example.yaml', env);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ destination: sink, secrets: configSecrets(cfg), level: 'info' });
    log.info({ config: cfg }, 'starting');
    log.info({ connectors: cfg.connectors }, 'connectors');
    log.error(`request to https://trading/feed?accessKey=${env.TRADING_ACCESS_KEY} failed`);
    log.info({ auth: { Token: env.BUDGET_TOKEN } }, 'auth');
    const out = lines.join('');
    expect(out.length).toBeGreaterThan(100);
    for (const [name, v] of Object.entries(env)) {
      if (name.endsWith('SHA256')) continue;
      expect(out, name).not.toContain(v);
    }
  });
});
