import type { Logger } from 'pino';
import type { ChangeEntry, LedgerStore } from '../ledger/store.js';
import { beijingDateOf } from '../model/time.js';
import { sleep } from '../http/backoff.js';
import { WebhookDeadLetters, webhookDeadLetterId, type WebhookDeadLetter } from './deadLetters.js';
import { matchesFilter, needsProject } from './filter.js';
import { webhookKeys } from './keys.js';
import { SubscriberLock } from './lock.js';
import { currentProjects } from './projects.js';
import { sendWithRetry } from './send.js';
import type { WebhookSubscriber } from './spec.js';
import { LeaseLostError, SubscriberState } from './state.js';

/** Optional hooks for counters and gauges (and for tests to await progress without sleeping). */
export interface DeliveryMetrics {
  delivered?(subscriber: string, seqs: number[], replayOf: string | null): void;
  failedAttempt?(subscriber: string, attempt: number, error: string): void;
  /** A batch was dead-lettered, or the replay of dead letter `id` failed again. */
  deadLettered?(subscriber: string, id: string, seqs: number[]): void;
  /** The cursor moved: everything up to `seq` is delivered, skipped or dead-lettered. */
  cursor?(subscriber: string, seq: number): void;
  /**
   * When (ISO) the oldest change not yet done with was made, null when caught up; reported each
   * round and on each failed attempt, so an age computed from it keeps growing while a batch retries.
   */
  oldestUndelivered?(subscriber: string, at: string | null): void;
}

export interface LoopDeps {
  store: LedgerStore;
  log: Logger;
  metrics?: DeliveryMetrics | undefined;
  /** How long an idle subscriber waits before it looks at the change feed again. */
  pollMs: number;
  /** Lease of the per-subscriber lock. */
  leaseMs: number;
}

/** The body of a webhook POST. */
export interface WebhookBatch {
  subscriber: string;
  /** Set on a replay: the dead letter whose entries these are. */
  replayOf?: string;
  changes: ChangeEntry[];
}

/**
 * Delivers the change feed to one subscriber until `signal` aborts. Each round first replays
 * one dead letter queued for replay, else reads the next `batchSize` entries after the cursor,
 * drops those the filter rejects, POSTs the rest and moves the cursor past everything it read.
 * Runs only while this process holds the subscriber's lease; otherwise it waits and tries again.
 */
export async function runSubscriber(
  sub: WebhookSubscriber,
  deps: LoopDeps,
  signal: AbortSignal,
): Promise<void> {
  const { store, metrics } = deps;
  const log = deps.log.child({ subscriber: sub.id, host: new URL(sub.url).host });
  const prefix = store.keys.prefix;
  const lock = new SubscriberLock(store.redis, webhookKeys(prefix).lock(sub.id), deps.leaseMs, log);
  const state = new SubscriberState(store.redis, prefix, sub.id, lock);
  const dead = new WebhookDeadLetters(store.redis, prefix);
  let oldest: string | null = null;
  const onFailedAttempt = (attempt: number, error: string) => {
    log.info({ attempt, maxAttempts: sub.maxAttempts, err: error }, 'webhook attempt failed');
    metrics?.failedAttempt?.(sub.id, attempt, error);
    metrics?.oldestUndelivered?.(sub.id, oldest);
  };

  const select = async (changes: ChangeEntry[]) => {
    if (!needsProject(sub.filter)) return changes;
    const docs = await currentProjects(
      store,
      changes.map((c) => c.projectKey),
    );
    const asOf = beijingDateOf(Date.now());
    return changes.filter((c) => matchesFilter(sub.filter, c, docs.get(c.projectKey) ?? null, asOf));
  };

  const replay = async (dl: WebhookDeadLetter, work: AbortSignal) => {
    const batch: WebhookBatch = { subscriber: sub.id, replayOf: dl.id, changes: dl.changes };
    const res = await sendWithRetry(sub, JSON.stringify(batch), work, onFailedAttempt);
    if (res.ok) {
      await state.settleReplay(dl.n, null);
      log.info({ deadLetter: dl.id, count: dl.seqs.length }, 'webhook dead letter replayed');
      metrics?.delivered?.(sub.id, dl.seqs, dl.id);
      return;
    }
    const again = {
      ...dl,
      error: res.error,
      attempts: res.attempts,
      at: new Date().toISOString(),
      replays: dl.replays + 1,
    };
    await state.settleReplay(dl.n, again);
    log.warn({ deadLetter: dl.id, err: res.error }, 'webhook replay failed; dead letter kept');
    metrics?.deadLettered?.(sub.id, dl.id, dl.seqs);
  };

  /** One round; false when there was nothing to do. */
  const round = async (work: AbortSignal): Promise<boolean> => {
    const queued = await dead.nextReplay(sub.id);
    if (queued) {
      await replay(queued, work);
      return true;
    }
    const { changes } = await store.changes(await state.cursor(), sub.batchSize);
    oldest = changes[0]?.at ?? null;
    metrics?.oldestUndelivered?.(sub.id, oldest);
    if (changes.length === 0) return false;
    const last = changes[changes.length - 1]!.seq;
    const batch = await select(changes);
    if (batch.length > 0) {
      const body: WebhookBatch = { subscriber: sub.id, changes: batch };
      const res = await sendWithRetry(sub, JSON.stringify(body), work, onFailedAttempt);
      const seqs = batch.map((c) => c.seq);
      if (res.ok) {
        await state.advance(last);
        metrics?.delivered?.(sub.id, seqs, null);
      } else {
        const n = await dead.allocate(sub.id);
        const id = webhookDeadLetterId(sub.id, n);
        const at = new Date().toISOString();
        await state.deadLetter(last, {
          id,
          subscriber: sub.id,
          n,
          seqs,
          changes: batch,
          error: res.error,
          attempts: res.attempts,
          at,
          replays: 0,
        });
        log.warn(
          { deadLetter: id, first: seqs[0], last: seqs[seqs.length - 1], err: res.error },
          'webhook batch dead-lettered',
        );
        metrics?.deadLettered?.(sub.id, id, seqs);
      }
    } else await state.advance(last);
    metrics?.cursor?.(sub.id, last);
    return true;
  };

  let tenure: AbortSignal | null = null;
  let work: AbortSignal | null = null;
  try {
    while (!signal.aborted) {
      let busy = false;
      try {
        if (await lock.acquire()) {
          // One combined signal per lease, not per round: stop and lease loss both end the work.
          if (lock.signal !== tenure) {
            tenure = lock.signal;
            work = AbortSignal.any([signal, tenure]);
          }
          busy = await round(work!);
        }
      } catch (e) {
        if (signal.aborted) break;
        // Lost lease: the batch is not acknowledged here; the new holder sends it again (at least once).
        if (e instanceof LeaseLostError || tenure?.aborted) log.warn('webhook lease lost; backing off');
        else log.error({ err: (e as Error).message }, 'webhook delivery round failed');
      }
      if (!busy) await sleep(deps.pollMs, signal).catch(() => undefined);
    }
  } finally {
    await lock.release();
  }
}
