import type { LedgerStore } from '../../src/ledger/store.js';

/**
 * The parts `ledgerFingerprint` hashes, kept apart so that a failing comparison can say which
 * project, record or alias differs instead of only that two hashes do.
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
  let cursor = '0';
  do {
    const [next, found] = await r.scan(cursor, 'MATCH', `${store.keys.prefix}:rec:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const [proj, st, why, h] = await r.hmget(key, 'proj', 'st', 'why', 'h');
      links[key.slice(store.keys.prefix.length)] = `${st}|${proj ?? ''}|${why ?? ''}|${h ?? ''}`;
    }
  } while (cursor !== '0');
  return { docs, links, aliases: await r.hgetall(store.keys.aliases) };
}

/** Every key whose value differs between two snapshots, as `section key: expected ≠ actual`. */
export function snapshotDiff(expected: LedgerSnapshot, actual: LedgerSnapshot, max = 12): string[] {
  const out: string[] = [];
  for (const section of ['docs', 'links', 'aliases'] as const) {
    const a = expected[section] as Record<string, unknown>;
    const b = actual[section] as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const x = JSON.stringify(a[key]);
      const y = JSON.stringify(b[key]);
      if (x !== y) out.push(`${section} ${key}: ${describe(x, y)}`);
    }
  }
  return out.slice(0, max);
}

/** The first place two JSON texts part, with a little context, rather than two whole documents. */
function describe(x: string | undefined, y: string | undefined): string {
  if (x === undefined || y === undefined) return `${x ?? 'absent'} ≠ ${y ?? 'absent'}`;
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 80);
  return `…${x.slice(from, i + 120)} ≠ …${y.slice(from, i + 120)}`;
}
