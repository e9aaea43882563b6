/**
 * The only place that builds Redis key names. Everything of one project shares the hash tag
 * `{p:<key>}`, everything of one record `{r:<id>}`, so per-project and per-record atomic scripts
 * stay within one slot.
 */
export type IndexType = 'bc' | 'inv' | 'sec' | 'ctr' | 'permit' | 'site' | 'own';

export function ledgerKeys(prefix: string) {
  const p = prefix;
  return {
    prefix: p,
    /** BullMQ prefix: one hash tag so a queue's keys share a slot. */
    queuePrefix: `{${p}:q}`,
    record: (id: string) => `${p}:rec:{r:${id}}`,
    recordSeen: (id: string) => `${p}:rec:{r:${id}}:seen`,
    /** Accounting counters: `<system>:<versions|identities|linked|unlinked|quarantined>`. */
    accounting: `${p}:acct`,
    /** Outbox sets: work that must happen even if a job was lost in a crash. */
    needLink: `${p}:out:link`,
    needMerge: `${p}:out:merge`,
    needPublish: `${p}:out:publish`,
    quarantineItems: `${p}:q:items`,
    quarantineIndex: (system?: string) => (system ? `${p}:q:idx:${system}` : `${p}:q:idx`),
    unlinkedIndex: (system?: string) => (system ? `${p}:unl:${system}` : `${p}:unl`),
    index: (type: IndexType, value: string) => `${p}:idx:${type}:${value}`,
    refs: (type: IndexType, value: string) => `${p}:refs:${type}:${value}`,
    /** Project names for title matching (rule 5): `<name>\x1f<library entry>` → project key. */
    names: `${p}:idx:names`,
    titleRefs: `${p}:refs:title`,
    titlesStale: `${p}:titles:stale`,
    manualLinks: `${p}:manual`,
    aliases: `${p}:alias`,
    project: (key: string) => `${p}:p:{p:${key}}`,
    projectMembers: (key: string) => `${p}:p:{p:${key}}:m`,
    projectHistory: (key: string) => `${p}:p:{p:${key}}:h`,
    projects: `${p}:projects`,
    /** Incrementally maintained /stats sums: `<groupBy>\x1f<key>\x1f<measure>` → integer. */
    stats: `${p}:stats`,
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
