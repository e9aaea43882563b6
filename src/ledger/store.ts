import { createHash, randomBytes } from 'node:crypto';
import { pack, unpack, unpackBytes } from './packing.js';
import type { Redis } from 'ioredis';
import { type NormalizedRecord, recordId } from '../model/record.js';
import type { SystemId } from '../model/systems.js';
import { ledgerKeys, MEMBER_REVISION, type IndexType, type LedgerKeys } from './keys.js';
import { defineScripts, type LedgerCommands } from './scripts.js';
import type { MergeCache } from './mergeCache.js';

export type UpsertStatus = 'NEW' | 'UPDATED' | 'STALE' | 'DUP' | 'REARM';
/** What commitLinks-var.lua did with each record (its header explains them). */
export type LinkCommitResult = 'STALE' | 'SETTLED' | 'MOVED' | 'TOUCHED' | 'SAME';

/** One library entry's name in rule 5's index; `projectKey` null when the entry no longer has it. */
export interface NameEntry {
  name: string;
  entry: string;
  projectKey: string | null;
}

/** Name changes kept for readers that cache the names (about; older readers re-read all names). */
const NAMES_LOG_LENGTH = 10_000;

const splitNameField = (field: string) => {
  const at = field.lastIndexOf('\x1f');
  return { name: field.slice(0, at), entry: field.slice(at + 1) };
};

/** One group of a /stats dimension: how many projects fall in it and their money (fen). */
export interface StatsGroup {
  key: string;
  count: number;
  money: Record<string, number>;
}

/** What a merge reads of one member record. */
export interface MemberRead {
  record: NormalizedRecord;
  projectKey: string | null;
  linkedBy: string | null;
}

/** A project's stored document (JSON text) and publication state. */
export interface RawProject {
  doc: string;
  version: number;
  updatedAt: string;
  published: number;
  pubsum: string | null;
}

export interface StoredRecord {
  id: string;
  record: NormalizedRecord;
  /** Content hash of the held version. */
  hash: string;
  projectKey: string | null;
  linkedBy: string | null;
  state: 'pending' | 'linked' | 'unlinked';
  reason: { reason: string; candidates: string[] } | null;
  receivedAt: string;
  /** Hash of the version the current link was computed from. */
  linkedHash: string | null;
  provided: Array<{ type: IndexType; value: string; target: string }>;
  referenced: Array<{ type: IndexType; value: string }>;
}

export interface QuarantineEntry {
  system: SystemId;
  kind: string | null;
  sourceId: string | null;
  position: Record<string, unknown>;
  reason: string;
  raw: unknown;
  receivedAt: string;
}

export interface ChangeEntry {
  seq: number;
  projectKey: string;
  version: number;
  kind: 'upsert' | 'merged';
  at: string;
  events: unknown[];
}

/** Sorts highest score first: tenths of a point subtracted from a fixed ceiling, zero-padded. */
export function priorityMember(score: number, key: string): string {
  const tenths = Math.max(0, Math.min(9_999_999_999, Math.round(score * 10)));
  return `${String(9_999_999_999 - tenths).padStart(10, '0')}|${key}`;
}

/** One project's share of /stats: the group it falls in per dimension, and its money. */
export interface StatsContribution {
  groups: Record<string, string>;
  money: Record<string, number>;
}

export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 24);
}

/**
 * Hashes one readHashes call reads: a script blocks Redis while it runs, and a call of 500
 * record reads with their bodies took about 1.7 ms there (INFO commandstats, on a slow day).
 */
const READ_CHUNK = 500;

/**
 * The ledger in Redis: records, link indexes, golden projects and the change feed. Every
 * multi-key invariant is kept by one Lua script (src/ledger/scripts); everything else is
 * idempotent so that a re-delivered job changes nothing.
 */
export class LedgerStore {
  readonly keys: LedgerKeys;
  readonly redis: Redis & LedgerCommands;

  constructor(redis: Redis, prefix: string) {
    this.keys = ledgerKeys(prefix);
    this.redis = defineScripts(redis);
  }

  // ---- records -------------------------------------------------------------------------

  async upsertRecords(
    items: Array<{ record: NormalizedRecord; receivedAt: string }>,
  ): Promise<UpsertStatus[]> {
    return (await this.upsertRecordsHashed(items)).map((r) => r.status);
  }

  /** upsertRecords, with the content hash each record was stored under. */
  async upsertRecordsHashed(
    items: Array<{ record: NormalizedRecord; receivedAt: string }>,
  ): Promise<Array<{ status: UpsertStatus; hash: string }>> {
    if (items.length === 0) return [];
    const k = this.keys;
    const keys: string[] = [k.accounting, k.needLink, k.linkClock];
    const args: Array<string | number | Buffer> = [];
    const hashes: string[] = [];
    for (const { record, receivedAt } of items) {
      const id = recordId(record);
      const body = JSON.stringify(record);
      const hash = contentHash(body);
      hashes.push(hash);
      keys.push(k.record(id));
      args.push(id, record.system, record.order, hash, pack(body, 'recordV1'), receivedAt);
    }
    const statuses = (await this.redis.upsertRecords(keys.length, ...keys, ...args)) as UpsertStatus[];
    return statuses.map((status, i) => ({ status, hash: hashes[i]! }));
  }

