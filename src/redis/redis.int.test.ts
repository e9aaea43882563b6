import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { HubError } from '../errors.js';
import { openRedis } from './connect.js';
import { startEmbeddedRedis } from './embedded.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hub-redis-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('embedded Redis', () => {
  it('starts on loopback with AOF and noeviction under the data dir, and stops', async () => {
    const dir = tmp();
    const hub = await openRedis(parseConfig({ data: { dir } }, {}));
    expect(hub.embedded).not.toBeNull();
    expect(hub.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const r = hub.connect();
    expect(await r.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await r.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    await r.set('k', 'v');
    expect(existsSync(join(dir, 'redis'))).toBe(true);
    const pid = hub.embedded!.process.pid!;
    await hub.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('refuses an external server whose eviction policy could drop queue data', async () => {
    const srv = await startEmbeddedRedis({ dataDir: tmp() });
    const admin = new Redis(srv.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const err = await openRedis(parseConfig({}, { REDIS_URL: srv.url })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('HUB_REDIS_UNSAFE');
    expect((err as HubError).message).toContain('allkeys-lru');
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const ok = await openRedis(parseConfig({}, { REDIS_URL: srv.url }));
    expect(ok.embedded).toBeNull();
    await ok.close();
    admin.disconnect();
    await srv.stop();
  });

  it('says how to install redis-server when it is missing', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const err = await startEmbeddedRedis({ dataDir: tmp() }).catch((e: unknown) => e);
      expect((err as HubError).code).toBe('HUB_REDIS_MISSING');
      expect((err as HubError).message).toMatch(/apt-get install -y redis-server/);
      expect((err as HubError).message.split('\n')).toHaveLength(1);
    } finally {
      process.env['PATH'] = path;
    }
  });
});
