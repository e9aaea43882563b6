import type { Redis } from 'ioredis';

/**
 * Deletes every key of one hub prefix (ledger keys `{p}:*` and queue keys `{p:q:<stage>}:*`) so that the
 * many ledgers a property test builds do not pile up in the shared test Redis.
 */
export async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  for (const pattern of [`{${prefix}}:*`, `{${prefix}:q:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
}
