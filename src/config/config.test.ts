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

  it('takes one of url, sentinel and cluster, and refuses REDIS_URL next to a Sentinel or Cluster', () => {
    const cluster = { cluster: { nodes: ['redis://:pw-c@127.0.0.1:7000', 'redis://127.0.0.1:7001'] } };
    const c = parseConfig({ redis: cluster }, {});
    expect(c.redis.cluster?.nodes).toHaveLength(2);
    const s = parseConfig(
      {
        redis: {
          sentinel: {
            name: 'm',
            sentinels: ['127.0.0.1:26379'],
            password: 'pw-s',
            sentinelPassword: 'pw-ss',
          },
        },
      },
      {},
    );
    expect(s.redis.sentinel).toMatchObject({ name: 'm', db: 0 });
    expect(configSecrets(c)).toContain('pw-c');
    expect(configSecrets(s)).toEqual(expect.arrayContaining(['pw-s', 'pw-ss']));
    const both = () => parseConfig({ redis: { url: 'redis://127.0.0.1:6379', ...cluster } }, {});
    expect(both).toThrow(/redis: set one of url, cluster and sentinel/);
    expect(() => parseConfig({ redis: { sentinel: { name: 'm', sentinels: ['nohost'] } } }, {})).toThrow(
      /redis\.sentinel\.sentinels\.0: expected host:port/,
    );
    expect(() => parseConfig({ redis: { cluster: { nodes: ['http://127.0.0.1:7000'] } } }, {})).toThrow(
      /redis\.cluster\.nodes\.0/,
    );
    expect(() => parseConfig({ redis: cluster }, { REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /REDIS_URL is set but the file configures redis\.cluster/,
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
