/**
 * Fen → the decimal text each source writes. Integer arithmetic only: amounts are generated as
 * integer fen and written out, never computed from floating-point yuan.
 */

const SCALE = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

function split(fen: number, exponent: number): { sign: string; int: string; frac: string } {
  if (!Number.isSafeInteger(fen)) return splitBig(fen, exponent);
  // Exact for safe integers (% and the division of an exact multiple round nothing), and far
  // cheaper than BigInt on the generator's hot path.
  const abs = Math.abs(fen);
  const scale = SCALE[exponent]!;
  const frac = abs % scale;
  return {
    sign: fen < 0 ? '-' : '',
    int: String((abs - frac) / scale),
    frac: String(frac).padStart(exponent, '0'),
  };
}

function splitBig(fen: number, exponent: number): { sign: string; int: string; frac: string } {
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

/** 万元 text with up to 6 decimals and no trailing zeros: 25256219000 → "25256.219". */
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
