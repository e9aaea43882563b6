import { describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../model/record.js';
import { MergeCache } from './mergeCache.js';

const record = (amountFen: number) =>
  ({
    kind: 'payment',
    sourceId: 'P1',
    data: { amountFen, payee: { name: null } },
  }) as unknown as NormalizedRecord;

describe('MergeCache', () => {
  it('answers for a record only while its content hash is the cached one', () => {
    const c = new MergeCache(10);
    c.setRecord('r1', 'h1', record(1));
    expect(c.holdsRecord('r1')).toBe(true);
    expect(c.record('r1', 'h1')).toMatchObject({ data: { amountFen: 1 } });
    expect(c.record('r1', 'h2')).toBeUndefined();
    expect(c.record('r2', 'h1')).toBeUndefined();
    expect(c.stats).toMatchObject({ recordHits: 1, recordMisses: 1 });
  });

  it('freezes what it shares between merges, deeply', () => {
    const c = new MergeCache(10);
    c.setRecord('r1', 'h1', record(1));
    const r = c.record('r1', 'h1') as unknown as {
      data: { amountFen: number; payee: { name: string | null } };
    };
    expect(() => (r.data.amountFen = 2)).toThrow(TypeError);
    expect(() => (r.data.payee.name = 'x')).toThrow(TypeError);
  });

  it('answers for a document only while its hash is the stored one', () => {
    const c = new MergeCache(100);
    c.setDocumentVersions('K', 'd1', new Set(['budget|payment|P1|1']));
    expect(c.documentVersions('K', 'd1')).toEqual(new Set(['budget|payment|P1|1']));
    expect(c.documentVersions('K', 'd2')).toBeUndefined();
    expect(c.documentVersions('K', null)).toBeUndefined();
  });

  it('holds at most its bound, dropping the least recently used', () => {
    const c = new MergeCache(2);
    c.setRecord('a', 'h', record(1));
    c.setRecord('b', 'h', record(2));
    c.record('a', 'h');
    c.setRecord('c', 'h', record(3));
    expect(c.size.records).toBe(2);
    expect(c.holdsRecord('b')).toBe(false);
    expect(c.holdsRecord('a')).toBe(true);
  });
});
