import { createHash } from 'node:crypto';
import { canonicalJson } from '../../pipelines/merge/merge.js';
import type { Redis } from 'ioredis';
import type { LedgerStore } from '../../src/ledger/store.js';
import { mastersOf } from '../../src/redis/topology.js';

/**
 * The parts of the ledger that must not depend on the order records arrived in: every project's
 * golden record (without the fields that legitimately depend on timing: version, updatedAt),
 * every record's link or unlinked reason, and the alias map.
 */
export interface LedgerSnapshot {
  docs: Record<string, unknown>;
  links: Record<string, string>;
  aliases: Record<string, string>;
}

export async function ledgerSnapshot(store: LedgerStore): Promise<LedgerSnapshot> {
  const r = store.redis;
  const docs: Record<string, unknown> = {};
  for (const k of await r.zrange(store.keys.projects, 0, -1)) {
    const raw = await store.getProjectRaw(k);
    docs[k] = raw ? JSON.parse(raw.doc) : null;
  }
  const links: Record<string, string> = {};
  for (const key of await scanKeys(r, `${store.keys.prefix}:rec:*`)) {
    const [proj, st, why, h] = await r.hmget(key, 'proj', 'st', 'why', 'h');
    links[key.slice(store.keys.prefix.length)] = `${st}|${proj ?? ''}|${why ?? ''}|${h ?? ''}`;
  }
  return { docs, links, aliases: await r.hgetall(store.keys.aliases) };
}

/** A canonical hash of the {@link ledgerSnapshot}: equal ledgers, whatever the arrival order, hash equal. */
export async function ledgerFingerprint(
  store: LedgerStore,
): Promise<{ hash: string; projects: number; records: number }> {
  const snapshot = await ledgerSnapshot(store);
  const hash = createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
  return { hash, projects: Object.keys(snapshot.docs).length, records: Object.keys(snapshot.links).length };
}

/** The accounting invariant: every record received is in exactly one of the four states. */
export async function accountingHolds(store: LedgerStore): Promise<{ ok: boolean; detail: unknown }> {
  const acct = await store.accounting();
  const bad = Object.entries(acct).filter(
    ([, a]) => a.pending !== 0 || a.received !== a.linked + a.unlinked + a.quarantined + a.superseded,
  );
  return { ok: bad.length === 0, detail: acct };
}

/** Every key matching `pattern`; on a Cluster, SCAN runs on each master (it is per node). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  for (const node of mastersOf(redis)) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      out.push(...found);
    } while (cursor !== '0');
  }
  return out;
}
