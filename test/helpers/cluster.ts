import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded.js';

const SLOTS = 16384;

export interface TestCluster {
  /** redis:// URLs of the masters. */
  nodes: string[];
  servers: EmbeddedRedis[];
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` redis-server processes on loopback, slots split evenly, no
 * replicas. Built with CLUSTER ADDSLOTSRANGE + MEET (what `redis-cli --cluster create` does),
 * then polled until every node reports `cluster_state:ok` and knows every master.
 */
export async function startCluster(masters = 3, timeoutMs = 30_000): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-cluster-'));
  const servers: EmbeddedRedis[] = [];
  const admins: Redis[] = [];
  const stop = async () => {
    admins.forEach((a) => a.disconnect());
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startEmbeddedRedis({
          dataDir: join(dir, `n${i}`),
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
          ],
        }),
      );
    }
    for (const s of servers) admins.push(new Redis(s.url, { maxRetriesPerRequest: 1 }));
    for (let i = 0; i < masters; i++) {
      const from = Math.floor((i * SLOTS) / masters);
      const to = Math.floor(((i + 1) * SLOTS) / masters) - 1;
      await admins[i]!.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to));
    }
    for (const s of servers.slice(1)) await admins[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(s.port));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(admins.map((a) => a.call('CLUSTER', 'INFO') as Promise<string>));
      const ok = states.every(
        (s) => /cluster_state:ok/.test(s) && new RegExp(`cluster_size:${masters}\\b`).test(s),
      );
      if (ok) break;
      if (Date.now() > deadline)
        throw new Error(`cluster did not form within ${timeoutMs} ms:\n${states[0]}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes: servers.map((s) => s.url), servers, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
