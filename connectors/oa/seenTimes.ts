/**
 * docId → epoch ms of the first `updateTime` a walk saw, kept in typed arrays outside the JS heap.
 *
 * A walk meets every document of the source once, so a Map of strings grew with the source:
 * about 100 B per document, 39 MB for a province's 390,000 documents, and V8 lets its heap grow
 * to a multiple of what is live before it collects (the bench's peak RSS ratio). Here a document
 * is 16 bytes of a table kept at most half full, keyed by a 64-bit hash of its docId (two
 * different 32-bit hashes).
 *
 * Two docIds sharing all 64 bits (for 400,000 documents, about one walk in 10^8) read as one
 * document. That can only hold the cursor further back than needed (WalkTracker): the next walk
 * reads a little more, and versions already received are deduped.
 */
export class SeenTimes {
  /** Two 32-bit halves of the hash per slot; (0, 0) marks an empty slot. */
  private keys: Uint32Array;
  private times: Float64Array;
  private count = 0;

  constructor(slots = 1024) {
    this.keys = new Uint32Array(2 * slots);
    this.times = new Float64Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /**
   * The time first seen for `id`, or undefined when this is its first sighting (then `ms` is kept
   * as its time). One hash and one probe per document.
   */
  firstSeen(id: string, ms: number): number | undefined {
    const [hi, lo] = hash(id);
    const at = this.find(hi, lo);
    if (this.keys[2 * at] !== 0 || this.keys[2 * at + 1] !== 0) return this.times[at];
    this.keys[2 * at] = hi;
    this.keys[2 * at + 1] = lo;
    this.times[at] = ms;
    if (++this.count * 2 > this.times.length) this.grow();
    return undefined;
  }

  /** The slot holding (hi, lo), or the empty slot where it belongs (linear probing). */
  private find(hi: number, lo: number): number {
    const mask = this.times.length - 1;
    for (let at = lo & mask; ; at = (at + 1) & mask) {
      const h = this.keys[2 * at]!;
      const l = this.keys[2 * at + 1]!;
      if ((h === hi && l === lo) || (h === 0 && l === 0)) return at;
    }
  }

  private grow(): void {
    const { keys, times } = this;
    this.keys = new Uint32Array(2 * keys.length);
    this.times = new Float64Array(2 * times.length);
    for (let i = 0; i < times.length; i++) {
      const hi = keys[2 * i]!;
      const lo = keys[2 * i + 1]!;
      if (hi === 0 && lo === 0) continue;
      const at = this.find(hi, lo);
      this.keys[2 * at] = hi;
      this.keys[2 * at + 1] = lo;
      this.times[at] = times[i]!;
    }
  }
}

/** FNV-1a and a MurmurHash2-style mix over the UTF-16 code units, never both zero. */
function hash(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a >>>= 0;
  b >>>= 0;
  return a === 0 && b === 0 ? [0, 1] : [a, b];
}
