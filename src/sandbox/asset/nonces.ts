/**
 * Nonces seen per AppKey within the replay window. Entries are kept in insertion order, which
 * is also expiry order, so pruning only ever looks at the front; a hard cap bounds memory even
 * when the clock stands still (tests with a fixed `now`).
 */
export class NonceWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  has(appKey: string, nonce: string, now: number): boolean {
    this.prune(now);
    const expiry = this.seen.get(`${appKey}\n${nonce}`);
    return expiry !== undefined && expiry > now;
  }

  remember(appKey: string, nonce: string, now: number): void {
    const key = `${appKey}\n${nonce}`;
    this.seen.delete(key);
    this.seen.set(key, now + this.windowMs);
    while (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [key, expiry] of this.seen) {
      if (expiry > now) break;
      this.seen.delete(key);
    }
  }
}
