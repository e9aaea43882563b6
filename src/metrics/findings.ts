import { unpack } from '../ledger/packing.js';
import { findingsOf, type FindingThresholds } from '../../pipelines/merge/findings.js';
import type { ProjectDoc } from '../../pipelines/merge/merge.js';
import type { LedgerStore } from '../ledger/store.js';

const PAGE = 500;

/**
 * Projects per finding code at `asOf` (with the thresholds the API uses), over every project. Findings are not
 * stored (they depend on the date), so this reads and evaluates every project document: a
 * full scan, which is why it runs behind {@link cachedFindings} and never once per scrape.
 */
export async function countFindings(
  store: LedgerStore,
  asOf: string,
  thresholds: FindingThresholds,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const keys = await store.listProjectKeys(after, PAGE);
    if (keys.length === 0) break;
    const p = store.redis.pipeline();
    for (const k of keys) p.hgetBuffer(store.keys.project(k), 'doc');
    const docs = (await p.exec()) ?? [];
    for (const [err, packed] of docs) {
      if (err) throw err;
      const raw = unpack(packed as Buffer | null);
      if (raw === null) continue;
      const doc = JSON.parse(raw) as ProjectDoc & { redirectTo?: string; orphaned?: boolean };
      // Same rule as the API: a merged-away or orphaned project is not one to report on.
      if (doc.redirectTo || doc.orphaned) continue;
      for (const f of findingsOf(doc, asOf, thresholds)) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
    }
    if (keys.length < PAGE) break;
    after = keys[keys.length - 1]!;
  }
  return counts;
}

export interface FindingCounts {
  counts: ReadonlyMap<string, number>;
  /** Epoch ms the counts were computed. */
  computedAt: number;
}

/**
 * Serves the last counts and refreshes them in the background once they are older than
 * `ttlMs` (stale-while-revalidate): with 100k projects a scan takes seconds, and a scrape must
 * stay cheap and well within Prometheus' scrape timeout. Only the first call waits for a scan.
 * A failed background scan keeps the previous counts (their age shows in the timestamp gauge)
 * and is retried by the next call; a failed first scan rejects.
 */
export function cachedFindings(
  scan: () => Promise<Map<string, number>>,
  opts: { ttlMs: number; now: () => number },
): () => Promise<FindingCounts> {
  let last: FindingCounts | null = null;
  let running: Promise<FindingCounts> | null = null;
  const refresh = () =>
    (running ??= (async () => {
      const startedAt = opts.now();
      try {
        const counts = await scan();
        last = { counts, computedAt: startedAt };
        return last;
      } finally {
        running = null;
      }
    })());
  return async () => {
    if (!last) return refresh();
    if (opts.now() - last.computedAt >= opts.ttlMs) refresh().catch(() => undefined);
    return last;
  };
}
