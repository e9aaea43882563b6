/**
 * Exact money conversion. Amounts arrive as decimal text in 元 (yuan) or 万元 (10,000 yuan)
 * and leave as integer fen. No binary floating point ever touches an amount: the decimal
 * text is split into digits and scaled with BigInt.
 */

export type MoneyUnit = '元' | '万元';

/** Decimal places of fen in one unit: 1 元 = 10^2 fen, 1 万元 = 10^6 fen. */
const FEN_EXPONENT: Record<MoneyUnit, number> = { 元: 2, 万元: 6 };

/** Largest amount we accept: 10^15 fen = 10 trillion 元. Anything above is a typing error. */
export const MAX_ABS_FEN = 10n ** 15n;

export class MoneyError extends Error {
  readonly code = 'HUB_MONEY_INVALID';
  constructor(
    readonly input: unknown,
    readonly why: string,
  ) {
    super(`amount ${JSON.stringify(input)}: ${why}`);
    this.name = 'MoneyError';
  }
}

// Digits with optional correctly grouped thousands separators, optional fraction.
const DECIMAL = /^([+-])?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * Converts a decimal amount in `unit` to integer fen, exactly.
 * Accepts "1234.5", "1,234.50", "+3", "-0" (→ 0); rejects empty text, exponents ("1e3"),
 * more decimals than the unit can hold exactly ("0.0000001万元"), and anything else.
 *
 * @example toFen('25256.219', '万元') // 25256219000
 * @example toFen('0.000001', '万元')  // 1
 */
export function toFen(input: string | number, unit: MoneyUnit): number {
  const text = typeof input === 'number' ? numberText(input) : input.trim();
  if (text === '') throw new MoneyError(input, 'empty');
  const m = DECIMAL.exec(text);
  if (!m) {
    if (/^[+-]?[\d.]+e[+-]?\d+$/i.test(text))
      throw new MoneyError(input, 'exponent notation is not accepted');
    throw new MoneyError(input, 'not a decimal number');
  }
  const [, sign, intPart = '0', fracRaw = ''] = m;
  const exp = FEN_EXPONENT[unit];
  const frac = fracRaw.replace(/0+$/, '');
  if (frac.length > exp) {
    throw new MoneyError(input, `more than ${exp} decimals in ${unit} cannot be expressed in whole fen`);
  }
  const digits = intPart.replace(/,/g, '') + frac.padEnd(exp, '0');
  let fen = BigInt(digits);
  if (sign === '-') fen = -fen;
  if (fen > MAX_ABS_FEN || fen < -MAX_ABS_FEN) throw new MoneyError(input, 'absurd magnitude');
  // -0 folds to 0: Number(-0n) is 0.
  return Number(fen);
}

/** Like {@link toFen} but empty/absent input yields null (a value the source has not supplied). */
export function toFenOrNull(input: string | number | null | undefined, unit: MoneyUnit): number | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string' && input.trim() === '') return null;
  return toFen(input, unit);
}

/**
 * A JSON number reached us already parsed. Its shortest round-trip text is exactly the text the
 * source wrote for any value with ≤ 15 significant digits, which covers every amount below
 * MAX_ABS_FEN; beyond that we refuse rather than guess.
 */
function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(n, 'not a finite number');
  const s = String(n);
  if (/e/i.test(s)) throw new MoneyError(n, 'exponent notation is not accepted');
  const significant = s.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  if (significant.length > 15) throw new MoneyError(n, 'too many significant digits to be exact');
  return s;
}

/** Fen → "1234.56" yuan text with two decimals (for CSV export and people). */
export function fenToYuanText(fen: number): string {
  const neg = fen < 0;
  const abs = BigInt(Math.abs(fen));
  const yuan = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${yuan}.${cents}`;
}

/** Sums fen exactly; throws when the total leaves the safe-integer range. */
export function sumFen(values: Iterable<number>): number {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError(String(total), 'sum leaves the exact integer range');
  }
  return Number(total);
}
