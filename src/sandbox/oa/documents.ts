/**
 * The OA's current documents, upserted by docId, with a listing order (updateTime, then docId)
 * that is rebuilt lazily after changes and searched by binary search.
 */
import type { OaDocument } from '../world/types.js';

function byUpdate(a: OaDocument, b: OaDocument): number {
  if (a.updateTime !== b.updateTime) return a.updateTime < b.updateTime ? -1 : 1;
  return a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0;
}

export class DocumentStore {
  /** The documents in first-seen order; an edit replaces its document in place. */
  readonly all: OaDocument[] = [];
  private readonly at = new Map<string, number>();
  private ordered: OaDocument[] | undefined;

  constructor(docs: readonly OaDocument[]) {
    this.upsert(docs);
  }

  upsert(docs: readonly OaDocument[]): void {
    for (const d of docs) {
      const i = this.at.get(d.docId);
      if (i === undefined) {
        this.at.set(d.docId, this.all.length);
        this.all.push(d);
      } else {
        this.all[i] = d;
      }
    }
    if (docs.length > 0) this.ordered = undefined;
  }

  get(docId: string): OaDocument | undefined {
    const i = this.at.get(docId);
    return i === undefined ? undefined : this.all[i];
  }

  /**
   * The documents with `updateTime >= from` in listing order, as the ordered array and the index
   * where they start. Timestamps share one fixed format, so text order is time order.
   */
  since(from: string | undefined): { ordered: readonly OaDocument[]; start: number } {
    const ordered = (this.ordered ??= [...this.all].sort(byUpdate));
    if (from === undefined) return { ordered, start: 0 };
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ordered[mid]!.updateTime < from) lo = mid + 1;
      else hi = mid;
    }
    return { ordered, start: lo };
  }
}
