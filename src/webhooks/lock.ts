import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { webhookScripts } from './scripts.js';

/**
 * A lease on one subscriber, so that two hub processes never deliver to it at the same time:
 * SET NX PX to take it, renewed every third of the lease while held. `signal` aborts when the
 * lease is lost, which stops the holder's in-flight work; the cursor scripts check the token too,
 * so a holder that lost its lease cannot move the new holder's cursor.
 */
export class SubscriberLock {
  readonly token = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  private ctl: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly redis;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    this.redis = webhookScripts(redis);
  }

  get held(): boolean {
    return this.ctl !== null && !this.ctl.signal.aborted;
  }

  /** Aborted when the lease is lost; only meaningful while `held`. */
  get signal(): AbortSignal {
    return this.ctl?.signal ?? AbortSignal.abort(new Error('lock not held'));
  }

  /** Takes the lease when free; true while this process holds it. */
  async acquire(): Promise<boolean> {
    if (this.held) return true;
    const ok = await this.redis.set(this.key, this.token, 'PX', this.leaseMs, 'NX');
    if (ok !== 'OK') return false;
    this.ctl = new AbortController();
    this.timer = setInterval(() => void this.renew(), Math.max(10, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    return true;
  }

  private async renew(): Promise<void> {
    try {
      if ((await this.redis.whRenewLock(this.key, this.token, this.leaseMs)) === 1) return;
      this.log.warn('webhook delivery lease lost to another process');
      this.drop(new Error('lock lost'));
    } catch (e) {
      // A Redis hiccup: the lease may still be ours; the next renewal or a cursor script decides.
      this.log.warn({ err: (e as Error).message }, 'webhook lease renewal failed');
    }
  }

  private drop(reason: Error): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.ctl?.abort(reason);
    this.ctl = null;
  }

  async release(): Promise<void> {
    const wasHeld = this.ctl !== null;
    this.drop(new Error('lock released'));
    if (wasHeld) await this.redis.whReleaseLock(this.key, this.token).catch(() => undefined);
  }
}
