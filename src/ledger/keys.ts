/**
 * The only place that builds Redis key names.
 *
 * Every ledger key carries the hash tag `{<prefix>}`, so all of them live in one Redis Cluster
 * slot. That is deliberate: the ledger's invariants (exact accounting, project membership,
 * statistics equal to the sum over projects) are kept by Lua scripts that touch a record, two
 * projects and the shared counters in one atomic step, and Cluster runs a script only when all
 * its keys share a slot. Each queue gets its own tag (`{<prefix>:q:<stage>}`), so the queue
 * traffic, which is most of the hub's Redis commands, spreads over the masters.
 */
/**
 * The field of a project's member hash (`projectMembers`) that holds its member revision: a token
 * set by every link commit that changes the members or how one is linked, read by merges for
 * optimistic concurrency (commitLinks-var.lua, commitProjects-var.lua). No record id starts with '~'.
 */
export const MEMBER_REVISION = '~mrev';

export type IndexType = 'bc' | 'inv' | 'sec' | 'ctr' | 'permit' | 'site' | 'own';

export function ledgerKeys(prefix: string) {
  const p = `{${prefix}}`;
  return {
    /** `{<prefix>}`: the start of every ledger key (keys built elsewhere start with it too). */
    prefix: p,
    /** BullMQ prefix of one stage's queue: one hash tag per queue, so its keys share a slot. */
    queuePrefix: (stage: string) => `{${prefix}:q:${stage}}`,
    // Families differ in their second segment, never in a suffix: an id may contain ':'.
    record: (id: string) => `${p}:rec:${id}`,
    /** Accounting counters: `<system>:<versions|identities|linked|unlinked|quarantined>`. */
    accounting: `${p}:acct`,
    // Outboxes: work that must happen even if a job was lost in a crash.
    /**
     * Records to (re-)link: a sorted set scored by `linkClock` at the time of the wake-up, so that a
     * link commit settles only wake-ups written before its job began (commitLinks-var.lua).
     */
    needLink: `${p}:out:relink`,
    /** Counts link wake-ups (wakeLinks-2.lua, upsertRecords-var.lua); a link job reads it first. */
    linkClock: `${p}:out:clock`,
    /** The link outbox as a plain set, before it was scored: adopted by the sweep (pipelines/sweep.ts). */
    legacyNeedLink: `${p}:out:link`,
    /** Projects to merge, and to publish: sets. */
    needMerge: `${p}:out:merge`,
    needPublish: `${p}:out:publish`,
    /** Set while merges wait in the merge outbox for the pipeline to settle (pipelines/mergeSchedule.ts). */
    mergeDeferred: `${p}:mergedefer`,
    /** Set (with a short expiry, renewed) while a load of several systems holds merges back (pipelines/load.ts). */
    loadHold: `${p}:load:hold`,
    /** A connector run's tallies (`<system>:<count>`), and for a load which of its runs ended. */
    run: (runId: string) => `${p}:run:${runId}`,
    quarantineItems: `${p}:q:items`,
    quarantineIndex: (system?: string) => (system ? `${p}:q:idx:${system}` : `${p}:q:idx`),
    unlinkedIndex: (system?: string) => (system ? `${p}:unl:${system}` : `${p}:unl`),
    index: (type: IndexType, value: string) => `${p}:idx:${type}:${value}`,
    /**
     * Records subscribed to an index key, and (`projectMembers`) records linked to a project: hashes
     * of record id → '', not sets. Small hashes are listpacks, about half the memory of the hash
     * tables small sets are before Redis 7.2, and there is one of each per key and per project.
     */
    refs: (type: IndexType, value: string) => `${p}:refs:${type}:${value}`,
    /** Project names for title matching (rule 5): `<name>\x1f<library entry>` → project key. */
    names: `${p}:idx:names`,
    titleRefs: `${p}:refs:title`,
    titlesStale: `${p}:titles:stale`,
    /** Stream of changes to `names` (field `f`, project key `v`, empty when removed). */
    namesLog: `${p}:names:log`,
    manualLinks: `${p}:manual`,
    aliases: `${p}:alias`,
    project: (key: string) => `${p}:p:${key}`,
    projectMembers: (key: string) => `${p}:pm:${key}`,
    projectHistory: (key: string) => `${p}:ph:${key}`,
    projects: `${p}:projects`,
    /** Incrementally maintained /stats sums: `<groupBy>\x1f<key>\x1f<measure>` → integer. */
    stats: `${p}:stats`,
    /** Moves whenever `stats` does (API processes cache /stats per revision). */
    statsRevision: `${p}:stats:rev`,
    /** Projects in funding-priority order: members `<inverted score>|<key>`, all with score 0. */
    priority: `${p}:prio`,
    changes: `${p}:changes`,
    changesSeq: `${p}:changes:seq`,
    changesIndex: `${p}:changes:idx`,
    connector: (system: string) => `${p}:conn:${system}`,
    connectorLock: (system: string) => `${p}:lock:conn:${system}`,
    workersAlive: `${p}:workers`,
    pushReplay: (k: string) => `${p}:push:seen:${k}`,
  };
}
export type LedgerKeys = ReturnType<typeof ledgerKeys>;
