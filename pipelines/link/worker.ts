import type { IndexType } from '../../src/ledger/keys.js';
import type { LedgerStore, StoredRecord } from '../../src/ledger/store.js';
import { requestMerges } from '../mergeSchedule.js';
import type { Processor, StageDeps } from '../runtime.js';
import { decideLink, providesOf, referencesOf, refKey, TitleIndex, usesTitle, type KeyRef } from './link.js';

type Provided = { type: IndexType | 'name'; value: string; target: string };

/**
 * link: decide each record's project and publish the keys it provides. Ordering that makes this
 * race-free without locks: a record subscribes to the keys it reads BEFORE reading them, and a
 * provider writes its key BEFORE reading the subscribers — so of any reader/writer pair at least
 * one sees the other, and the record is (re-)linked with the new value.
 *
 * The provider's wake-up goes into the link outbox scored by the link clock, which this job read
 * before anything else: the commit settles only wake-ups no newer than that reading, so one that
 * may stand for an index entry this job did not see stays owed (and its job is queued) instead of
 * being read again here to check.
 *
 * The records of a job go through these steps together, one round trip per step for the whole
 * job (subscribe, pre-publish, look up, publish, wake, commit): records of one job are as
 * independent as records of concurrent jobs, and per-record round trips were most of the stage's
 * CPU (a socket write each).
 */
export const linkProcessor: Processor<'link'> = async (job, deps) => {
  // Sent first on the connection, so Redis runs it before the reads below.
  const [clock, loaded] = await Promise.all([deps.store.linkClock(), deps.store.loadRecords(job.ids)]);
  return linkRecords(deps, clock, [...loaded.values()], { live: job.live });
};

/**
 * The link steps above for records as they are held: loaded by a link job, or just stored by the
 * normalize job that found them new (pipelines/normalize/worker.ts). `clock` is the link clock as
 * read after the records were stored and before anything the decisions read.
 */
export async function linkRecords(
  deps: StageDeps,
  clock: number,
  stored: StoredRecord[],
  opts: { live?: boolean } = {},
): Promise<{ linked: number; requeued: number }> {
  const { store } = deps;
  const manual = await store.manualLinks(stored.map((s) => s.id));
  const plans = stored.map((s) => {
    const r = s.record;
    const refs = referencesOf(r);
    const provided = s.provided as Provided[];
    return {
      s,
      refs,
      title: usesTitle(r),
      before: provided.filter((p): p is Provided & { type: IndexType } => p.type !== 'name'),
      prevName: provided.find((p) => p.type === 'name')?.value ?? null,
      wakeKeys: [] as KeyRef[],
    };
  });

  await store.subscribe(
    plans.map((p) => ({
      id: p.s.id,
      refs: p.refs,
      title: p.title,
      dropped: p.s.referenced.filter((o) => !p.refs.some((n) => refKey(n) === refKey(o))),
    })),
  );
  // A library entry publishes its investment code first, so that entries sharing it see each other.
  const entries = plans.filter((p) => p.s.record.kind === 'project');
  const pre = await store.provide(
    entries.map((p) => ({
      id: p.s.id,
      before: p.before.filter((b) => b.type === 'inv'),
      after: providesOf(p.s.record, null),
    })),
  );
  entries.forEach((p, i) => p.wakeKeys.push(...pre[i]!));

  const lookups = await store.lookup(plans.flatMap((p) => p.refs));
  const titles = plans.some((p) => p.title) ? await titleIndexOf(store) : null;
  const decided = plans.map((p) => {
    const decision = decideLink(p.s.record, {
      lookups,
      manual: manual.get(p.s.id) ?? null,
      titleMatches: (t) => (p.title && titles ? titles.match(t) : []),
    });
    const isEntry = p.s.record.kind === 'project';
    const provided = providesOf(p.s.record, decision.projectKey);
    return { ...p, decision, isEntry, provided };
  });
  const written = await store.provide(
    decided.map((d) => ({
      id: d.s.id,
      before: d.isEntry ? d.before.filter((b) => b.type !== 'inv') : d.before,
      after: d.provided.filter((x) => !d.isEntry || x.type !== 'inv'),
    })),
  );
  decided.forEach((d, i) => d.wakeKeys.push(...written[i]!));
  await Promise.all(
    decided
      .filter((d) => d.isEntry)
      .map(async (d) => {
        const r = d.s.record;
        await store.setName(d.s.id, r.keys.name ?? null, d.prevName, d.decision.projectKey);
        await store.setAlias(r.sourceId, d.decision.projectKey);
      }),
  );

  // Wake-ups are owed from the moment the index entries above are written: they go into the
  // link outbox before the commit, so neither a lost race (STALE) nor a crash after the commit
  // can drop them.
  const subscribed = await store.subscribers(decided.flatMap((d) => d.wakeKeys));
  const again = new Set<string>();
  for (const d of decided)
    for (const k of d.wakeKeys)
      for (const id of subscribed.get(refKey(k)) ?? []) if (id !== d.s.id) again.add(id);
  await store.wakeLinks(again);

  const results = await store.commitLinks(
    clock,
    decided.map((d) => {
      const { decision, s, provided } = d;
      const all: Provided[] = [...provided];
      const name = s.record.kind === 'project' ? s.record.keys.name : undefined;
      if (name) all.push({ type: 'name', value: name, target: decision.projectKey ?? '' });
      return {
        stored: s,
        projectKey: decision.projectKey,
        linkedBy: decision.projectKey !== null ? decision.linkedBy : '',
        reason:
          decision.projectKey === null ? { reason: decision.reason, candidates: decision.candidates } : null,
        provided: all as Array<{ type: IndexType; value: string; target: string }>,
        referenced: d.refs,
      };
    }),
  );
  const merges = new Set<string>();
  decided.forEach((d, i) => {
    const result = results[i]!;
    if (result === 'STALE') again.add(d.s.id);
    else if (result === 'MOVED' || result === 'TOUCHED')
      for (const k of [d.s.projectKey, d.decision.projectKey]) if (k) merges.add(k);
  });
  await deps.queues.addIds('link', again, { live: opts.live });
  await requestMerges(deps, merges, { live: opts.live });
  return { linked: stored.length, requeued: again.size };
}

/** Orders two stream ids (`<ms>-<seq>`). */
function idAfter(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am > bm : as > bs;
}

const titleCache = new WeakMap<LedgerStore, { last: string; index: TitleIndex }>();

/**
 * The title index of the ledger's names, kept in this process and brought up to date from the
 * names' change log: a call reads only the changes since the last one (usually none), and all
 * names again only when the log was trimmed past what this process has applied. Calls overlap
 * (jobs run concurrently), so a change is applied only if it is newer than everything applied:
 * the index never goes back, and each call returns it at least as new as the log was when the
 * call began.
 */
async function titleIndexOf(store: LedgerStore): Promise<TitleIndex> {
  const cached = titleCache.get(store);
  if (cached) {
    const since = await store.nameChangesSince(cached.last);
    if (since) {
      for (const c of since.changes) {
        if (!idAfter(c.id, cached.last)) continue;
        cached.index.set(c.name, c.entry, c.projectKey);
        cached.last = c.id;
      }
      return cached.index;
    }
  }
  const snap = await store.namesSnapshot();
  const now = titleCache.get(store);
  if (now && !idAfter(snap.last, now.last) && now !== cached) return now.index;
  const index = new TitleIndex();
  for (const n of snap.names) index.set(n.name, n.entry, n.projectKey);
  titleCache.set(store, { last: snap.last, index });
  return index;
}
