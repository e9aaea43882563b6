import type { Redis } from 'ioredis';
import type { ChangeEntry } from '../ledger/store.js';
import { webhookKeys } from './keys.js';
import { webhookScripts } from './scripts.js';

/** A batch that exhausted its attempts. It keeps the entries it carried, so a replay sends them unchanged. */
export interface WebhookDeadLetter {
  /** `wh:<subscriber>:<n>`: stable and URL-safe. */
  id: string;
  subscriber: string;
  n: number;
  seqs: number[];
  changes: ChangeEntry[];
  error: string;
  /** Attempts of the last round (live delivery or the last replay). */
  attempts: number;
  /** When it was dead-lettered, or last failed a replay. */
  at: string;
  /** Replays that failed again. */
  replays: number;
}

export type WebhookDeadLetterStatus = 'dead' | 'retrying';

export const webhookDeadLetterId = (subscriber: string, n: number) => `wh:${subscriber}:${n}`;

export function parseWebhookDeadLetterId(id: string): { subscriber: string; n: number } | null {
  const m = /^wh:([a-z0-9_-]{1,64}):(\d{1,15})$/i.exec(id);
  return m ? { subscriber: m[1]!, n: Number(m[2]) } : null;
}

/** Dead-lettered webhook batches in Redis, per subscriber. */
export class WebhookDeadLetters {
  private readonly redis;
  private readonly keys;

  constructor(redis: Redis, prefix: string) {
    this.redis = webhookScripts(redis);
    this.keys = webhookKeys(prefix);
  }

  /** Subscribers to look at: the configured ones and every one that ever had a dead letter. */
  async subscribers(configured: string[]): Promise<string[]> {
    const known = await this.redis.smembers(this.keys.deadLetterSubscribers);
    return [...new Set([...configured, ...known])].sort();
  }

  /** The subscriber's dead letters in the order they were dead-lettered, with their status. */
  async list(subscriber: string): Promise<Array<WebhookDeadLetter & { status: WebhookDeadLetterStatus }>> {
    const [all, queued] = await Promise.all([
      this.redis.hgetall(this.keys.deadLetters(subscriber)),
      this.redis.zrange(this.keys.replays(subscriber), 0, -1),
    ]);
    const q = new Set(queued);
    return Object.entries(all)
      .map(([n, json]) => ({
        ...(JSON.parse(json) as WebhookDeadLetter),
        status: (q.has(n) ? 'retrying' : 'dead') as WebhookDeadLetterStatus,
      }))
      .sort((a, b) => a.n - b.n);
  }

  async get(subscriber: string, n: number): Promise<WebhookDeadLetter | null> {
    const json = await this.redis.hget(this.keys.deadLetters(subscriber), String(n));
    return json ? (JSON.parse(json) as WebhookDeadLetter) : null;
  }

  /** Queues a replay; false when there is no such dead letter. Idempotent. */
  async queueReplay(subscriber: string, n: number): Promise<boolean> {
    return (
      (await this.redis.whQueueReplay(
        this.keys.deadLetters(subscriber),
        this.keys.replays(subscriber),
        n,
      )) === 1
    );
  }

  /** The oldest dead letter queued for replay, if any. */
  async nextReplay(subscriber: string): Promise<WebhookDeadLetter | null> {
    for (;;) {
      const [n] = await this.redis.zrange(this.keys.replays(subscriber), 0, 0);
      if (n === undefined) return null;
      const dl = await this.get(subscriber, Number(n));
      if (dl) return dl;
      // Purged while queued: drop the stale entry and look again.
      await this.redis.zrem(this.keys.replays(subscriber), n);
    }
  }

  /** Numbers the next dead letter of a subscriber and records that it has dead letters. */
  async allocate(subscriber: string): Promise<number> {
    await this.redis.sadd(this.keys.deadLetterSubscribers, subscriber);
    return this.redis.incr(this.keys.deadLetterSeq(subscriber));
  }

  /** Removes every dead letter of a subscriber, queued replays included; returns how many. */
  async purge(subscriber: string): Promise<number> {
    const res = await this.redis
      .multi()
      .hlen(this.keys.deadLetters(subscriber))
      .del(this.keys.deadLetters(subscriber), this.keys.replays(subscriber))
      .exec();
    return Number(res?.[0]?.[1] ?? 0);
  }
}