  /**
   * A pipeline typed with the ledger's scripts: ioredis queues the commands of defineScripts in
   * pipelines too, but its types do not say so.
   */
  private scriptPipeline() {
    return this.redis.pipeline() as unknown as LedgerCommands & {
      exec(): Promise<[Error | null, unknown][]>;
    };
  }

  /**
   * The same fields of many hashes, per hash in the order of `keys`, read by readHashes-var.lua
   * in calls of READ_CHUNK keys (all sent at once): one command per call instead of one HMGET per
   * hash, for the reads of whole projects' members that merges make.
   */
  async readHashes(keys: readonly string[], fields: readonly string[]): Promise<Array<Array<Buffer | null>>> {
    const calls: Array<Promise<Array<Buffer | null>>> = [];
    for (let i = 0; i < keys.length; i += READ_CHUNK) {
      const chunk = keys.slice(i, i + READ_CHUNK);
      calls.push(this.redis.readHashesBuffer(String(chunk.length), ...chunk, ...fields));
    }
    const flat = (await Promise.all(calls)).flat();
    const w = fields.length;
    return keys.map((_, i) => flat.slice(i * w, (i + 1) * w));
  }

  /**
   * Stored bodies are not validated again: only upsertRecords writes them, from records that
   * normalize validated, and a schema pass per read was a tenth of a merge's CPU.
   */
  async loadRecords(ids: string[]): Promise<Map<string, StoredRecord>> {
    const res = await this.readHashes(
      ids.map((id) => this.keys.record(id)),
      ['body', 'h', 'proj', 'by', 'st', 'why', 'at', 'lh', 'pv', 'rf'],
    );
    const out = new Map<string, StoredRecord>();
    ids.forEach((id, i) => {
      const [packed, ...rest] = res[i]!;
      const body = unpack(packed);
      const [h, proj, by, st, why, at, lh, pv, rf] = rest.map((b) => (b ? b.toString('utf8') : null));
      if (!body || !h) return;
      out.set(id, {
        id,
        record: JSON.parse(body) as NormalizedRecord,
        hash: h,
        projectKey: proj || null,
        linkedBy: by || null,
        state: (st as StoredRecord['state']) ?? 'pending',
        reason: why ? JSON.parse(why) : null,
        receivedAt: at ?? '',
        // `lh` is stored only while it differs from `h` (upsertRecords-var.lua).
        linkedHash: lh || (st && st !== 'pending' ? h : null),
        provided: decodeKeyRefs(pv) as StoredRecord['provided'],
        referenced: decodeKeyRefs(rf) as StoredRecord['referenced'],
      });
    });
    return out;
  }

  /**
   * What a merge reads of each member: the record, its project and how it was linked, and
   * nothing else of the hash. A merge reads every member of the project (about 22), so this is
   * the hub's hottest read. With a cache, members it holds are read without their body, and
   * only those whose content hash moved meanwhile are read again with it.
   */
  async loadMembers(ids: string[], cache?: MergeCache): Promise<Map<string, MemberRead>> {
    const out = new Map<string, MemberRead>();
    let todo = ids;
    for (let round = 0; todo.length > 0; round++) {
      // The second round asks for the bodies the cache turned out not to have.
      const lean = todo.map((id) => round === 0 && !!cache?.holdsRecord(id));
      const leanIds = todo.filter((_, i) => lean[i]);
      const fullIds = todo.filter((_, i) => !lean[i]);
      const [leanRes, fullRes] = await Promise.all([
        this.readHashes(
          leanIds.map((id) => this.keys.record(id)),
          ['h', 'proj', 'by'],
        ),
        this.readHashes(
          fullIds.map((id) => this.keys.record(id)),
          ['h', 'proj', 'by', 'body'],
        ),
      ]);
      // Each list's answers come in the order its ids were taken from `todo`.
      let nextLean = 0;
      let nextFull = 0;
      const again: string[] = [];
      todo.forEach((id, i) => {
        const [hb, proj, by, packed] = lean[i] ? leanRes[nextLean++]! : fullRes[nextFull++]!;
        if (!hb) return;
        const h = hb.toString('utf8');
        let record = lean[i] ? cache!.record(id, h) : undefined;
        if (!record) {
          if (lean[i]) return void again.push(id);
          const body = unpack(packed);
          if (!body) return;
          record = JSON.parse(body) as NormalizedRecord;
          cache?.setRecord(id, h, record);
        }
        out.set(id, {
          record,
          projectKey: proj?.toString('utf8') || null,
          linkedBy: by?.toString('utf8') || null,
        });
      });
      todo = again;
    }
    return out;
  }

