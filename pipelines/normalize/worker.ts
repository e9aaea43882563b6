import { connectorFor } from '../../connectors/index.js';
import type { StoredRecord } from '../../src/ledger/store.js';
import { recordId, type NormalizedRecord } from '../../src/model/record.js';
import { linkRecords } from '../link/worker.js';
import type { Processor } from '../runtime.js';
import { normalizeBatch } from './normalize.js';

/**
 * normalize: validate and normalize a page, quarantine the bad, store versions, link the new ones
 * and wake the linker for the rest.
 */
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
  const stored = await deps.store.upsertRecordsHashed(
    records.map((record) => ({ record, receivedAt: job.receivedAt })),
  );
  const fresh: StoredRecord[] = [];
  const toLink: string[] = [];
  const tally = { fetched: job.raws.length, new: 0, updated: 0, unchanged: 0, quarantined: rejected.length };
  stored.forEach(({ status: s, hash }, i) => {
    if (s === 'NEW') tally.new++;
    else if (s === 'UPDATED') tally.updated++;
    else tally.unchanged++;
    if (s === 'NEW' && records[i]!.kind !== 'project')
      fresh.push(newlyStored(records[i]!, hash, job.receivedAt));
    else if (s === 'NEW' || s === 'UPDATED' || s === 'REARM') toLink.push(recordId(records[i]!));
  });
  if (toLink.length > 0) await deps.queues.addIds('link', toLink, { live: job.live });
  // A new record is linked here, from the record in hand: a link job would only read back what
  // this job just wrote (a command per record and a queue hop). Its wake-up is already in the
  // link outbox (upsertRecords-var.lua), so a crash before the commit below leaves it owed, and a
  // newer version stored meanwhile makes the commit answer STALE and queue it again. Library
  // entries go to link jobs all the same: a load reads each in several versions (declared, under
  // review, admitted …), and linking every one as it arrives published its keys and woke every
  // record that reads them once per version (at 2,000 projects 0.26 → 0.22 link passes per
  // record beyond the first); a link job reads the newest version stored when it runs.
  if (fresh.length > 0) await linkRecords(deps, await deps.store.linkClock(), fresh, { live: job.live });
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

/** A record as upsertRecords just stored it for the first time: never linked, nothing provided. */
function newlyStored(record: NormalizedRecord, hash: string, receivedAt: string): StoredRecord {
  return {
    id: recordId(record),
    record,
    hash,
    projectKey: null,
    linkedBy: null,
    state: 'pending',
    reason: null,
    receivedAt,
    linkedHash: null,
    provided: [],
    referenced: [],
  };
}
