import type { ProjectDoc } from '../../pipelines/merge/merge.js';
import type { LedgerStore } from '../ledger/store.js';

type StoredDoc = ProjectDoc & { redirectTo?: string; orphaned?: boolean };

/** Merges chain at most this far; a longer chain is treated as no project. */
const MAX_HOPS = 5;

/**
 * The current record of each project key, for filtering. A key merged into another resolves to
 * its survivor (a `merged` entry is about the survivor's project); an orphaned or unknown key is null.
 */
export async function currentProjects(
  store: LedgerStore,
  keys: Iterable<string>,
): Promise<Map<string, ProjectDoc | null>> {
  const out = new Map<string, ProjectDoc | null>();
  await Promise.all(
    [...new Set(keys)].map(async (key) => {
      let target = key;
      for (let hop = 0; hop <= MAX_HOPS; hop++) {
        const raw = await store.getProjectRaw(target);
        const doc = raw ? (JSON.parse(raw.doc) as StoredDoc) : null;
        if (doc?.redirectTo && doc.redirectTo !== target) {
          target = doc.redirectTo;
          continue;
        }
        out.set(key, doc && !doc.orphaned && !doc.redirectTo ? doc : null);
        return;
      }
      out.set(key, null);
    }),
  );
  return out;
}