  // ---- quarantine ----------------------------------------------------------------------

  /** Idempotent: the same raw payload from the same system is one entry, however often it arrives. */
  async quarantine(entries: QuarantineEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const k = this.keys;
    const p = this.scriptPipeline();
    for (const e of entries) {
      const id = createHash('sha256')
        .update(`${e.system}\n${e.kind ?? ''}\n${e.sourceId ?? ''}\n${JSON.stringify(e.raw)}`)
        .digest('hex')
        .slice(0, 24);
      p.quarantineRecord(
        k.quarantineItems,
        k.quarantineIndex(),
        k.quarantineIndex(e.system),
        k.accounting,
        id,
        JSON.stringify({ id, ...e }),
        e.system,
      );
    }
    let added = 0;
    for (const [err, v] of await p.exec()) {
      if (err) throw err;
      added += Number(v);
    }
    return added;
  }

  // ---- link indexes --------------------------------------------------------------------

  /**
   * Subscribes records to the keys they read and drops the keys they no longer read, in one round
   * trip. Subscribe before reading: a provider writes its index entry before it reads the subscribers.
   */
  async subscribe(
    items: ReadonlyArray<{
      id: string;
      refs: Array<{ type: IndexType; value: string }>;
      dropped: Array<{ type: IndexType; value: string }>;
      title: boolean;
    }>,
  ): Promise<void> {
    const p = this.redis.pipeline();
    for (const { id, refs, dropped, title } of items) {
      for (const r of refs) p.hset(this.keys.refs(r.type, r.value), id, '');
      for (const r of dropped) p.hdel(this.keys.refs(r.type, r.value), id);
      if (title) p.sadd(this.keys.titleRefs, id);
      else if (dropped.length > 0) p.srem(this.keys.titleRefs, id);
    }
    if (p.length > 0) await p.exec();
  }

