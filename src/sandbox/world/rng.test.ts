import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng.hex', () => {
  it('is the big-endian hex digits of successive u32 draws, cut to length', () => {
    for (const length of [0, 1, 7, 8, 13, 32, 64]) {
      const a = new Rng(42).fork(`hex${length}`);
      const b = new Rng(42).fork(`hex${length}`);
      let digits = '';
      while (digits.length < length) digits += b.u32().toString(16).padStart(8, '0');
      expect(a.hex(length)).toBe(digits.slice(0, length));
      // Both streams advanced by the same number of draws.
      expect(a.u32()).toBe(b.u32());
    }
  });
});
