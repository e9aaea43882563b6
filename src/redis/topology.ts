import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { HubConfig } from '../config/schema.js';

/** Where the hub's Redis is: one server (embedded or external), a Cluster, or a Sentinel-watched master. */
export type Topology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: string[] }
  | { kind: 'sentinel'; sentinel: NonNullable<HubConfig['redis']['sentinel']> };

export function topologyOf(redis: HubConfig['redis'], embeddedUrl: string | null): Topology {
  if (redis.cluster) return { kind: 'cluster', nodes: redis.cluster.nodes };
  if (redis.sentinel) return { kind: 'sentinel', sentinel: redis.sentinel };
  return { kind: 'single', url: (redis.url ?? embeddedUrl)! };
}

/** For messages and logs: where the hub connects, never with a password. */
export function describeTopology(t: Topology): string {
  if (t.kind === 'single') return redactUrl(t.url);
  if (t.kind === 'cluster') return `cluster ${t.nodes.map(redactUrl).join(',')}`;
  return `sentinel ${t.sentinel.name}@${t.sentinel.sentinels.join(',')}`;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@]+)@/, '//$1:***@');
}

/**
 * A client for the topology. A Cluster client is handed out as a `Redis`: ioredis gives both the
 * same command interface (including `defineCommand`, `pipeline` and `duplicate`, which BullMQ and
 * the ledger scripts use), and the ledger never issues a command that needs a particular node.
 */
export function createClient(t: Topology, opts: RedisOptions): Redis {
  if (t.kind === 'single') return new Redis(t.url, opts);
  if (t.kind === 'sentinel') {
    const s = t.sentinel;
    return new Redis({
      ...opts,
      name: s.name,
      sentinels: s.sentinels.map(hostPort),
      ...(s.username !== undefined && { username: s.username }),
      ...(s.password !== undefined && { password: s.password }),
      ...(s.sentinelPassword !== undefined && { sentinelPassword: s.sentinelPassword }),
      db: s.db,
      // Follow a failover as soon as the Sentinels announce it, and treat a write refused by a
      // demoted master as the signal to ask them again.
      failoverDetector: true,
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    });
  }
  const first = new URL(t.nodes[0]!);
  const { enableAutoPipelining, ...redisOptions } = opts;
  const cluster = new Cluster(t.nodes.map(clusterNode), {
    enableAutoPipelining: enableAutoPipelining ?? false,
    // A failover moves slots; commands follow MOVED/ASK and wait for the new master.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    ...(opts.retryStrategy && { clusterRetryStrategy: opts.retryStrategy }),
    ...(opts.lazyConnect && { lazyConnect: true }),
    redisOptions: {
      ...redisOptions,
      ...(first.username && { username: decodeURIComponent(first.username) }),
      ...(first.password && { password: decodeURIComponent(first.password) }),
      ...(first.protocol === 'rediss:' && { tls: {} }),
    },
  });
  return cluster as unknown as Redis;
}

/** The masters to inspect (every node of a Cluster; the one client otherwise). */
export function mastersOf(client: Redis): Redis[] {
  return client instanceof Cluster ? (client as Cluster).nodes('master') : [client];
}

function hostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

function clusterNode(url: string): ClusterNode {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}