  /** `type:value` → distinct targets, sorted (each key read once however often it is asked for). */
  async lookup(refs: Array<{ type: IndexType; value: string }>): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const unique = [...new Map(refs.map((r) => [`${r.type}:${r.value}`, r])).values()];
    if (unique.length === 0) return out;
    const p = this.redis.pipeline();
    for (const r of unique) p.hvals(this.keys.index(r.type, r.value));
    const res = (await p.exec()) ?? [];
    unique.forEach((r, i) => {
      const [err, v] = res[i]!;
      if (err) throw err;
      out.set(`${r.type}:${r.value}`, [...new Set(v as string[])].sort());
    });
    return out;
  }

  /**
   * Publishes records' provided keys (removing ones they no longer provide), in one round trip, and
   * returns per record the keys it wrote: their subscribers must be re-linked.
   */
  async provide(
    items: ReadonlyArray<{
      id: string;
      before: Array<{ type: IndexType; value: string; target: string }>;
      after: Array<{ type: IndexType; value: string; target: string }>;
    }>,
  ): Promise<Array<Array<{ type: IndexType; value: string }>>> {
    const key = (x: { type: string; value: string }) => `${x.type}:${x.value}`;
    const p = this.redis.pipeline();
    const out = items.map(({ id, before, after }) => {
      const afterMap = new Map(after.map((a) => [key(a), a]));
      const touched = new Map<string, { type: IndexType; value: string }>();
      for (const b of before) if (afterMap.get(key(b))?.target !== b.target) touched.set(key(b), b);
      for (const a of after)
        if (!before.some((b) => key(b) === key(a) && b.target === a.target)) touched.set(key(a), a);
      const list = [...touched.values()];
      for (const t of list) {
        const a = afterMap.get(key(t));
        if (a) p.hset(this.keys.index(t.type, t.value), id, a.target);
        else p.hdel(this.keys.index(t.type, t.value), id);
      }
      // Every key whose entry differs from what the record last committed, whether or not another
      // provider already gave the same target: a retry after a crash between this write and the
      // commit must wake the subscribers again, and cannot tell that it already did.
      return list;
    });
    if (p.length > 0) await p.exec();
    return out;
  }

  /** `type:value` → the records subscribed to it. */
  async subscribers(keys: Array<{ type: IndexType; value: string }>): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const unique = [...new Map(keys.map((k) => [`${k.type}:${k.value}`, k])).values()];
    if (unique.length === 0) return out;
    const p = this.redis.pipeline();
    for (const t of unique) p.hkeys(this.keys.refs(t.type, t.value));
    const res = (await p.exec()) ?? [];
    unique.forEach((t, i) => {
      const [err, v] = res[i]!;
      if (err) throw err;
      out.set(`${t.type}:${t.value}`, v as string[]);
    });
    return out;
  }

  /**
   * Project names for rule 5, maintained from library entries: one hash field per (name, entry),
   * so entries sharing a name write their own fields and never overwrite each other.
   * Returns whether the map changed.
   */
  async setName(
    entryId: string,
    name: string | null,
    previous: string | null,
    projectKey: string | null,
  ): Promise<boolean> {
    const k = this.keys.names;
    const field = name ? `${name}\x1f${entryId}` : null;
    // Entries sharing a name write different fields; two jobs of one entry write the same value.
    const before = field ? await this.redis.hget(k, field) : null;
    const after = field && projectKey ? projectKey : null;
    const moved = !!previous && previous !== name;
    if (!moved && before === after) return false;
    // One transaction, so the log lists the hash's writes in the order they happened.
    const p = this.redis.multi();
    if (moved) p.hdel(k, `${previous}\x1f${entryId}`);
    if (field && after) p.hset(k, field, after);
    else if (field) p.hdel(k, field);
    p.set(this.keys.titlesStale, '1');
    // The change log lets readers that cache the names apply changes instead of re-reading them.
    const log = (f: string, v: string) =>
      p.xadd(this.keys.namesLog, 'MAXLEN', '~', NAMES_LOG_LENGTH, '*', 'f', f, 'v', v);
    if (moved) log(`${previous}\x1f${entryId}`, '');
    if (field) log(field, after ?? '');
    await p.exec();
    return true;
  }

  /**
   * Every name with the position in the change log it is current as of, read in one
   * transaction so that applying `nameChangesSince(last)` afterwards misses nothing.
   */
  async namesSnapshot(): Promise<{ last: string; names: NameEntry[] }> {
    const res = await this.redis
      .multi()
      .hgetall(this.keys.names)
      .xrevrange(this.keys.namesLog, '+', '-', 'COUNT', 1)
      .exec();
    const all = (res?.[0]?.[1] ?? {}) as Record<string, string>;
    const top = (res?.[1]?.[1] ?? []) as Array<[string, string[]]>;
    return {
      last: top[0]?.[0] ?? '0-0',
      names: Object.entries(all).map(([field, projectKey]) => ({ ...splitNameField(field), projectKey })),
    };
  }

  /**
   * Name changes logged after `last`, oldest first, or null when the log was trimmed past `last`
   * (the reader must take a new snapshot).
   */
  async nameChangesSince(last: string): Promise<{ changes: Array<NameEntry & { id: string }> } | null> {
    const changes: Array<NameEntry & { id: string }> = [];
    for (;;) {
      // Inclusive start: `last` itself must still be there, or entries after it may be gone too.
      const page = await this.redis.xrange(this.keys.namesLog, last, '+', 'COUNT', 1000);
      // A snapshot of an empty log cannot tell whether entries were trimmed since: take another.
      if (last === '0-0') return page.length === 0 ? { changes } : null;
      const [first, ...rest] = page;
      if (first?.[0] !== last) return null;
      for (const [id, fv] of rest) {
        const f = fv[fv.indexOf('f') + 1] ?? '';
        const v = fv[fv.indexOf('v') + 1] ?? '';
        changes.push({ id, ...splitNameField(f), projectKey: v || null });
        last = id;
      }
      if (page.length < 1000) return { changes };
    }
  }

  async manualLinks(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    const vals = await this.redis.hmget(this.keys.manualLinks, ...ids);
    ids.forEach((id, i) => {
      const v = vals[i];
      if (v) out.set(id, v);
    });
    return out;
  }

  async setManualLink(id: string, projectKey: string): Promise<void> {
    await this.redis.hset(this.keys.manualLinks, id, projectKey);
    await this.wakeLinks([id]);
  }

  /**
   * Puts records in the link outbox (wakeLinks-2.lua). Call it after writing whatever they must be
   * linked again for: a link job that began before the wake-up will not settle it.
   */
  async wakeLinks(ids: Iterable<string>): Promise<void> {
    const all = [...new Set(ids)];
    if (all.length > 0) await this.redis.wakeLinks(this.keys.needLink, this.keys.linkClock, ...all);
  }

  /** The link clock: a link job reads it before anything it decides from, and passes it to commitLinks. */
  async linkClock(): Promise<number> {
    return Number((await this.redis.get(this.keys.linkClock)) ?? 0);
  }

  /** Moves a link outbox left as a plain set by an earlier version into the scored one; how many moved. */
  async adoptLegacyLinkOutbox(): Promise<number> {
    if ((await this.redis.exists(this.keys.legacyNeedLink)) === 0) return 0;
    return this.redis.adoptLegacyLinks(this.keys.legacyNeedLink, this.keys.needLink);
  }

  /**
   * Commits a job's link decisions in one script call (commitLinks-var.lua); a result per item.
   * `clock` is the link clock read before the job read the records, indexes and manual links.
   */
  async commitLinks(
    clock: number,
    items: ReadonlyArray<{
      stored: StoredRecord;
      projectKey: string | null;
      linkedBy: string;
      reason: { reason: string; candidates: string[] } | null;
      provided: Array<{ type: IndexType; value: string; target: string }>;
      referenced: Array<{ type: IndexType; value: string }>;
    }>,
  ): Promise<Array<LinkCommitResult>> {
    if (items.length === 0) return [];
    const k = this.keys;
    const dummy = `${k.prefix}:dummy`;
    const keys: string[] = [k.accounting, k.needLink, k.needMerge, k.unlinkedIndex()];
    // Unique per job: a merge that read the revision before this commit can never see it again.
    const args: string[] = [String(clock), randomBytes(9).toString('base64url')];
    for (const a of items) {
      const s = a.stored;
      const oldp = s.projectKey ?? '';
      const newp = a.projectKey ?? '';
      keys.push(
        k.record(s.id),
        oldp ? k.projectMembers(oldp) : dummy,
        newp ? k.projectMembers(newp) : dummy,
        k.unlinkedIndex(s.record.system),
      );
      args.push(
        s.id,
        s.record.system,
        s.hash,
        oldp,
        newp,
        a.linkedBy,
        a.reason ? JSON.stringify(a.reason) : '',
        encodeKeyRefs(a.provided),
        encodeKeyRefs(a.referenced),
      );
    }
    return (await this.redis.commitLinks(keys.length, ...keys, ...args)) as LinkCommitResult[];
  }

  // ---- projects ------------------------------------------------------------------------

  async projectState(key: string): Promise<{ mrev: string; members: string[]; hash: string | null }> {
    return (await this.projectStates([key]))[0]!;
  }

  /**
   * Member revision, members and document hash of each project, in one round trip. The revision
   * is the member hash's `~mrev` field (commitLinks-var.lua), so one read gives both.
   */
  async projectStates(
    keys: readonly string[],
  ): Promise<Array<{ mrev: string; members: string[]; hash: string | null }>> {
    if (keys.length === 0) return [];
    const p = this.redis.pipeline();
    for (const key of keys) p.hget(this.keys.project(key), 'hash').hgetall(this.keys.projectMembers(key));
    const res = (await p.exec()) ?? [];
    return keys.map((_, i) => {
      const [e1, hash] = res[2 * i]!;
      const [e2, fields] = res[2 * i + 1]!;
      if (e1 || e2) throw e1 ?? e2;
      const { [MEMBER_REVISION]: mrev, ...members } = fields as Record<string, string>;
      return { mrev: mrev ?? '0', members: Object.keys(members), hash: (hash as string | null) ?? null };
    });
  }

  async commitProject(
    key: string,
    mrev: string,
    doc: unknown,
    hash: string,
    now: string,
    entry: unknown,
    empty: boolean,
    contribution: StatsContribution | null,
    priorityScore: number | null = null,
    mergeToken = '',
  ): Promise<number> {
    const [v] = await this.commitProjects([
      { key, mrev, doc, hash, now, entry, empty, contribution, priorityScore, mergeToken },
    ]);
    return v!;
  }

  /**
   * Commits recomputed golden records in one script call (commitProjects-var.lua): per item -1
   * retry (its member revision moved), 0 unchanged, or the new version. An item whose `hash` is
   * the `storedHash` its merge read is sent without its doc (most re-merges change nothing, and
   * packing a doc is a tenth of a merge); should the stored doc have moved meanwhile, it is -1.
   */
  async commitProjects(
    items: ReadonlyArray<{
      key: string;
      mrev: string;
      doc: unknown;
      hash: string;
      now: string;
      entry: unknown;
      empty: boolean;
      contribution: StatsContribution | null;
      priorityScore: number | null;
      mergeToken: string;
      storedHash?: string | null;
    }>,
  ): Promise<number[]> {
    if (items.length === 0) return [];
    const k = this.keys;
    const keys = [k.needMerge, k.needPublish, k.projects, k.stats, k.priority, k.statsRevision];
    const args: Array<string | Buffer> = [];
    // History entries go after all items' values (the script reads them from there).
    const entries: Array<string | Buffer> = [];
    for (const it of items) {
      const unchanged = it.hash === it.storedHash;
      keys.push(k.project(it.key), k.projectHistory(it.key), k.projectMembers(it.key));
      entries.push(unchanged ? '' : pack(JSON.stringify(it.entry), 'plain'));
      args.push(
        it.key,
        it.mrev,
        unchanged ? '' : pack(JSON.stringify(it.doc), 'plain'),
        it.hash,
        it.now,
        it.empty ? '1' : '0',
        it.contribution ? JSON.stringify(it.contribution) : '',
        it.priorityScore === null ? '' : priorityMember(it.priorityScore, it.key),
        it.mergeToken,
      );
    }
    const out = await this.redis.commitProjects(keys.length, ...keys, ...args, ...entries);
    return out.map(Number);
  }

  /**
   * Per project, whether it is merged from its current members under `mergeToken` (its merge
   * request is then settled), in one script call (settleProjects-var.lua).
   */
  async settleProjects(keys: readonly string[], mergeToken: string): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const out = await this.redis.settleProjects(
      2 * keys.length + 1,
      this.keys.needMerge,
      ...keys.flatMap((key) => [this.keys.project(key), this.keys.projectMembers(key)]),
      mergeToken,
      ...keys,
    );
    return out.map((v) => Number(v) === 1);
  }

  /** Project keys in funding-priority order (highest first, then by key), after a cursor member. */
  async listByPriority(after: string | null, limit: number): Promise<Array<{ key: string; member: string }>> {
    const members = await this.redis.zrangebylex(
      this.keys.priority,
      after ? `(${after}` : '-',
      '+',
      'LIMIT',
      0,
      limit,
    );
    return members.map((m) => ({ key: m.slice(m.indexOf('|') + 1), member: m }));
  }

  /** The incrementally maintained sums of one dimension: key → {count, money}, by key. */
  async stats(groupBy: string): Promise<StatsGroup[]> {
    return (await this.allStats()).get(groupBy) ?? [];
  }

  private statsCache: { revision: string; byDimension: Map<string, StatsGroup[]> } | null = null;

  /**
   * Every dimension's sums. They move only when a project commit moves them, and then their
   * revision moves too: a read is one GET while it stands, so dashboards polling /stats cost the
   * ledger next to nothing however many projects it holds.
   */
  async allStats(): Promise<Map<string, StatsGroup[]>> {
    const revision = (await this.redis.get(this.keys.statsRevision)) ?? '0';
    if (this.statsCache?.revision === revision) return this.statsCache.byDimension;
    // Revision and sums in one transaction, so the cache is filed under the revision it shows.
    const res = await this.redis.multi().get(this.keys.statsRevision).hgetall(this.keys.stats).exec();
    const all = (res?.[1]?.[1] ?? {}) as Record<string, string>;
    const byDimension = new Map<string, Map<string, StatsGroup>>();
    for (const [field, value] of Object.entries(all)) {
      const [g, key, measure] = field.split('\x1f') as [string, string, string];
      const groups = byDimension.get(g) ?? byDimension.set(g, new Map()).get(g)!;
      const entry = groups.get(key) ?? groups.set(key, { key, count: 0, money: {} }).get(key)!;
      if (measure === 'count') entry.count = Number(value);
      else entry.money[measure] = Number(value);
    }
    const sorted = new Map(
      [...byDimension].map(([g, groups]) => [
        g,
        [...groups.values()]
          .filter((e) => e.count > 0)
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      ]),
    );
    this.statsCache = { revision: String(res?.[0]?.[1] ?? '0'), byDimension: sorted };
    return sorted;
  }

  async getProjectRaw(key: string): Promise<RawProject | null> {
    return (await this.getProjectsRaw([key]))[0]!;
  }

  /** Several projects' stored documents and publication state, in one round trip. */
  async getProjectsRaw(keys: readonly string[]): Promise<Array<RawProject | null>> {
    if (keys.length === 0) return [];
    const res = await this.readHashes(
      keys.map((key) => this.keys.project(key)),
      ['doc', 'version', 'updatedAt', 'published', 'pubsum'],
    );
    return res.map((v) => {
      const [packed, ...rest] = v;
      const doc = unpack(packed);
      if (!doc) return null;
      const [version, updatedAt, published] = rest.map((b) => (b ? b.toString('utf8') : null));
      return {
        doc,
        version: Number(version),
        updatedAt: updatedAt ?? '',
        published: Number(published ?? 0),
        pubsum: unpack(rest[3]),
      };
    });
  }

  /**
   * A project for the API in one round trip: the key's alias and the key's own document are read
   * together (a second read only when the key was merged away). The document stays UTF-8 bytes;
   * `mergedAs` is what it was last merged (or found unchanged) under (`<mrev>|<merge token>`),
   * and `listed` whether it is a project of the ledger (not a redirect or an orphan).
   */
  async getProjectBytes(key: string): Promise<{
    key: string;
    aliasOf: string | null;
    doc: Buffer;
    version: number;
    updatedAt: string;
    mergedAs: string;
    listed: boolean;
  } | null> {
    // Separate commands issued in one tick, not an explicit pipeline: the connection's
    // auto-pipelining sends those of every request read in the same event-loop turn in one write,
    // where a pipeline per request costs a socket write each (most of the API's CPU under load).
    const read = (k: string) =>
      Promise.all([
        this.redis.hmgetBuffer(this.keys.project(k), 'doc', 'version', 'updatedAt', 'mm'),
        this.redis.zscore(this.keys.projects, k),
      ]);
    const [alias, own] = await Promise.all([this.redis.hget(this.keys.aliases, key), read(key)]);
    const [values, score] = alias ? await read(alias) : own;
    const doc = unpackBytes(values[0]);
    if (!doc) return null;
    return {
      key: alias ?? key,
      aliasOf: alias ? key : null,
      doc,
      version: Number(values[1]?.toString('utf8')),
      updatedAt: values[2]?.toString('utf8') ?? '',
      mergedAs: values[3]?.toString('utf8') ?? '',
      listed: score !== null,
    };
  }

  async appendChange(
    key: string,
    version: number,
    kind: 'upsert' | 'merged',
    at: string,
    events: unknown[],
    summary: unknown,
  ) {
    return (await this.appendChanges([{ key, version, kind, at, events, summary }]))[0]!;
  }

  /** appendChange for several projects in one script call (appendChanges-var.lua); the seq of each entry, in order. */
  async appendChanges(
    entries: Array<{
      key: string;
      version: number;
      kind: 'upsert' | 'merged';
      at: string;
      events: unknown[];
      summary: unknown;
    }>,
  ): Promise<number[]> {
    if (entries.length === 0) return [];
    const k = this.keys;
    const keys = [
      k.changes,
      k.changesSeq,
      k.changesIndex,
      k.needPublish,
      ...entries.map((e) => k.project(e.key)),
    ];
    const args = entries.flatMap((e) => [
      e.key,
      e.version,
      e.kind,
      e.at,
      // Packed: the feed and the published summaries were an eighth of the ledger's memory.
      pack(JSON.stringify(e.events), 'plain'),
      pack(JSON.stringify(e.summary), 'plain'),
    ]);
    return (await this.redis.appendChanges(keys.length, ...keys, ...args)).map(Number);
  }

  async changes(after: number, limit: number): Promise<{ changes: ChangeEntry[]; nextSeq: number }> {
    const res = (await this.redis.xrangeBuffer(
      this.keys.changes,
      `(${after}-1`,
      '+',
      'COUNT',
      limit,
    )) as Array<[Buffer, Buffer[]]>;
    const changes = res.map(([id, fields]) => {
      const f = changeFields(fields);
      return {
        seq: Number(id.toString('latin1').split('-')[0]),
        projectKey: f.k,
        version: Number(f.v),
        kind: f.kind as 'upsert' | 'merged',
        at: f.at,
        events: f.events,
      };
    });
    return { changes, nextSeq: changes.length ? changes[changes.length - 1]!.seq : after };
  }

  async history(key: string): Promise<Array<{ version: number; at: string; entry: unknown; doc: unknown }>> {
    // One transaction: the newest element's doc is the project's current one.
    const res = await this.redis
      .multi()
      .lrangeBuffer(this.keys.projectHistory(key), 0, -1)
      .hgetBuffer(this.keys.project(key), 'doc')
      .exec();
    const items = (res?.[0]?.[1] ?? []) as Buffer[];
    const current = (res?.[1]?.[1] ?? null) as Buffer | null;
    return items.map((item) => parseHistoryItem(item, current));
  }

  async listProjectKeys(after: string | null, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(this.keys.projects, after ? `(${after}` : '-', '+', 'LIMIT', 0, limit);
  }

  async countProjects(): Promise<number> {
    return this.redis.zcard(this.keys.projects);
  }

  async resolveAlias(key: string): Promise<string | null> {
    return this.redis.hget(this.keys.aliases, key);
  }

  async setAlias(alias: string, survivor: string | null): Promise<void> {
    if (survivor && survivor !== alias) await this.redis.hset(this.keys.aliases, alias, survivor);
    else await this.redis.hdel(this.keys.aliases, alias);
  }

  // ---- accounting, lists ---------------------------------------------------------------

  async accounting(): Promise<
    Record<
      string,
      {
        received: number;
        linked: number;
        unlinked: number;
        quarantined: number;
        superseded: number;
        pending: number;
      }
    >
  > {
    const raw = await this.redis.hgetall(this.keys.accounting);
    const per: Record<string, Record<string, number>> = {};
    for (const [f, v] of Object.entries(raw)) {
      const [sys, field] = f.split(':') as [string, string];
      (per[sys] ??= {})[field] = Number(v);
    }
    const out: Record<
      string,
      {
        received: number;
        linked: number;
        unlinked: number;
        quarantined: number;
        superseded: number;
        pending: number;
      }
    > = {};
    for (const [sys, c] of Object.entries(per)) {
      const versions = c['versions'] ?? 0;
      const identities = c['identities'] ?? 0;
      const linked = c['linked'] ?? 0;
      const unlinked = c['unlinked'] ?? 0;
      const quarantined = c['quarantined'] ?? 0;
      out[sys] = {
        received: versions + quarantined,
        linked,
        unlinked,
        quarantined,
        superseded: versions - identities,
        pending: identities - linked - unlinked,
      };
    }
    return out;
  }

  async outboxSizes(): Promise<{ link: number; merge: number; publish: number }> {
    const [l, m, p] = await Promise.all([
      this.redis.zcard(this.keys.needLink),
      this.redis.scard(this.keys.needMerge),
      this.redis.scard(this.keys.needPublish),
    ]);
    return { link: l, merge: m, publish: p };
  }

  /** Pages a lexicographic index (members ordered by id); the cursor is the last member. */
  async listIndex(
    index: string,
    cursor: string | null,
    limit: number,
  ): Promise<{ ids: string[]; nextCursor: string | null; total: number }> {
    const [ids, total] = await Promise.all([
      this.redis.zrangebylex(index, cursor ? `(${cursor}` : '-', '+', 'LIMIT', 0, limit),
      this.redis.zcard(index),
    ]);
    return { ids, nextCursor: ids.length === limit ? ids[ids.length - 1]! : null, total };
  }

  async quarantineItems(ids: string[]): Promise<unknown[]> {
    if (ids.length === 0) return [];
    const vals = await this.redis.hmget(this.keys.quarantineItems, ...ids);
    return vals.filter((v): v is string => !!v).map((v) => JSON.parse(v));
  }

  // ---- connector state -----------------------------------------------------------------

  async connectorState(system: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.connector(system));
  }

  async saveConnector(system: string, fields: Record<string, string | number>): Promise<void> {
    await this.redis.hset(this.keys.connector(system), fields);
  }
}

