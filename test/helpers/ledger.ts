import { createHash } from 'node:crypto';
import { canonicalJson } from '../../pipelines/merge/merge.js';
import type { LedgerStore } from '../../src/ledger/store.js';

/**
 * A canonical fingerprint of the whole ledger: every project's golden record (without the
 * fields that legitimately depend on timing: version, updatedAt), every record's link or
 * unlinked reason, and the alias map. Equal ledgers have equal fingerprints, whatever the order
 * in which their records arrived.
 */
export async function ledgerFingerprint(
  store: LedgerStore,
): Promise<{ hash: string; projects: number; records: number }> {
  const r = store.redis;
  const keys = await r.zrange(store.keys.projects, 0, -1);
  const docs: Record<string, unknown> = {};
  for (const k of keys.sort()) {
    const raw = await store.getProjectRaw(k);
    docs[k] = raw ? JSON.parse(raw.doc) : null;
  }
  const links: Record<string, string> = {};
  let cursor = '0';
  const pattern = `${store.keys.prefix}:rec:{r:*}`;
  do {
    const [next, found] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      if (key.endsWith(':seen')) continue;
      const [proj, st, why, h] = await r.hmget(key, 'proj', 'st', 'why', 'h');
      links[key.slice(store.keys.prefix.length)] = `${st}|${proj ?? ''}|${why ?? ''}|${h ?? ''}`;
    }
  } while (cursor !== '0');
  const aliases = await r.hgetall(store.keys.aliases);
  const hash = createHash('sha256').update(canonicalJson({ docs, links, aliases })).digest('hex');
  return { hash, projects: keys.length, records: Object.keys(links).length };
}

/** The accounting invariant: every record received is in exactly one of the four states. */
export async function accountingHolds(store: LedgerStore): Promise<{ ok: boolean; detail: unknown }> {
  const acct = await store.accounting();
  const bad = Object.entries(acct).filter(
    ([, a]) => a.pending !== 0 || a.received !== a.linked + a.unlinked + a.quarantined + a.superseded,
  );
  return { ok: bad.length === 0, detail: acct };
}
