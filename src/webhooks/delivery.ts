import type { Logger } from 'pino';
import type { LedgerStore } from '../ledger/store.js';
import type { WebhookSubscriber } from './spec.js';
import { runSubscriber, type DeliveryMetrics } from './subscriber.js';

export type { DeliveryMetrics, WebhookBatch } from './subscriber.js';

export interface DeliveryOptions {
  store: LedgerStore;
  config: { webhooks: WebhookSubscriber[] };
  log: Logger;
  metrics?: DeliveryMetrics;
  /** Idle subscribers look at the change feed this often (default 250 ms). */
  pollMs?: number;
  /** Lease of the per-subscriber lock (default 30 s; renewed every third of it). */
  leaseMs?: number;
}

export interface Delivery {
  /** Ids of the subscribers this process delivers to (when it holds their lease). */
  readonly subscribers: string[];
  /** Aborts in-flight POSTs and backoff waits, releases the leases; unacknowledged batches are sent again later. */
  stop(): Promise<void>;
}

/**
 * Starts webhook delivery (ledger.md §5): one independent loop per enabled subscriber, each with
 * its own cursor, lease and retries, so a slow or dead subscriber holds back neither the others
 * nor the pipelines (which never wait for delivery).
 *
 * @example
 * const delivery = startDelivery({ store, config, log });
 * // … on shutdown:
 * await delivery.stop();
 */
export function startDelivery(o: DeliveryOptions): Delivery {
  const ctl = new AbortController();
  const enabled = o.config.webhooks.filter((s) => s.enabled);
  const deps = {
    store: o.store,
    log: o.log.child({ role: 'webhooks' }),
    metrics: o.metrics,
    pollMs: o.pollMs ?? 250,
    leaseMs: o.leaseMs ?? 30_000,
  };
  const loops = enabled.map((sub) =>
    runSubscriber(sub, deps, ctl.signal).catch((e: unknown) =>
      deps.log.error({ subscriber: sub.id, err: (e as Error).message }, 'webhook delivery loop ended'),
    ),
  );
  let stopping: Promise<void> | null = null;
  return {
    subscribers: enabled.map((s) => s.id),
    stop() {
      stopping ??= (async () => {
        ctl.abort(new Error('webhook delivery stopping'));
        await Promise.all(loops);
      })();
      return stopping;
    },
  };
}
