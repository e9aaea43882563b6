/**
 * Seeded pseudo-random numbers for the sandbox world (sfc32, seeded through splitmix32).
 * Every draw of the generator goes through one of these, never Math.random, so one seed gives
 * one world, byte for byte. `fork(label)` gives an independent stream per concern, so adding a
 * draw in one system's emitter does not shift every other system's data.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label mixed into a seed: stable sub-seeds by name. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const HEX_DIGITS = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const HEX_SCRATCH: number[] = [];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An independent stream named `label`. */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight; `weights` need not sum to 1. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /** Log-uniform in [lo, hi]: many small values, few large, as amounts are. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(this.next() * Math.log(hi / lo));
  }

  /** `length` lowercase hex digits: the big-endian digits of successive u32 draws. */
  hex(length: number): string {
    // Built as one flat string: appending to a string makes a rope of pieces (five times the
    // text's size), and digests and event ids are a large share of a big world.
    HEX_SCRATCH.length = length;
    for (let i = 0; i < length; i += 8) {
      const v = this.u32();
      for (let k = 0; k < 8 && i + k < length; k++)
        HEX_SCRATCH[i + k] = HEX_DIGITS[(v >>> (28 - 4 * k)) & 15]!;
    }
    return String.fromCharCode.apply(null, HEX_SCRATCH);
  }

  /** Fisher–Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
