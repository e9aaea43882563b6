import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fenToYuanText, MoneyError, sumFen, toFen, toFenOrNull } from './money.js';

describe('toFen', () => {
  it.each([
    ['0.000001', '万元', 1],
    ['25256.219', '万元', 25256219000],
    ['29867.693968', '万元', 29867693968],
    ['1,234.50', '元', 123450],
    ['-0', '元', 0],
    ['+3', '元', 300],
    ['17959838.00', '元', 1795983800],
    ['0', '万元', 0],
  ] as const)('%s %s → %d fen', (input, unit, fen) => {
    expect(toFen(input, unit)).toBe(fen);
    expect(Object.is(toFen(input, unit), -0)).toBe(false);
  });

  it.each([
    ['', '元', /empty/],
    ['  ', '元', /empty/],
    ['1e3', '元', /exponent/],
    ['abc', '元', /not a decimal/],
    ['1,23.4', '元', /not a decimal/],
    ['1.234', '元', /more than 2 decimals/],
    ['0.0000001', '万元', /more than 6 decimals/],
    ['99999999999999999999', '元', /absurd/],
    ['12.3.4', '元', /not a decimal/],
  ] as const)('rejects %j in %s', (input, unit, why) => {
    expect(() => toFen(input, unit)).toThrow(MoneyError);
    expect(() => toFen(input, unit)).toThrow(why);
  });

  it('reads JSON numbers through their shortest decimal text, exactly', () => {
    expect(toFen(8234100.5, '元')).toBe(823410050);
    expect(toFen(12500000.35, '元')).toBe(1250000035);
    expect(() => toFen(0.1 + 0.2, '元')).toThrow(/significant digits/);
    expect(() => toFen(Number.NaN, '元')).toThrow(/finite/);
  });

  it('keeps trailing zeros beyond the unit exact', () => {
    expect(toFen('1.2300', '元')).toBe(123);
  });

  it('null for absent values', () => {
    expect(toFenOrNull('', '万元')).toBeNull();
    expect(toFenOrNull(null, '万元')).toBeNull();
    expect(toFenOrNull('1', '万元')).toBe(1000000);
  });

  it('round-trips every fen amount through yuan text (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (fen) => {
        expect(toFen(fenToYuanText(fen), '元')).toBe(fen);
      }),
    );
  });

  it('万元 with 6 decimals equals 元 with 2 (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (fen) => {
        const s = fen.toString().padStart(7, '0');
        const wan = `${s.slice(0, -6)}.${s.slice(-6)}`;
        expect(toFen(wan, '万元')).toBe(Number(fen));
      }),
    );
  });

  it('sums exactly and refuses to overflow', () => {
    expect(sumFen([1, 2, 3])).toBe(6);
    expect(() => sumFen([Number.MAX_SAFE_INTEGER, 1])).toThrow(/exact integer range/);
  });
});
