/**
 * Records in a feed order of (number, then string key by code unit) with lookup by key: the
 * order behind the asset cursor (updatedAt, assetCode) and the trading page token
 * (publishTime, id). A page is a binary search plus a slice; an upsert merges a sorted batch
 * in linear time and moves each replaced record to its new position, which is what makes a
 * record modified mid-walk come again behind the cursor.
 */
export class PositionIndex<T> {
  private sorted: T[] = [];
  private readonly byKey = new Map<string, T>();

  constructor(
    private readonly orderOf: (t: T) => number,
    private readonly keyOf: (t: T) => string,
  ) {}

  /** Every record in feed order. Read-only: the index owns it. */
  get items(): T[] {
    return this.sorted;
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** Replaces records by key (inserting new ones); the last of a key in `items` wins. */
  upsert(items: readonly T[]): void {
    if (items.length === 0) return;
    const incoming = new Map<string, T>();
    for (const t of items) incoming.set(this.keyOf(t), t);
    const kept = this.byKey.size === 0 ? [] : this.sorted.filter((t) => !incoming.has(this.keyOf(t)));
    const added = [...incoming.values()].sort(this.compare);
    for (const t of added) this.byKey.set(this.keyOf(t), t);
    const merged: T[] = new Array(kept.length + added.length);
    let i = 0;
    let j = 0;
    for (let n = 0; n < merged.length; n++) {
      merged[n] =
        j >= added.length || (i < kept.length && this.compare(kept[i]!, added[j]!) <= 0)
          ? kept[i++]!
          : added[j++]!;
    }
    this.sorted = merged;
  }

  /** Index of the first record whose order value is >= `from`. */
  firstFrom(from: number): number {
    return this.lowerBound((t) => this.orderOf(t) >= from);
  }

  /** Index of the first record strictly after the position (order, key). */
  firstAfter(order: number, key: string): number {
    return this.lowerBound((t) => compareKey(this.orderOf(t), this.keyOf(t), order, key) > 0);
  }

  page(start: number, limit: number): { items: T[]; hasMore: boolean } {
    return { items: this.sorted.slice(start, start + limit), hasMore: start + limit < this.sorted.length };
  }

  private readonly compare = (a: T, b: T): number =>
    compareKey(this.orderOf(a), this.keyOf(a), this.orderOf(b), this.keyOf(b));

  private lowerBound(atOrAfter: (t: T) => boolean): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (atOrAfter(this.sorted[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function compareKey(u1: number, k1: string, u2: number, k2: string): number {
  if (u1 !== u2) return u1 < u2 ? -1 : 1;
  return k1 < k2 ? -1 : k1 > k2 ? 1 : 0;
}
