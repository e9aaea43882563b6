/**
 * How people in other systems type codes and names (sources/README.md): full-width digits and
 * dashes, missing dashes, full-width brackets, stray spaces, a 包头市 prefix added or dropped.
 */
import type { Rng } from './rng.js';

const CITY = '包头市';

function fullWidthChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0x21 && c <= 0x7e) return String.fromCharCode(c + 0xfee0);
  return ch;
}

/** Full-width digits (U+FF10–U+FF19), other characters kept. */
export function fullWidthDigits(s: string): string {
  return s.replace(/[0-9]/g, fullWidthChar);
}

export type CodeSpelling = 'canonical' | 'nodash' | 'fullwidth' | 'fullwidthDash' | 'fullwidthNodash';

/** One spelling of a canonical investment code. */
export function spellCode(code: string, how: CodeSpelling): string {
  switch (how) {
    case 'canonical':
      return code;
    case 'nodash':
      return code.replace(/-/g, '');
    case 'fullwidth':
      return fullWidthDigits(code);
    case 'fullwidthDash':
      return fullWidthDigits(code).replace(/-/g, '－');
    case 'fullwidthNodash':
      return fullWidthDigits(code.replace(/-/g, ''));
  }
}

/** A malformed code: one digit of the serial missing (OA data quality). */
export function dropDigit(code: string, rng: Rng): string {
  const compact = code.replace(/-/g, '');
  const at = rng.int(12, compact.length - 1);
  return compact.slice(0, at) + compact.slice(at + 1);
}

export function toFullWidthBrackets(name: string): string {
  return name.replace(/\(/g, '（').replace(/\)/g, '）');
}

export function toHalfWidthBrackets(name: string): string {
  return name.replace(/（/g, '(').replace(/）/g, ')');
}

export function withCityPrefix(name: string): string {
  return name.startsWith(CITY) ? name : CITY + name;
}

export function withoutCityPrefix(name: string): string {
  return name.startsWith(CITY) ? name.slice(CITY.length) : name;
}

function insertSpace(name: string, rng: Rng): string {
  const space = rng.chance(0.5) ? ' ' : '\u3000';
  const where = rng.int(0, name.length);
  return name.slice(0, where) + space + name.slice(where);
}

/**
 * A name as typed elsewhere: with probability `p` one or two of the README variations, else
 * the registered name unchanged. Every result normalizes (normalizeProjectName) to the same
 * form as the registered name.
 */
export function typedName(name: string, rng: Rng, p: number): string {
  if (!rng.chance(p)) return name;
  let out = name;
  const n = rng.int(1, 2);
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 4)) {
      case 0:
        out = out.includes('(') ? toFullWidthBrackets(out) : toHalfWidthBrackets(out);
        break;
      case 1:
        out = insertSpace(out, rng);
        break;
      case 2:
        out = out.startsWith(CITY) ? withoutCityPrefix(out) : withCityPrefix(out);
        break;
      case 3:
        out = fullWidthDigits(out);
        break;
      default:
        out = rng.chance(0.5) ? ` ${out}` : `${out}\u3000`;
    }
  }
  return out;
}
