import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterList } from '../../src/deadletters/schemas.js';
import { listDeadLetters, purgeDeadLetters, retryDeadLetter } from '../../src/deadletters/service.js';
import type { Hub } from '../../src/hub.js';
import { startDelivery, type Delivery } from '../../src/webhooks/delivery.js';
import { deliverBudget, testHub } from '../helpers/hub.js';
import { allChanges, probe, startReceiver, subscriber, xmk, zf } from './helpers.js';

type TestHub = Hub & { adminKey: string; readKey: string };
const silent = pino({ level: 'silent' });

/** Five library entries and two payments: at least seven change entries. */
async function populate(hub: TestHub) {
  await deliverBudget(hub, 'XMK.QUERY', [
    xmk('150203202304000101'),
    xmk('150203202304000102'),
    xmk('150203202304000103'),
  ]);
  await deliverBudget(hub, 'ZF.QUERY', [zf('ZF1', '150203202304000101', '100.00')]);
  await deliverBudget(hub, 'XMK.QUERY', [xmk('150203202304000104'), xmk('150203202304000105')]);
  await deliverBudget(hub, 'ZF.QUERY', [zf('ZF2', '150203202304000102', '200.00')]);
}

describe('webhook delivery', () => {
  const cleanup: Array<() => Promise<void>> = [];
  const track = <T extends { close(): Promise<void> } | Delivery>(x: T): T => {
    cleanup.push(() => ('stop' in x ? x.stop() : x.close()));
    return x;
  };
  afterEach(async () => {
    // Deliveries first (they use the hub's Redis), then hubs and receivers.
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const receiver = async () => track(await startReceiver('test-webhook-secret-0123456789'));
  const hubWith = async (webhooks: unknown[]) =>
    track(
      await testHub(
        {},
        { api: true, workers: ['normalize', 'link', 'merge', 'publish'], delivery: false },
        { webhooks },
      ),
    );

  it('delivers every change, signed, in seq order, exactly as /changes lists them', async () => {
    const rx = await receiver();
    const hub = await hubWith([subscriber('all', rx.url, { batchSize: 2 })]);
    const p = probe();
    track(
      startDelivery({ store: hub.store, config: hub.config, log: silent, metrics: p.metrics, pollMs: 20 }),
    );
    await populate(hub);
    const changes = await allChanges(hub);
    expect(changes.length).toBeGreaterThanOrEqual(7);
    const last = changes[changes.length - 1]!.seq;
    await rx.waitFor(() => rx.liveSeqs().includes(last), 15_000, `seq ${last}`);

    expect(rx.requests.every((r) => r.signatureValid)).toBe(true);
    expect(rx.accepted().every((r) => r.body.changes.length <= 2 && r.body.subscriber === 'all')).toBe(true);
    expect(rx.accepted().flatMap((r) => r.body.changes)).toEqual(changes);
    expect(p.events.failed).toEqual([]);
    // Caught up: nothing waits, so the undelivered-age gauge can drop to zero.
    await p.waitFor(() => p.events.oldest.get('all') === null, 15_000, 'the caught-up report');
  });

  it('retries a batch answered 500 with backoff and delivers it once the receiver recovers', async () => {
    const rx = await receiver();
    rx.state.plan = [500, 503, 500];
    const hub = await hubWith([subscriber('flaky', rx.url, { maxAttempts: 5 })]);
    await populate(hub);
    const changes = await allChanges(hub);
    const p = probe();
    track(
      startDelivery({ store: hub.store, config: hub.config, log: silent, metrics: p.metrics, pollMs: 20 }),
    );
    await rx.waitFor(() => rx.accepted().length === 1, 15_000, 'the batch after retries');

    // The same batch, four times: three refused, the fourth accepted; nothing dead-lettered.
    expect(rx.requests.map((r) => r.status)).toEqual([500, 503, 500, 200]);
    expect(new Set(rx.requests.map((r) => r.raw)).size).toBe(1);
    expect(rx.accepted()[0]!.body.changes).toEqual(changes);
    expect(p.events.failed.map((f) => f.attempt)).toEqual([1, 2, 3]);
    expect(p.events.dead).toEqual([]);
    expect(await listDeadLetters(hub, { origin: 'webhook' })).toEqual([]);
  });

  it('a dead subscriber holds back neither a healthy one nor the pipelines; its batch is dead-lettered and replayed', async () => {
    const healthy = await receiver();
    const dead = await receiver();
    dead.state.behaviour = 'hang';
    const hub = await hubWith([
      subscriber('healthy', healthy.url),
      subscriber('dead', dead.url, { maxAttempts: 3, timeoutMs: 60_000 }),
    ]);
    const p = probe();
    track(
      startDelivery({ store: hub.store, config: hub.config, log: silent, metrics: p.metrics, pollMs: 20 }),
    );

    // The pipelines drain (populate waits for it) while `dead` holds its first POST open.
    await populate(hub);
    const changes = await allChanges(hub);
    const last = changes[changes.length - 1]!.seq;
    await healthy.waitFor(() => healthy.liveSeqs().includes(last), 15_000, 'the healthy subscriber');
    await dead.waitFor(() => dead.held() > 0, 15_000, 'a held request');
    expect(healthy.accepted().flatMap((r) => r.body.changes)).toEqual(changes);
    expect(dead.accepted()).toEqual([]);
    expect(p.events.dead).toEqual([]);
    expect(p.events.oldest.get('dead')).toBe(changes[0]!.at);

    // Now it fails outright: after maxAttempts each batch is dead-lettered and the cursor moves on.
    dead.state.behaviour = 'fail';
    dead.release(500);
    await p.waitFor(
      () => p.events.cursor.get('dead') === last,
      15_000,
      'the dead subscriber to pass the end',
    );
    const dls = (await listDeadLetters(hub, { origin: 'webhook' })).reverse();
    expect(dls.map((d) => d.id)).toEqual(dls.map((_, i) => `wh:dead:${i + 1}`));
    expect(DeadLetterList.parse({ items: dls }).items).toEqual(dls);
    for (const d of dls)
      expect(d).toMatchObject({
        origin: 'webhook',
        subscriber: 'dead',
        error: 'HTTP 500',
        attempts: 3,
        status: 'dead',
      });
    expect(dls.flatMap((d) => (d.origin === 'webhook' ? d.seqs : []))).toEqual(changes.map((c) => c.seq));

    // A retry while it still fails keeps the dead letter, with the failed replay counted.
    const before = p.events.dead.length;
    await retryDeadLetter(hub, 'wh:dead:1');
    await p.waitFor(() => p.events.dead.length > before, 15_000, 'the failed replay');
    expect(
      (await listDeadLetters(hub, { origin: 'webhook' })).find((d) => d.id === 'wh:dead:1'),
    ).toMatchObject({
      status: 'dead',
      replays: 1,
    });

    // Healthy again: each replay delivers its entries unchanged, marked as a replay, and the dead letters go.
    dead.state.behaviour = 'ok';
    for (const d of dls)
      expect(await retryDeadLetter(hub, d.id)).toEqual({ id: d.id, origin: 'webhook', status: 'retrying' });
    await p.waitFor(
      () => p.events.delivered.filter((d) => d.replayOf).length === dls.length,
      15_000,
      'every replay',
    );
    const replays = dead.accepted().filter((r) => r.body.replayOf);
    expect(replays.map((r) => r.body.replayOf)).toEqual(dls.map((d) => d.id));
    expect(replays.flatMap((r) => r.body.changes)).toEqual(changes);
    expect(replays.every((r) => r.signatureValid)).toBe(true);
    expect(await listDeadLetters(hub, { origin: 'webhook' })).toEqual([]);
  });

  it('purges webhook dead letters; a purged id cannot be retried', async () => {
    const rx = await receiver();
    rx.state.behaviour = 'fail';
    const hub = await hubWith([subscriber('gone', rx.url, { maxAttempts: 1 })]);
    await deliverBudget(hub, 'XMK.QUERY', [xmk('150203202304000201')]);
    const p = probe();
    track(
      startDelivery({ store: hub.store, config: hub.config, log: silent, metrics: p.metrics, pollMs: 20 }),
    );
    await p.waitFor(() => p.events.dead.length === 1, 15_000, 'the dead letter');
    expect(await purgeDeadLetters(hub, { origin: 'webhook' })).toEqual({
      purged: 1,
      pipeline: 0,
      webhook: 1,
    });
    expect(await listDeadLetters(hub)).toEqual([]);
    await expect(retryDeadLetter(hub, 'wh:gone:1')).rejects.toMatchObject({ code: 'HUB_API_NOT_FOUND' });
    await expect(retryDeadLetter(hub, 'wh:gone:nope')).rejects.toMatchObject({ code: 'HUB_API_NOT_FOUND' });
  });

  it('two processes never deliver to one subscriber at once; the other takes over when one stops', async () => {
    const rx = await receiver();
    const hub = await hubWith([subscriber('shared', rx.url, { batchSize: 3 })]);
    const a = probe();
    const b = probe();
    const da = startDelivery({
      store: hub.store,
      config: hub.config,
      log: silent,
      metrics: a.metrics,
      pollMs: 20,
    });
    const db = track(
      startDelivery({ store: hub.store, config: hub.config, log: silent, metrics: b.metrics, pollMs: 20 }),
    );
    cleanup.push(() => da.stop());
    await populate(hub);
    let changes = await allChanges(hub);
    await rx.waitFor(() => rx.liveSeqs().includes(changes[changes.length - 1]!.seq), 15_000, 'first round');
    const seqs = rx.liveSeqs();
    expect(seqs).toEqual(changes.map((c) => c.seq));
    // Exactly one of the two delivered everything so far.
    const [holder, other] = a.events.delivered.length > 0 ? [da, db] : [db, da];
    expect(Math.min(a.events.delivered.length, b.events.delivered.length)).toBe(0);

    await holder.stop();
    await deliverBudget(hub, 'XMK.QUERY', [xmk('150203202304000106')]);
    changes = await allChanges(hub);
    await rx.waitFor(() => rx.liveSeqs().includes(changes[changes.length - 1]!.seq), 15_000, 'the takeover');
    expect(rx.liveSeqs()).toEqual(changes.map((c) => c.seq));
    expect(other.subscribers).toEqual(['shared']);
  });
});
