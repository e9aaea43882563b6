import { LRUCache } from 'lru-cache';
import type { NormalizedRecord } from '../model/record.js';

/**
 * What a merge worker keeps between merges: parsed member records by id and content hash, and
 * the record versions of each project's current document by its document hash.
 *
 * A smart-city push re-merges a project of about 22 records to apply one of them. Reading,
 * inflating and parsing the 21 unchanged ones, and the previous document to find which record
 * changed, was most of a merge's CPU. Both caches are keyed by a hash that is written together
 * with what it stands for — a record's body with its `h` (upsertRecords-var.lua), a document
 * with its `hash` (commitProjects-var.lua) — so an entry is current exactly while the stored hash
 * equals the cached one, and the merge reads the small hash first and the big value only when
 * it moved.
 *
 * Records are shared between merges, so they are frozen when cached: a merge that mutated a
 * member would fail its job loudly instead of corrupting the next merge of the project.
 */
export class MergeCache {
  private readonly records: LRUCache<string, { hash: string; record: NormalizedRecord }>;
  private readonly documents: LRUCache<string, { hash: string; versions: ReadonlySet<string> }>;
  readonly stats = { recordHits: 0, recordMisses: 0, documentHits: 0, documentMisses: 0 };

  /** `observe` hears of every member read: from the cache (`hit`) or from Redis (`miss`). */
  constructor(
    readonly maxRecords: number,
    private readonly observe: (state: 'hit' | 'miss') => void = () => undefined,
  ) {
    this.records = new LRUCache({ max: maxRecords });
    // About 22 records per project.
    this.documents = new LRUCache({ max: Math.max(1, Math.ceil(maxRecords / 20)) });
  }

  /** The cached record when it is the version with this content hash. */
  record(id: string, hash: string): NormalizedRecord | undefined {
    const e = this.records.get(id);
    if (e && e.hash === hash) {
      this.stats.recordHits++;
      this.observe('hit');
      return e.record;
    }
    return undefined;
  }

  /** Whether some version of the record is held: then its hash alone is worth reading first. */
  holdsRecord(id: string): boolean {
    return this.records.has(id);
  }

  /** A record the merge had to read and parse (a miss: not held, or held in another version). */
  setRecord(id: string, hash: string, record: NormalizedRecord): void {
    this.stats.recordMisses++;
    this.observe('miss');
    this.records.set(id, { hash, record: deepFreeze(record) });
  }

  /** `system|kind|sourceId|version` of the records of a project's document with this hash. */
  documentVersions(key: string, hash: string | null): ReadonlySet<string> | undefined {
    const e = hash === null ? undefined : this.documents.get(key);
    if (e && e.hash === hash) {
      this.stats.documentHits++;
      return e.versions;
    }
    this.stats.documentMisses++;
    return undefined;
  }

  setDocumentVersions(key: string, hash: string, versions: ReadonlySet<string>): void {
    this.documents.set(key, { hash, versions });
  }

  get size(): { records: number; documents: number } {
    return { records: this.records.size, documents: this.documents.size };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
