import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub.js';
import { webhookKeys } from '../../src/webhooks/keys.js';
import { SubscriberLock } from '../../src/webhooks/lock.js';
import { LeaseLostError, SubscriberState } from '../../src/webhooks/state.js';
import { testHub } from '../helpers/hub.js';

describe('the per-subscriber lease', () => {
  let hub: Hub;
  const silent = pino({ level: 'silent' });
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('admits one holder; a holder that lost its lease can no longer move the cursor', async () => {
    const keys = webhookKeys(hub.store.keys.prefix);
    const a = new SubscriberLock(hub.store.redis, keys.lock('s1'), 30_000, silent);
    const b = new SubscriberLock(hub.store.redis, keys.lock('s1'), 30_000, silent);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);

    const state = new SubscriberState(hub.store.redis, hub.store.keys.prefix, 's1', a);
    await state.advance(5);
    await state.advance(3); // never backwards
    expect(await state.cursor()).toBe(5);

    // The lease expired and another process took it: a's writes are fenced out.
    await hub.store.redis.set(keys.lock('s1'), 'someone-else');
    await expect(state.advance(9)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(
      state.deadLetter(9, {
        id: 'wh:s1:1',
        subscriber: 's1',
        n: 1,
        seqs: [6],
        changes: [],
        error: 'HTTP 500',
        attempts: 1,
        at: new Date().toISOString(),
        replays: 0,
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await state.cursor()).toBe(5);
    expect(await hub.store.redis.hlen(keys.deadLetters('s1'))).toBe(0);

    // Releasing leaves someone else's lease alone.
    await a.release();
    expect(await hub.store.redis.get(keys.lock('s1'))).toBe('someone-else');
  });

  it('is released on stop, so another process can take over at once', async () => {
    const keys = webhookKeys(hub.store.keys.prefix);
    const a = new SubscriberLock(hub.store.redis, keys.lock('s2'), 30_000, silent);
    const b = new SubscriberLock(hub.store.redis, keys.lock('s2'), 30_000, silent);
    expect(await a.acquire()).toBe(true);
    const lost = a.signal;
    await a.release();
    expect(lost.aborted).toBe(true);
    expect(await b.acquire()).toBe(true);
    await b.release();
  });
});
