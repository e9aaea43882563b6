import { STAGES, type StageName } from '../queues.js';
import { parseWebhookDeadLetterId, webhookDeadLetterId } from '../webhooks/deadLetters.js';

/**
 * Dead-letter ids: `job:<stage>:<jobId>` for a failed pipeline job, `wh:<subscriber>:<n>` for a
 * dead-lettered webhook batch. Stable (derived from what they name) and URL-safe (a job id with
 * other characters is percent-encoded).
 */
export type DeadLetterRef =
  | { origin: 'pipeline'; stage: StageName; jobId: string }
  | { origin: 'webhook'; subscriber: string; n: number };

export const pipelineDeadLetterId = (stage: StageName, jobId: string) =>
  `job:${stage}:${encodeURIComponent(jobId)}`;

export { webhookDeadLetterId };

export function parseDeadLetterId(id: string): DeadLetterRef | null {
  const job = /^job:([a-z]+):(.+)$/.exec(id);
  if (job) {
    const stage = job[1] as StageName;
    if (!STAGES.includes(stage)) return null;
    try {
      return { origin: 'pipeline', stage, jobId: decodeURIComponent(job[2]!) };
    } catch {
      return null;
    }
  }
  const wh = parseWebhookDeadLetterId(id);
  return wh ? { origin: 'webhook', ...wh } : null;
}
