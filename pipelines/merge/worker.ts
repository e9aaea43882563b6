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
 * the merge read; otherwise it reads again and recomputes (see commitProjects-var.lua). The projects
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
  await deps.queues.addIds('publish', toPublish, { live: job.live });
  await deps.queues.addIds('merge', pending, { live: job.live });
  return { merged: job.keys.length - skipped, skipped, versions: toPublish.length };
};

/**
 * Projects whose members a merge holds in memory at once. A job's members are read, merged and
 * dropped this many projects at a time, and the documents committed together: reading them one
 * step per round trip for the whole job is what keeps merges cheap, but holding the parsed records
 * of all its projects (about 4,400 for 200) until the commit was most of a worker's live heap in
 * the merge phase of a load, and V8 grows its heap to a multiple of what is live.
 */
const MERGE_CHUNK = 50;

/** What the commit of one merged project needs; `i` is its place in the job's keys. */
type Commit = {
  i: number;
  key: string;
  mrev: string;
  doc: unknown;
  empty: boolean;
  changed: unknown[];
  storedHash: string | null;
};

/** Merges and commits projects once: per key -1 (its members moved meanwhile: retry), 0 (unchanged) or the new version. */
export async function mergeProjects(keys: readonly string[], deps: StageDeps): Promise<number[]> {
  const { store, mergeCache: cache } = deps;
  const asOf = beijingDateOf(Date.now());
  const commits: Commit[] = [];
  for (let from = 0; from < keys.length; from += MERGE_CHUNK) {
    const chunk = keys.slice(from, from + MERGE_CHUNK);
    for (const c of await mergeChunk(chunk, deps, asOf)) commits.push({ ...c, i: from + c.i });
  }
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const out: number[] = keys.map(() => 0);
  const hashes = commits.map((c) => docHash(c.doc));
  const versions = await store.commitProjects(
    commits.map((c, j) => ({
      key: c.key,
      mrev: c.mrev,
      doc: c.doc,
      hash: hashes[j]!,
      now,
      entry: { records: c.changed },
      empty: c.empty,
      contribution: c.empty ? null : statsContribution(c.doc as ProjectDoc),
      priorityScore: c.empty ? null : ((c.doc as ProjectDoc).priority?.score ?? null),
      mergeToken: mergeToken(deps.ledger, asOf),
      storedHash: c.storedHash,
    })),
  );
  commits.forEach((c, j) => {
    out[c.i] = versions[j]!;
    // Committed or found unchanged: the stored document is now the one with this hash.
    if (cache && versions[j]! >= 0 && !c.empty)
      cache.setDocumentVersions(c.key, hashes[j]!, recordVersions(c.doc as ProjectDoc));
  });
  return out;
}

/** Reads and merges some projects (MERGE_CHUNK): what each commit needs, without the members. */
async function mergeChunk(keys: readonly string[], deps: StageDeps, asOf: string): Promise<Commit[]> {
  const { store, mergeCache: cache } = deps;
  const states = await store.projectStates(keys);
  const loaded = await store.loadMembers([...new Set(states.flatMap((s) => s.members))], cache);
  const merged = keys.map((key, i) => {
    const ms: Member[] = states[i]!.members.flatMap((id) => {
      const s = loaded.get(id);
      return s && s.projectKey === key
        ? [{ record: s.record, linkedBy: (s.linkedBy || 'budgetCode') as LinkedBy }]
        : [];
    });
    const empty = ms.length === 0 || !ms.some((m) => m.record.kind === 'project');
    // Which records the previous document had: from the cache while its hash is still the stored one.
    const prevVersions = empty ? undefined : cache?.documentVersions(key, states[i]!.hash);
    return { key, ms, empty, prevVersions };
  });
  const needPrev = merged.filter((m) => m.empty || !m.prevVersions);
  const prevRaw = await store.getProjectsRaw(needPrev.map((m) => m.key));
  const prevs = new Map(needPrev.map((m, j) => [m.key, prevRaw[j] ?? null]));
  return (
    await Promise.all(
      merged.map(async ({ key, ms, empty, prevVersions }, i) => {
        let doc: unknown = mergeProject(key, ms, { ...deps.ledger, asOf });
        const prev = prevs.get(key) ?? null;
        if (empty) {
          // No anchor: either an alias of a survivor, or records waiting for an anchor that vanished.
          const survivor = await store.resolveAlias(key);
          doc = survivor ? { projectKey: key, redirectTo: survivor } : { projectKey: key, orphaned: true };
          if (!prev && !survivor) {
            await store.redis.srem(store.keys.needMerge, key);
            return [];
          }
        }
        const before = prevVersions ?? recordVersions(prev ? JSON.parse(prev.doc) : null);
        const changed = changedRecords(before, ms);
        return [{ i, key, mrev: states[i]!.mrev, doc, empty, changed, storedHash: states[i]!.hash }];
      }),
    )
  ).flat();
}

type RecordRef = { system: string; kind: string; sourceId: string; version: string };
const versionKey = (r: RecordRef) => `${r.system}|${r.kind}|${r.sourceId}|${r.version}`;

/** `system|kind|sourceId|version` of each record a document was merged from. */
function recordVersions(doc: { records?: RecordRef[] } | null): ReadonlySet<string> {
  return new Set((doc?.records ?? []).map(versionKey));
}

/** The members that are new, or in a new version, since the previous document: the history entry. */
function changedRecords(before: ReadonlySet<string>, ms: Member[]) {
  return ms
    .map((m) => m.record)
    .filter((r) => !before.has(versionKey(r)))
    .map((r) => ({
      system: r.system,
      kind: r.kind,
      sourceId: r.sourceId,
      version: r.version,
      state: r.state,
    }));
}