/**
 * A record's provided or referenced index keys as stored in its hash: `type␟value[␟target]`
 * joined by ␞ (about a third of the JSON's size; names and codes never hold control characters).
 * JSON arrays written before are still read.
 */
export function encodeKeyRefs(refs: ReadonlyArray<{ type: string; value: string; target?: string }>): string {
  return refs
    .map((r) =>
      r.target === undefined ? `${r.type}\x1f${r.value}` : `${r.type}\x1f${r.value}\x1f${r.target}`,
    )
    .join('\x1e');
}

export function decodeKeyRefs(
  stored: string | null | undefined,
): Array<{ type: string; value: string; target?: string }> {
  if (!stored) return [];
  if (stored.startsWith('[')) return JSON.parse(stored) as Array<{ type: string; value: string }>;
  return stored.split('\x1e').map((e) => {
    const [type = '', value = '', target] = e.split('\x1f');
    return target === undefined ? { type, value } : { type, value, target };
  });
}

/** The fields of one change-feed entry (appendChanges-var.lua); `ev` is packed, or plain JSON in older entries. */
export function changeFields(fields: Buffer[]): {
  k: string;
  v: string;
  kind: string;
  at: string;
  events: unknown[];
} {
  const f = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString('latin1'), fields[i + 1]!);
  const text = (name: string) => f.get(name)?.toString('utf8') ?? '';
  return {
    k: text('k'),
    v: text('v'),
    kind: text('kind'),
    at: text('at'),
    events: JSON.parse(unpack(f.get('ev')) ?? '[]') as unknown[],
  };
}

