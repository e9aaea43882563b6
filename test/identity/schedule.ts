import fc from 'fast-check';
import { normalizeJob, type CapturedPage } from './capture.js';
import type { NormalizeJob } from '../../src/queues.js';

/** One raw record and the page it came from. */
export interface Item {
  page: CapturedPage;
  raw: unknown;
}

export function itemsOf(pages: CapturedPage[]): Item[] {
  return pages.flatMap((page) => page.raws.map((raw) => ({ page, raw })));
}

/**
 * How one delivery goes: the order of all records, which ones come again and where, how many
 * records are enqueued together, and after which batches the pipelines drain completely (so
 * that a partial ledger exists when the rest arrives).
 */
export interface Delivery {
  order: number[];
  repeats: Array<{ item: number; at: number }>;
  batchSize: number;
  drainAfter: number[];
}

export function deliveryArb(n: number): fc.Arbitrary<Delivery> {
  const indexes = [...Array(n).keys()];
  return fc.record({
    order: fc.shuffledSubarray(indexes, { minLength: n, maxLength: n }),
    // Up to a quarter of the records again, some of them twice or three times.
    repeats: fc.array(fc.record({ item: fc.nat(n - 1), at: fc.nat(n - 1) }), { maxLength: Math.ceil(n / 4) }),
    batchSize: fc.integer({ min: 1, max: 60 }),
    drainAfter: fc.uniqueArray(fc.nat(40), { maxLength: 2 }),
  });
}

/**
 * The normalize jobs of a delivery, batch by batch. A batch mixes records of every system; it
 * becomes one job per (system, stream) because a normalize job carries one stream's records.
 */
export function batchesOf(items: Item[], d: Delivery): NormalizeJob[][] {
  const seq = d.order.map((i) => items[i]!);
  // Later positions first, so earlier insertions keep their index.
  for (const r of [...d.repeats].sort((a, b) => b.at - a.at)) seq.splice(r.at, 0, items[r.item]!);
  const batches: NormalizeJob[][] = [];
  for (let i = 0; i < seq.length; i += d.batchSize) {
    const groups = new Map<CapturedPage, unknown[]>();
    for (const it of seq.slice(i, i + d.batchSize)) {
      const g = groups.get(it.page) ?? [];
      g.push(it.raw);
      groups.set(it.page, g);
    }
    batches.push([...groups].map(([page, raws]) => normalizeJob(page, raws)));
  }
  return batches;
}
