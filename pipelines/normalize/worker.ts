import { connectorFor } from '../../connectors/index.js';
import { recordId } from '../../src/model/record.js';
import type { Processor } from '../runtime.js';
import { normalizeBatch } from './normalize.js';

/** normalize: validate and normalize a page, quarantine the bad, store versions, wake the linker. */
export const normalizeProcessor: Processor<'normalize'> = async (job, deps) => {
  const connector = connectorFor(job.system);
  const { records, rejected } = normalizeBatch(job.raws, job.stream, connector.normalize);
  const quarantined = await deps.store.quarantine(
    rejected.map((r) => ({
      system: job.system,
      kind: r.kind,
      sourceId: r.sourceId,
      position: { ...job.position, stream: job.stream, index: r.index },
      reason: r.reason,
      raw: r.raw,
      receivedAt: job.receivedAt,
    })),
  );
  const statuses = await deps.store.upsertRecords(
    records.map((record) => ({ record, receivedAt: job.receivedAt })),
  );
  const toLink: string[] = [];
  const tally = { fetched: job.raws.length, new: 0, updated: 0, unchanged: 0, quarantined: rejected.length };
  statuses.forEach((s, i) => {
    if (s === 'NEW') tally.new++;
    else if (s === 'UPDATED') tally.updated++;
    else tally.unchanged++;
    if (s === 'NEW' || s === 'UPDATED' || s === 'REARM') toLink.push(recordId(records[i]!));
  });
  await deps.queues.addIds('link', toLink, { live: job.live });
  deps.metrics?.recordRecords(job.system, tally);
  if (job.runId) {
    const key = deps.store.keys.run(job.runId);
    const p = deps.store.redis.pipeline();
    for (const [f, v] of Object.entries(tally)) p.hincrby(key, `${job.system}:${f}`, v);
    p.expire(key, 7 * 24 * 3600);
    await p.exec();
  }
  return { ...tally, quarantinedNew: quarantined };
};
