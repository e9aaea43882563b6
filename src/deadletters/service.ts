import type { Queues } from '../../pipelines/runtime.js';
import { HubErrors } from '../errors.js';
import type { LedgerStore } from '../ledger/store.js';
import type { StageName } from '../queues.js';
import { WebhookDeadLetters } from '../webhooks/deadLetters.js';
import type { WebhookSubscriber } from '../webhooks/spec.js';
import { parseDeadLetterId } from './ids.js';
import { listFailedJobs, purgeFailedJobs, retryFailedJob } from './pipeline.js';
import type { DeadLetter, DeadLetterOrigin, PipelineDeadLetter, WebhookDeadLetterView } from './schemas.js';

/** What the service needs; the API's deps and a started hub both have it. */
export interface DeadLetterDeps {
  store: LedgerStore;
  queues: Queues;
  config: { webhooks: WebhookSubscriber[] };
}

export type { DeadLetter, DeadLetterOrigin, PipelineDeadLetter, WebhookDeadLetterView };

/** The one-line form the status page shows. */
export function summarizeDeadLetter(d: DeadLetter): {
  id: string;
  origin: DeadLetterOrigin;
  where: string;
  error: string;
  at: string;
} {
  return {
    id: d.id,
    origin: d.origin,
    where: d.origin === 'pipeline' ? `stage ${d.stage}` : `subscriber ${d.subscriber}`,
    error: d.error,
    at: d.at,
  };
}

export interface ListOptions {
  origin?: DeadLetterOrigin;
  /** At most this many, newest first (default 500). */
  limit?: number;
}

export interface PurgeFilter {
  origin?: DeadLetterOrigin;
  /** Only this stage's failed jobs (pipeline origin). */
  stage?: StageName;
  /** Only this subscriber's dead letters (webhook origin). */
  subscriber?: string;
}

const webhooks = (deps: DeadLetterDeps) => new WebhookDeadLetters(deps.store.redis, deps.store.keys.prefix);

/**
 * Every dead letter of both origins, newest first: failed pipeline jobs (BullMQ) and
 * dead-lettered webhook batches (Redis).
 */
export async function listDeadLetters(deps: DeadLetterDeps, opts: ListOptions = {}): Promise<DeadLetter[]> {
  const limit = opts.limit ?? 500;
  const out: DeadLetter[] = [];
  if (opts.origin !== 'webhook') out.push(...(await listFailedJobs(deps.queues, limit)));
  if (opts.origin !== 'pipeline') {
    const store = webhooks(deps);
    for (const sub of await store.subscribers(deps.config.webhooks.map((w) => w.id)))
      for (const d of await store.list(sub))
        out.push({
          id: d.id,
          origin: 'webhook',
          subscriber: d.subscriber,
          error: d.error,
          attempts: d.attempts,
          at: d.at,
          seqs: d.seqs,
          status: d.status,
          replays: d.replays,
        });
  }
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id.localeCompare(b.id))).slice(0, limit);
}

/**
 * Retries one dead letter. A pipeline job goes back to its queue with fresh attempts. A webhook
 * batch is queued for replay: its subscriber's delivery loop sends it (same entries, signed
 * afresh, `replayOf` set) before the next live batch, and removes it once a 2xx comes back.
 * Unknown ids are HUB_API_NOT_FOUND; a subscriber no longer configured or enabled is HUB_API_BAD_REQUEST.
 */
export async function retryDeadLetter(
  deps: DeadLetterDeps,
  id: string,
): Promise<{ id: string; origin: DeadLetterOrigin; status: 'retrying' }> {
  const ref = parseDeadLetterId(id);
  if (!ref) throw HubErrors.API_NOT_FOUND(`dead letter ${id}`);
  if (ref.origin === 'pipeline') {
    await retryFailedJob(deps.queues, ref.stage, ref.jobId);
    return { id, origin: 'pipeline', status: 'retrying' };
  }
  const store = webhooks(deps);
  if (!(await store.get(ref.subscriber, ref.n))) throw HubErrors.API_NOT_FOUND(`dead letter ${id}`);
  const sub = deps.config.webhooks.find((w) => w.id === ref.subscriber);
  if (!sub?.enabled)
    throw HubErrors.API_BAD_REQUEST(`webhook subscriber ${ref.subscriber} is not configured or not enabled`);
  if (!(await store.queueReplay(ref.subscriber, ref.n))) throw HubErrors.API_NOT_FOUND(`dead letter ${id}`);
  return { id, origin: 'webhook', status: 'retrying' };
}

/** Removes dead letters (all, or those of one origin, stage or subscriber); returns the counts. */
export async function purgeDeadLetters(
  deps: DeadLetterDeps,
  filter: PurgeFilter = {},
): Promise<{ purged: number; pipeline: number; webhook: number }> {
  let pipeline = 0;
  let webhook = 0;
  const pipelineToo = filter.origin !== 'webhook' && !filter.subscriber;
  const webhooksToo = filter.origin !== 'pipeline' && !filter.stage;
  if (pipelineToo) pipeline = await purgeFailedJobs(deps.queues, filter.stage ? [filter.stage] : undefined);
  if (webhooksToo) {
    const store = webhooks(deps);
    const subs = filter.subscriber
      ? [filter.subscriber]
      : await store.subscribers(deps.config.webhooks.map((w) => w.id));
    for (const s of subs) webhook += await store.purge(s);
  }
  return { purged: pipeline + webhook, pipeline, webhook };
}