/**
 * One history element (commitProjects-var.lua): "<version>\n<at>\n<n>\n<packed entry, n
 * bytes><packed doc>", where the newest element has no doc of its own (`current`, the project's
 * doc, is its doc); "<version>\n<at>\n<packed {entry, doc}>" from before that; or the JSON object
 * {version, at, entry, doc} that ledgers written before compression hold.
 */
export function parseHistoryItem(
  item: Buffer,
  current: Buffer | null = null,
): {
  version: number;
  at: string;
  entry: unknown;
  doc: unknown;
} {
  if (item[0] === 0x7b) {
    const h = JSON.parse(item.toString('utf8')) as {
      version: number;
      at: string;
      entry: string;
      doc: string;
    };
    return { version: h.version, at: h.at, entry: JSON.parse(h.entry), doc: JSON.parse(h.doc) };
  }
  const a = item.indexOf(0x0a);
  const b = item.indexOf(0x0a, a + 1);
  const head = {
    version: Number(item.subarray(0, a).toString('latin1')),
    at: item.subarray(a + 1, b).toString('latin1'),
  };
  const c = item.indexOf(0x0a, b + 1);
  const n = c > b ? item.subarray(b + 1, c).toString('latin1') : '';
  if (!/^\d+$/.test(n)) {
    const body = JSON.parse(unpack(item.subarray(b + 1))!) as { entry: unknown; doc: unknown };
    return { ...head, entry: body.entry, doc: body.doc };
  }
  const entryEnd = c + 1 + Number(n);
  const doc = entryEnd < item.length ? item.subarray(entryEnd) : current;
  return {
    ...head,
    entry: JSON.parse(unpack(item.subarray(c + 1, entryEnd))!),
    doc: JSON.parse(unpack(doc) ?? 'null'),
  };
}
