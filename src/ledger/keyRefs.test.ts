import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeyRefs, encodeKeyRefs } from './store.js';

describe("a record's stored index keys", () => {
  // Codes, names and `uscc|name` values: any text without control characters.
  const text = fc
    .string({ unit: 'grapheme', maxLength: 20 })
    .filter((s) => [...s].every((c) => c.charCodeAt(0) >= 0x20));
  const ref = fc.record({ type: fc.constantFrom('bc', 'inv', 'site', 'own', 'name'), value: text });

  it('read back as written, with and without targets', () => {
    fc.assert(
      fc.property(fc.array(ref), fc.array(fc.tuple(ref, text)), (refs, provided) => {
        expect(decodeKeyRefs(encodeKeyRefs(refs))).toEqual(refs);
        const withTargets = provided.map(([r, target]) => ({ ...r, target }));
        expect(decodeKeyRefs(encodeKeyRefs(withTargets))).toEqual(withTargets);
      }),
      { numRuns: 300 },
    );
  });

  it('store nothing for none, and still read the JSON written before', () => {
    expect(encodeKeyRefs([])).toBe('');
    expect(decodeKeyRefs('')).toEqual([]);
    expect(decodeKeyRefs(null)).toEqual([]);
    const legacy = [{ type: 'site', value: 'SITE-150203-000004', target: '150203202402000040' }];
    expect(decodeKeyRefs(JSON.stringify(legacy))).toEqual(legacy);
  });
});
