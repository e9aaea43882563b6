import { eachLimit, IN_FLIGHT } from '../eachLimit.js';
import type { Processor, StageDeps } from '../runtime.js';
import { docHash, mergeProject, type Member, type ProjectDoc } from './merge.js';
import { statsContribution } from './stats.js';
import { mergeToken } from './token.js';
import type { LinkedBy } from '../../src/model/project.js';
import { beijingDateOf } from '../../src/model/time.js';

const MAX_TRIES = 10;

/**
 * merge: recompute each project's golden record from all its records and commit it with
 * optimistic concurrency — the commit succeeds only if the project's member revision is the one
 * the merge read; otherwise it reads again and recomputes (see commitProject-5.lua).
 */
export const mergeProcessor: Processor<'merge'> = async (job, deps) => {
  const toPublish: string[] = [];
  const retry: string[] = [];
  const token = mergeToken(deps.ledger, beijingDateOf(Date.now()));
  let skipped = 0;
  await eachLimit(job.keys, IN_FLIGHT, async (key) => {
    // Requests pile up for a project while its records arrive; once it is merged from its
    // current members, the rest are settled with one script call instead of a re-read.
    if (await deps.store.settleProject(key, token)) {
      skipped++;
      return;
    }
    const v = await mergeOne(key, deps);
    if (v > 0) toPublish.push(key);
    if (v === -1) retry.push(key);
  });
  await deps.queues.addIds('publish', toPublish);
  await deps.queues.addIds('merge', retry);
  return { merged: job.keys.length - skipped, skipped, versions: toPublish.length };
};

export async function mergeOne(key: string, deps: StageDeps): Promise<number> {
  const { store } = deps;
  for (let i = 0; i < MAX_TRIES; i++) {
    const asOf = beijingDateOf(Date.now());
    const { mrev, members } = await store.projectState(key);
    const loaded = await store.loadRecords(members);
    const ms: Member[] = [...loaded.values()]
      .filter((s) => s.projectKey === key)
      .map((s) => ({ record: s.record, linkedBy: (s.linkedBy || 'budgetCode') as LinkedBy }));
    let doc: unknown = mergeProject(key, ms, { ...deps.ledger, asOf });
    const empty = ms.length === 0 || !ms.some((m) => m.record.kind === 'project');
    if (empty) {
      // No anchor: either an alias of a survivor, or records waiting for an anchor that vanished.
      const survivor = await store.resolveAlias(key);
      doc = survivor ? { projectKey: key, redirectTo: survivor } : { projectKey: key, orphaned: true };
      const existing = await store.getProjectRaw(key);
      if (!existing && !survivor) {
        await store.redis.srem(store.keys.needMerge, key);
        return 0;
      }
    }
    const prev = await store.getProjectRaw(key);
    const prevRecords = new Set<string>(
      prev
        ? (
            (JSON.parse(prev.doc).records ?? []) as Array<{
              system: string;
              kind: string;
              sourceId: string;
              version: string;
            }>
          ).map((r) => `${r.system}|${r.kind}|${r.sourceId}|${r.version}`)
        : [],
    );
    const changed = ms
      .map((m) => m.record)
      .filter((r) => !prevRecords.has(`${r.system}|${r.kind}|${r.sourceId}|${r.version}`))
      .map((r) => ({
        system: r.system,
        kind: r.kind,
        sourceId: r.sourceId,
        version: r.version,
        state: r.state,
      }));
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const v = await store.commitProject(
      key,
      mrev,
      doc,
      docHash(doc),
      now,
      { records: changed },
      empty,
      empty ? null : statsContribution(doc as ProjectDoc),
      empty ? null : ((doc as ProjectDoc).priority?.score ?? null),
      mergeToken(deps.ledger, asOf),
    );
    if (v !== -1) return v;
  }
  return -1;
}
