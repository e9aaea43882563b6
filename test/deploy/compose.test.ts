import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * There is no Docker engine on these machines: the compose file is validated, not run.
 * `docker-compose` comes from the Debian package of that name (installed by .ci/run).
 */
function compose(...args: string[]) {
  const r = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error)
    throw new Error(
      `docker-compose is not installed (Debian: apt-get install -y docker-compose): ${r.error.message}`,
    );
  return r;
}

describe('docker-compose.yml', () => {
  it('is valid (docker-compose config -q)', () => {
    const r = compose('config', '-q');
    expect(r.status, r.stderr).toBe(0);
  });

  it('runs Redis with AOF and noeviction and the hub roles from one image', () => {
    const r = compose('config');
    expect(r.status, r.stderr).toBe(0);
    const cfg = parse(r.stdout) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
    };
    expect(Object.keys(cfg.services).sort()).toEqual(['api', 'redis', 'scheduler', 'worker']);
    expect(cfg.services['redis']!.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
    const images = new Set(['api', 'worker', 'scheduler'].map((s) => cfg.services[s]!.image));
    expect(images.size).toBe(1);
    expect(cfg.services['api']!.command).toEqual(['serve', '--roles', 'api']);
    expect(cfg.services['worker']!.command).toEqual(['worker']);
    expect(cfg.services['scheduler']!.command).toEqual(['serve', '--roles', 'scheduler']);
    expect(cfg.services['api']!.environment!['HUB_API_HOST']).toBe('0.0.0.0');
    expect(cfg.services['worker']!.environment!['REDIS_URL']).toBe('redis://redis:6379');
  });
});
