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
 * the merge read; otherwise it reads again and recomputes (see commitProject-8.lua). The projects
 * of a job take each step together, one round trip per step for all of them.
 */
export const mergeProcessor: Processor<'merge'> = async (job, deps) => {
  const toPublish: string[] = [];
  // Requests pile up for a project while its records arrive; once it is merged from its
  // current members, the rest are settled with one script call instead of a re-read.
  const settled = await deps.store.settleProjects(
    job.keys,
    mergeToken(deps.ledger, beijingDateOf(Date.now())),
  );
  let pending = job.keys.filter((_, i) => !settled[i]);
  const skipped = job.keys.length - pending.length;
  for (let i = 0; i < MAX_TRIES && pending.length > 0; i++) {
    const versions = await mergeProjects(pending, deps);
    toPublish.push(...pending.filter((_, j) => versions[j]! > 0));
    pending = pending.filter((_, j) => versions[j] === -1);
  }
  await deps.queues.addIds('publish', toPublish);
  await deps.queues.addIds('merge', pending);
  return { merged: job.keys.length - skipped, skipped, versions: toPublish.length };
};

/** Merges and commits projects once: per key -1 (its members moved meanwhile: retry), 0 (unchanged) or the new version. */
export async function mergeProjects(keys: readonly string[], deps: StageDeps): Promise<number[]> {
  const { store } = deps;
  const asOf = beijingDateOf(Date.now());
  const states = await store.projectStates(keys);
  const loaded = await store.loadMembers([...new Set(states.flatMap((s) => s.members))]);
  const prevs = await store.getProjectsRaw(keys);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const out: number[] = keys.map(() => 0);
  const commits = (
    await Promise.all(
      keys.map(async (key, i) => {
        const ms: Member[] = states[i]!.members.flatMap((id) => {
          const s = loaded.get(id);
          return s && s.projectKey === key
            ? [{ record: s.record, linkedBy: (s.linkedBy || 'budgetCode') as LinkedBy }]
            : [];
        });
        let doc: unknown = mergeProject(key, ms, { ...deps.ledger, asOf });
        const empty = ms.length === 0 || !ms.some((m) => m.record.kind === 'project');
        const prev = prevs[i] ?? null;
        if (empty) {
          // No anchor: either an alias of a survivor, or records waiting for an anchor that vanished.
          const survivor = await store.resolveAlias(key);
          doc = survivor ? { projectKey: key, redirectTo: survivor } : { projectKey: key, orphaned: true };
          if (!prev && !survivor) {
            await store.redis.srem(store.keys.needMerge, key);
            return [];
          }
        }
        return [
          { i, key, mrev: states[i]!.mrev, doc, empty, changed: changedRecords(prev?.doc ?? null, ms) },
        ];
      }),
    )
  ).flat();
  const versions = await store.commitProjects(
    commits.map((c) => ({
      key: c.key,
      mrev: c.mrev,
      doc: c.doc,
      hash: docHash(c.doc),
      now,
      entry: { records: c.changed },
      empty: c.empty,
      contribution: c.empty ? null : statsContribution(c.doc as ProjectDoc),
      priorityScore: c.empty ? null : ((c.doc as ProjectDoc).priority?.score ?? null),
      mergeToken: mergeToken(deps.ledger, asOf),
    })),
  );
  commits.forEach((c, j) => (out[c.i] = versions[j]!));
  return out;
}

/** The members that are new, or in a new version, since the previous document: the history entry. */
function changedRecords(prevDoc: string | null, ms: Member[]) {
  const prevRecords = new Set<string>(
    prevDoc
      ? (
          (JSON.parse(prevDoc).records ?? []) as Array<{
            system: string;
            kind: string;
            sourceId: string;
            version: string;
          }>
        ).map((r) => `${r.system}|${r.kind}|${r.sourceId}|${r.version}`)
      : [],
  );
  return ms
    .map((m) => m.record)
    .filter((r) => !prevRecords.has(`${r.system}|${r.kind}|${r.sourceId}|${r.version}`))
    .map((r) => ({
      system: r.system,
      kind: r.kind,
      sourceId: r.sourceId,
      version: r.version,
      state: r.state,
    }));
}
