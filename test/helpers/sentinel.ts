import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded.js';

export interface TestSentinel {
  name: string;
  master: EmbeddedRedis;
  replica: EmbeddedRedis;
  /** host:port of the Sentinel. */
  sentinel: string;
  /** Asks the Sentinel which server is the master now (`host:port`). */
  currentMaster(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A master, one replica (its first sync done) and one Sentinel (quorum 1) on loopback. A Sentinel must be started
 * from a config file it can rewrite, so it is spawned here rather than by startEmbeddedRedis.
 */
export async function startSentinel(timeoutMs = 30_000): Promise<TestSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-sentinel-'));
  const name = 'hubmaster';
  // Without the delay, the replica's first full sync starts at once instead of after 5 s.
  const master = await startEmbeddedRedis({
    dataDir: join(dir, 'master'),
    extraArgs: ['--repl-diskless-sync-delay', '0'],
  });
  const replica = await startEmbeddedRedis({
    dataDir: join(dir, 'replica'),
    extraArgs: ['--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-sync-delay', '0'],
  });
  const replicaAdmin = new Redis(replica.url, { lazyConnect: true });
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} 2000`,
      `sentinel failover-timeout ${name} 10000`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const admin = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => 100,
    commandTimeout: 2_000,
  });
  admin.on('error', () => undefined);
  const currentMaster = async () => {
    const addr = (await admin.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string] | null;
    return addr ? `${addr[0]}:${addr[1]}` : '';
  };
  const stop = async () => {
    admin.disconnect();
    replicaAdmin.disconnect();
    child.kill('SIGKILL');
    await Promise.all([replica.stop(), master.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await (async () => {
      try {
        if (admin.status === 'wait') await admin.connect();
        const replicas = (await admin.call('SENTINEL', 'replicas', name)) as unknown[];
        if (replicaAdmin.status === 'wait') await replicaAdmin.connect();
        const linked = (await replicaAdmin.info('replication')).includes('master_link_status:up');
        return linked && (await currentMaster()) !== '' && replicas.length === 1;
      } catch {
        return false;
      }
    })();
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sentinel did not see its master and replica within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, master, replica, sentinel: `127.0.0.1:${port}`, currentMaster, stop };
}
