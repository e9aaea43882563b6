/**
 * Identifier canonicalization and checks (sources/README.md "Identifiers shared across systems").
 */

const INVESTMENT_CODE = /^(\d{4})(\d{6})(\d{2})(0[1-3])([0-9A-Z]{6})$/;

/**
 * Canonical investment project code `YYYY-AAAAAA-II-TT-XXXXXX`, or null when the value does not
 * have that shape after folding full-width characters and dashes. Only the shape is checked: the
 * check-character algorithm is not published.
 *
 * @example canonicalInvestmentCode('２０２３１５０２０３４８０１０００１２３') // '2023-150203-48-01-000123'
 */
export function canonicalInvestmentCode(raw: string): string | null {
  const folded = raw
    .normalize('NFKC')
    .replace(/[\s\u3000]/g, '')
    .replace(/[-‐‑‒–—－]/g, '')
    .toUpperCase();
  const m = INVESTMENT_CODE.exec(folded);
  if (!m) return null;
  return `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`;
}

/** Budget project code (XMDM): 18 digits. */
export function isBudgetCode(s: string): boolean {
  return /^\d{18}$/.test(s);
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export type UsccCheck = { uscc: string; shape: true; checksum: boolean } | { uscc: string; shape: false };

/**
 * Classifies a USCC as entered: upper-cased and trimmed; shape = 18 characters of the USCC
 * alphabet; checksum = GB 32100-2015 check character verifies.
 */
export function checkUscc(raw: string): UsccCheck {
  const uscc = raw.normalize('NFKC').trim().toUpperCase();
  if (!USCC_SHAPE.test(uscc)) return { uscc, shape: false };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(uscc[i]!) * USCC_WEIGHTS[i]!;
  let c = 31 - (sum % 31);
  if (c === 31) c = 0;
  return { uscc, shape: true, checksum: USCC_ALPHABET[c] === uscc[17] };
}

/** Computes the check character for 17 USCC characters (used by the sandbox generator). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  let c = 31 - (sum % 31);
  if (c === 31) c = 0;
  return USCC_ALPHABET[c]!;
}

/** Construction permit number: division (6) + issue date YYYYMMDD (8) + serial (4). */
export function isPermitNo(s: string): boolean {
  return /^\d{18}$/.test(s);
}

/** Tender section number `BTGGZY-YYYY-CC-NNNNNN-NN`. */
export function isSectionCode(s: string): boolean {
  return /^BTGGZY-\d{4}-(FJ|SZ|JT|SL|ZC)-\d{6}-\d{2}$/.test(s);
}

/** Contract number `BTHT` + year + 7 digits. */
export function isContractNo(s: string): boolean {
  return /^BTHT\d{11}$/.test(s);
}
