import type { Redis } from 'ioredis';
import type { WebhookDeadLetter } from './deadLetters.js';
import { webhookKeys } from './keys.js';
import type { SubscriberLock } from './lock.js';
import { webhookScripts } from './scripts.js';

/** Thrown when a write finds the subscriber's lease held by another process. */
export class LeaseLostError extends Error {
  constructor() {
    super('webhook delivery lease lost');
    this.name = 'LeaseLostError';
  }
}

/**
 * A subscriber's delivery state in Redis: its cursor and the writes that end a batch. Every write
 * is fenced by the lease token (see the Lua headers), and throws LeaseLostError when fenced out.
 */
export class SubscriberState {
  private readonly redis;
  private readonly keys;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly id: string,
    private readonly lock: SubscriberLock,
  ) {
    this.redis = webhookScripts(redis);
    this.keys = webhookKeys(prefix);
  }

  async cursor(): Promise<number> {
    return Number((await this.redis.get(this.keys.cursor(this.id))) ?? 0);
  }

  async advance(seq: number): Promise<void> {
    const r = await this.redis.whAdvanceCursor(
      this.keys.cursor(this.id),
      this.keys.lock(this.id),
      this.lock.token,
      seq,
    );
    if (r === -1) throw new LeaseLostError();
  }

  /** Stores the dead letter and moves the cursor past its batch, in one step. */
  async deadLetter(seq: number, dl: WebhookDeadLetter): Promise<void> {
    const r = await this.redis.whDeadLetterBatch(
      this.keys.cursor(this.id),
      this.keys.lock(this.id),
      this.keys.deadLetters(this.id),
      this.lock.token,
      seq,
      dl.n,
      JSON.stringify(dl),
    );
    if (r === -1) throw new LeaseLostError();
  }

  /** Ends a replay: `failed` null when delivered (the dead letter goes), else its new state. */
  async settleReplay(n: number, failed: WebhookDeadLetter | null): Promise<void> {
    const r = await this.redis.whSettleReplay(
      this.keys.lock(this.id),
      this.keys.deadLetters(this.id),
      this.keys.replays(this.id),
      this.lock.token,
      n,
      failed ? JSON.stringify(failed) : '',
    );
    if (r === -1) throw new LeaseLostError();
  }
}
