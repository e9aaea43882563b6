import type { Redis } from 'ioredis';
import { family } from './monitor.js';

/**
 * Where a ledger's Redis bytes go: `MEMORY USAGE` of every key of the prefix, summed by key
 * family (`rec:*`, `ph:*`, `changes` …), largest first. Reads each key once; run it when idle.
 */
export async function memoryByFamily(redis: Redis, ledgerPrefix: string): Promise<Array<[string, number]>> {
  const sums = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ledgerPrefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const p = redis.pipeline();
    for (const k of keys) p.memory('USAGE', k, 'SAMPLES', '0');
    const res = (await p.exec()) ?? [];
    keys.forEach((k, i) => {
      const f = family(k);
      sums.set(f, (sums.get(f) ?? 0) + Number(res[i]?.[1] ?? 0));
    });
  } while (cursor !== '0');
  return [...sums].sort((a, b) => b[1] - a[1]);
}
