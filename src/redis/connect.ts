import type { Redis, RedisOptions } from 'ioredis';
import { HubErrors } from '../errors.js';
import type { HubConfig } from '../config/schema.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './embedded.js';
import { createClient, describeTopology, mastersOf, topologyOf, type Topology } from './topology.js';
import { join } from 'node:path';

/** Policies under which Redis never drops keys on its own. */
const SAFE_POLICIES = new Set(['noeviction']);

export interface RedisHandle {
  /** The server's URL (single server), or where the hub connects, without passwords (Cluster, Sentinel). */
  url: string;
  topology: Topology;
  embedded: EmbeddedRedis | null;
  /** A new connection (BullMQ workers need their own blocking connections). */
  connect(extra?: RedisOptions): Redis;
  close(): Promise<void>;
}

/**
 * Connects to the configured Redis (`redis.url`/REDIS_URL, `redis.cluster` or `redis.sentinel`),
 * or starts the embedded server when none is configured. Refuses servers that may evict keys.
 */
export async function openRedis(
  cfg: HubConfig,
  opts: { onError?: (err: Error) => void } = {},
): Promise<RedisHandle> {
  let embedded: EmbeddedRedis | null = null;
  if (!cfg.redis.url && !cfg.redis.cluster && !cfg.redis.sentinel) {
    embedded = await startEmbeddedRedis({
      dataDir: join(cfg.data.dir, 'redis'),
      appendfsync: cfg.redis.appendfsync,
    });
  }
  const topology = topologyOf(cfg.redis, embedded?.url ?? null);
  const where = describeTopology(topology);
  const probe = createClient(topology, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    for (const node of mastersOf(probe)) {
      const policy = await maxmemoryPolicy(node);
      if (policy !== null && !SAFE_POLICIES.has(policy)) throw HubErrors.REDIS_UNSAFE(where, policy);
    }
  } catch (e) {
    probe.disconnect();
    await embedded?.stop();
    if (e instanceof Error && 'code' in e && String((e as { code: unknown }).code).startsWith('HUB_'))
      throw e;
    throw HubErrors.REDIS_UNAVAILABLE(where + ': ' + (e as Error).message);
  }
  probe.disconnect();
  const conns = new Set<Redis>();
  return {
    url: topology.kind === 'single' ? topology.url : where,
    topology,
    embedded,
    connect(extra) {
      const r = createClient(topology, { maxRetriesPerRequest: null, enableAutoPipelining: true, ...extra });
      // ioredis reconnects by itself; an outage is reported, not thrown at the process.
      r.on('error', (err: Error) => opts.onError?.(err));
      conns.add(r);
      r.once('end', () => conns.delete(r));
      return r;
    },
    async close() {
      // QUIT would wait for a server that is gone; a connection that is not up is just dropped.
      await Promise.all(
        [...conns].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())),
      );
      await embedded?.stop();
    },
  };
}

async function maxmemoryPolicy(r: Redis): Promise<string | null> {
  try {
    const res = (await r.config('GET', 'maxmemory-policy')) as string[];
    return res[1] ?? null;
  } catch {
    // Managed services may forbid CONFIG; fall back to INFO.
    const info = await r.info('memory');
    return /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? null;
  }
}
