/**
 * Fen → the decimal text each source writes. Integer arithmetic only: amounts are generated as
 * integer fen and written out, never computed from floating-point yuan.
 */

function split(fen: number, exponent: number): { sign: string; int: string; frac: string } {
  const big = BigInt(fen);
  const neg = big < 0n;
  const abs = neg ? -big : big;
  const scale = 10n ** BigInt(exponent);
  return {
    sign: neg ? '-' : '',
    int: (abs / scale).toString(),
    frac: (abs % scale).toString().padStart(exponent, '0'),
  };
}

/** 万元 text with up to 6 decimals and no trailing zeros: 2525621900 → "25256.219". */
export function fenToWan(fen: number): string {
  const { sign, int, frac } = split(fen, 6);
  const f = frac.replace(/0+$/, '');
  return f === '' ? `${sign}${int}` : `${sign}${int}.${f}`;
}

/** 元 text with exactly 2 decimals: 123456 → "1234.56". */
export function fenToYuan(fen: number): string {
  const { sign, int, frac } = split(fen, 2);
  return `${sign}${int}.${frac}`;
}

/** Fen rounded down to a multiple of `unit` fen (e.g. 100 = whole yuan, 10_000 = 0.01 万元). */
export function roundFen(fen: number, unit: number): number {
  return Math.floor(fen / unit) * unit;
}

/** Exact sum of fen values as a safe integer. */
export function sumFen(values: readonly number[]): number {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return Number(total);
}
