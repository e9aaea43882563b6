import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToWan, fenToYuan } from './amount.js';

// The spelling through BigInt: the generator's number arithmetic must write the same text.
function reference(fen: number, exponent: number): string {
  const big = BigInt(fen);
  const abs = big < 0n ? -big : big;
  const scale = 10n ** BigInt(exponent);
  const frac = (abs % scale).toString().padStart(exponent, '0');
  return `${big < 0n ? '-' : ''}${abs / scale}.${frac}`;
}
const wanReference = (fen: number) => reference(fen, 6).replace(/\.?0+$/, '');

describe('amount text', () => {
  it('writes every safe integer of fen exactly, in 元 and in 万元', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger().map((v) => v * (v % 2 === 0 ? 1 : -1)),
        (fen) => {
          expect(fenToYuan(fen)).toBe(reference(fen, 2));
          expect(fenToWan(fen)).toBe(wanReference(fen));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps the edges: zero, sub-unit amounts and integers beyond 2^53', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(fenToWan(0)).toBe('0');
    expect(fenToWan(1)).toBe('0.000001');
    expect(fenToWan(25256219000)).toBe('25256.219');
    expect(fenToWan(Number.MAX_SAFE_INTEGER)).toBe('9007199254.740991');
    expect(fenToYuan(2 ** 60)).toBe(reference(2 ** 60, 2));
  });
});
