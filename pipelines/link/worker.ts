import type { IndexType } from '../../src/ledger/keys.js';
import type { LedgerStore, StoredRecord } from '../../src/ledger/store.js';
import { eachLimit, IN_FLIGHT } from '../eachLimit.js';
import { requestMerges } from '../mergeSchedule.js';
import type { Processor, StageDeps } from '../runtime.js';
import { decideLink, providesOf, referencesOf, refKey, TitleIndex, usesTitle } from './link.js';

type Provided = { type: IndexType | 'name'; value: string; target: string };

/**
 * link: decide each record's project and publish the keys it provides. Ordering that makes this
 * race-free without locks: a record subscribes to the keys it reads BEFORE reading them, and a
 * provider writes its key BEFORE reading the subscribers — so of any reader/writer pair at least
 * one sees the other, and the record is (re-)linked with the new value. After committing, the
 * inputs are read again; if they moved meanwhile the record is queued once more.
 */
export const linkProcessor: Processor<'link'> = async (job, deps) => {
  const stored = await deps.store.loadRecords(job.ids);
  const manual = await deps.store.manualLinks([...stored.keys()]);
  let titles: TitleIndex | null = null;
  const again = new Set<string>();
  const merges = new Set<string>();
  // Records of one job are linked concurrently: linkOne is already safe against other workers
  // linking the same keys at the same time, and this is no different.
  await eachLimit([...stored.values()], IN_FLIGHT, async (s) => {
    const r = await linkOne(
      s,
      manual.get(s.id) ?? null,
      deps,
      async () => (titles ??= await titleIndexOf(deps.store)),
    );
    if (r.again) again.add(s.id);
    r.wake.forEach((id) => again.add(id));
    r.projects.forEach((k) => merges.add(k));
  });
  await deps.queues.addIds('link', again);
  await requestMerges(deps, merges);
  return { linked: stored.size, requeued: again.size };
};

async function linkOne(
  s: StoredRecord,
  manual: string | null,
  deps: StageDeps,
  titleIndex: () => Promise<TitleIndex>,
): Promise<{ again: boolean; wake: string[]; projects: string[] }> {
  const { store } = deps;
  const r = s.record;
  const refs = referencesOf(r);
  const title = usesTitle(r);
  await store.subscribe(s.id, refs, title);
  const dropped = s.referenced.filter((o) => !refs.some((n) => refKey(n) === refKey(o)));
  await store.unsubscribe(s.id, dropped, title);

  const before = (s.provided as Provided[]).filter(
    (p): p is Provided & { type: IndexType } => p.type !== 'name',
  );
  let wakeKeys: Array<{ type: IndexType; value: string }> = [];
  // A library entry publishes its investment code first, so that entries sharing it see each other.
  if (r.kind === 'project') {
    const pre = providesOf(r, null);
    wakeKeys.push(
      ...(await store.provide(
        s.id,
        before.filter((b) => b.type === 'inv'),
        pre,
      )),
    );
  }
  const lookups = await store.lookup(refs);
  const titles = title ? await titleIndex() : null;
  const decision = decideLink(r, {
    lookups,
    manual,
    titleMatches: (t) => (titles ? titles.match(t) : []),
  });
  const projectKey = decision.projectKey;
  const provided = providesOf(r, projectKey);
  wakeKeys.push(
    ...(await store.provide(
      s.id,
      r.kind === 'project' ? before.filter((b) => b.type !== 'inv') : before,
      provided.filter((p) => r.kind !== 'project' || p.type !== 'inv'),
    )),
  );
  const allProvided: Provided[] = [...provided];
  if (r.kind === 'project') {
    const prevName = (s.provided as Provided[]).find((p) => p.type === 'name')?.value ?? null;
    await store.setName(s.id, r.keys.name ?? null, prevName, projectKey);
    if (r.keys.name) allProvided.push({ type: 'name', value: r.keys.name, target: projectKey ?? '' });
    await store.setAlias(r.sourceId, projectKey);
  }
  // Wake-ups are owed from the moment the index entries above are written: they go into the
  // link outbox before the commit, so neither a lost race (STALE) nor a crash after the commit
  // can drop them.
  wakeKeys = wakeKeys.filter((k, i, a) => a.findIndex((o) => refKey(o) === refKey(k)) === i);
  const wake = (await store.subscribers(wakeKeys)).filter((id) => id !== s.id);
  if (wake.length > 0) await store.redis.sadd(store.keys.needLink, ...wake);
  const result = await store.commitLink({
    stored: s,
    projectKey,
    linkedBy: decision.projectKey !== null ? decision.linkedBy : '',
    reason:
      decision.projectKey === null ? { reason: decision.reason, candidates: decision.candidates } : null,
    provided: allProvided as Array<{ type: IndexType; value: string; target: string }>,
    referenced: refs,
  });
  if (result === 'STALE') return { again: true, wake, projects: [] };
  const projects = result === 'SAME' ? [] : [s.projectKey, projectKey].filter((k): k is string => !!k);
  // Verify: if an input moved while we decided, decide again.
  const recheck = await store.lookup(refs);
  const moved = refs.some(
    (x) => JSON.stringify(recheck.get(refKey(x))) !== JSON.stringify(lookups.get(refKey(x))),
  );
  return { again: moved, wake, projects };
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
