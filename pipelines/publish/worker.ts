import type { Processor } from '../runtime.js';
import { diffEvents, summarize, type PublishedSummary } from './events.js';

/**
 * publish: append each new project version to the change feed once, with its events. The job's
 * projects are read in one round trip and appended in another (appendChanges-var.lua keeps each
 * append exactly-once, whatever else runs meanwhile).
 */
export const publishProcessor: Processor<'publish'> = async (job, deps) => {
  const raws = await deps.store.getProjectsRaw(job.keys);
  const done: string[] = [];
  const entries = job.keys.flatMap((key, i) => {
    const p = raws[i];
    if (!p || p.published >= p.version) {
      done.push(key);
      return [];
    }
    const doc = JSON.parse(p.doc) as Parameters<typeof summarize>[0] & { redirectTo?: string };
    const summary = summarize(doc);
    const before = p.pubsum ? (JSON.parse(p.pubsum) as PublishedSummary) : null;
    const kind = doc.redirectTo ? ('merged' as const) : ('upsert' as const);
    const events =
      kind === 'merged' ? [{ type: 'mergedInto', projectKey: doc.redirectTo }] : diffEvents(before, summary);
    return [{ key, version: p.version, kind, at: p.updatedAt, events, summary }];
  });
  if (done.length > 0) await deps.store.redis.srem(deps.store.keys.needPublish, ...done);
  await deps.store.appendChanges(entries);
  return { appended: entries.length };
};
