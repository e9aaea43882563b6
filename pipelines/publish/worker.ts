import type { Processor } from '../runtime.js';
import { diffEvents, summarize, type PublishedSummary } from './events.js';

/** publish: append each new project version to the change feed once, with its events. */
export const publishProcessor: Processor<'publish'> = async (job, deps) => {
  let appended = 0;
  for (const key of job.keys) {
    const p = await deps.store.getProjectRaw(key);
    if (!p || p.published >= p.version) {
      await deps.store.redis.srem(deps.store.keys.needPublish, key);
      continue;
    }
    const doc = JSON.parse(p.doc) as Parameters<typeof summarize>[0] & { redirectTo?: string };
    const summary = summarize(doc);
    const before = p.pubsum ? (JSON.parse(p.pubsum) as PublishedSummary) : null;
    const kind = doc.redirectTo ? 'merged' : 'upsert';
    const events =
      kind === 'merged' ? [{ type: 'mergedInto', projectKey: doc.redirectTo }] : diffEvents(before, summary);
    await deps.store.appendChange(key, p.version, kind, p.updatedAt, events, summary);
    appended++;
  }
  return { appended };
};
