import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { HubErrors } from '../errors.js';

/**
 * The embedded default: a private redis-server child process on loopback, a free port, data
 * under `<dataDir>`, AOF on, `noeviction` (queue data must never be evicted). It lives exactly as
 * long as the hub process.
 */
export interface EmbeddedRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export function redisServerAvailable(): boolean {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

export async function startEmbeddedRedis(opts: {
  dataDir: string;
  port?: number;
  appendfsync?: 'always' | 'everysec';
  timeoutMs?: number;
  /** More redis-server options (tests start Cluster nodes and Sentinels with it). */
  extraArgs?: string[];
}): Promise<EmbeddedRedis> {
  if (!redisServerAvailable()) throw HubErrors.REDIS_MISSING();
  const dir = resolve(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    opts.appendfsync ?? 'everysec',
    '--maxmemory-policy',
    'noeviction',
    // Record and project hashes hold one value of 1–10 KB among a dozen small ones; kept as a
    // listpack they take about a third less memory than as a hash table (see README, Performance).
    '--hash-max-listpack-value',
    '8192',
    '--save',
    '',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  // Poll until it answers PING: redis-server has no readiness signal we can wait on.
  for (;;) {
    if (child.exitCode !== null)
      throw HubErrors.REDIS_UNAVAILABLE(`embedded redis-server exited: ${stderr.trim()}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') {
        // AOF rewrite may still be loading; LOADING errors surface as failed PINGs above.
        probe.disconnect();
        break;
      }
    } catch {
      probe.disconnect();
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw HubErrors.REDIS_UNAVAILABLE(
        `embedded redis-server did not answer within the deadline: ${stderr.trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);
  return {
    url,
    port,
    process: child,
    stop: () =>
      new Promise<void>((res) => {
        process.removeListener('exit', onExit);
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}
