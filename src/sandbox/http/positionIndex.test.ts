import { describe, expect, it } from 'vitest';
import { PositionIndex } from './positionIndex.js';

interface Row {
  k: string;
  u: number;
  v?: number;
}

function index(rows: Row[]): PositionIndex<Row> {
  const i = new PositionIndex<Row>(
    (r) => r.u,
    (r) => r.k,
  );
  i.upsert(rows);
  return i;
}

const keys = (rows: Row[]) => rows.map((r) => r.k);

describe('PositionIndex', () => {
  it('orders by number, then key by code unit (not locale)', () => {
    const i = index([
      { k: 'b', u: 2 },
      { k: 'a', u: 2 },
      { k: 'Z', u: 2 },
      { k: 'c', u: 1 },
    ]);
    expect(keys(i.items)).toEqual(['c', 'Z', 'a', 'b']);
  });

  it('finds the first record from a value (inclusive) and after a position (exclusive)', () => {
    const i = index([
      { k: 'a', u: 1 },
      { k: 'b', u: 2 },
      { k: 'c', u: 2 },
      { k: 'd', u: 3 },
    ]);
    expect(i.firstFrom(2)).toBe(1);
    expect(i.firstFrom(4)).toBe(4);
    expect(i.firstAfter(2, 'b')).toBe(2);
    expect(i.firstAfter(2, 'bb')).toBe(2);
    expect(i.firstAfter(0, 'zzz')).toBe(0);
    expect(i.page(2, 5)).toEqual({ items: [i.items[2], i.items[3]], hasMore: false });
    expect(i.page(0, 3).hasMore).toBe(true);
  });

  it('moves an updated record to its new position and keeps one record per key', () => {
    const i = index([
      { k: 'a', u: 1 },
      { k: 'b', u: 2 },
      { k: 'c', u: 3 },
    ]);
    i.upsert([
      { k: 'a', u: 5, v: 1 },
      { k: 'a', u: 4, v: 2 },
      { k: 'd', u: 0 },
    ]);
    expect(keys(i.items)).toEqual(['d', 'b', 'c', 'a']);
    expect(i.get('a')).toEqual({ k: 'a', u: 4, v: 2 });
  });
});
