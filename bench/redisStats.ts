import type { Redis } from 'ioredis';

/** `INFO commandstats` as calls per command name (lower case, subcommands kept as `cmd|sub`). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** Calls per command between two snapshots, largest first. */
export function callsDelta(before: Map<string, number>, after: Map<string, number>): Array<[string, number]> {
  const rows: Array<[string, number]> = [];
  for (const [cmd, n] of after) {
    const d = n - (before.get(cmd) ?? 0);
    if (d > 0) rows.push([cmd, d]);
  }
  return rows.sort((a, b) => b[1] - a[1]);
}

export const sumCalls = (rows: Array<[string, number]>): number => rows.reduce((n, [, c]) => n + c, 0);

/**
 * Commands that modify data. Scripts (`evalsha`, `fcall`) are listed separately because a script's
 * own writes are counted under their command names too (Redis counts calls made inside scripts).
 */
const WRITES = new Set(
  (
    'set setex psetex setnx getset getdel getex del unlink incr incrby incrbyfloat decr decrby append ' +
    'hset hsetnx hmset hdel hincrby hincrbyfloat sadd srem smove spop zadd zrem zincrby zremrangebyscore ' +
    'zremrangebyrank zremrangebylex zpopmin zpopmax bzpopmin bzpopmax lpush rpush lpushx rpushx lpop rpop ' +
    'blpop brpop lmove blmove rpoplpush brpoplpush lrem lset ltrim linsert xadd xdel xtrim xack xclaim ' +
    'xautoclaim expire pexpire expireat pexpireat persist rename renamenx copy restore'
  ).split(' '),
);

export const isWrite = (cmd: string): boolean => WRITES.has(cmd.split('|')[0]!);

export async function usedMemory(redis: Redis): Promise<number> {
  const text = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(text)?.[1] ?? NaN);
}
