import { describe, expect, it } from 'vitest';
import { cachedFindings } from './findings.js';

/** A scan the test finishes by hand, so every interleaving is explicit. */
function controlledScan() {
  const pending: Array<{ resolve: (m: Map<string, number>) => void; reject: (e: Error) => void }> = [];
  const scan = () =>
    new Promise<Map<string, number>>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { scan, pending };
}

describe('cachedFindings', () => {
  it('waits for the first scan, then serves it until it is older than the TTL', async () => {
    let t = 1_000;
    const { scan, pending } = controlledScan();
    const get = cachedFindings(scan, { ttlMs: 60_000, now: () => t });
    const first = get();
    const concurrent = get();
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(new Map([['STALLED', 2]]));
    expect(await first).toEqual({ counts: new Map([['STALLED', 2]]), computedAt: 1_000 });
    expect(await concurrent).toBe(await first);
    t += 59_999;
    expect((await get()).counts.get('STALLED')).toBe(2);
    expect(pending).toHaveLength(1);
  });

  it('serves the stale counts at once and refreshes them in the background, one scan at a time', async () => {
    let t = 0;
    const { scan, pending } = controlledScan();
    const get = cachedFindings(scan, { ttlMs: 60_000, now: () => t });
    const first = get();
    pending[0]!.resolve(new Map([['STALLED', 2]]));
    await first;
    t = 60_000;
    const stale = await get();
    await get();
    expect(stale.counts.get('STALLED')).toBe(2);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(new Map([['STALLED', 5]]));
    await new Promise<void>((r) => setImmediate(r));
    expect(await get()).toEqual({ counts: new Map([['STALLED', 5]]), computedAt: 60_000 });
  });

  it('keeps the last counts when a background scan fails and tries again on the next call', async () => {
    let t = 0;
    const { scan, pending } = controlledScan();
    const get = cachedFindings(scan, { ttlMs: 10, now: () => t });
    const first = get();
    pending[0]!.resolve(new Map([['A', 1]]));
    await first;
    t = 10;
    await get();
    pending[1]!.reject(new Error('redis gone'));
    await new Promise<void>((r) => setImmediate(r));
    expect((await get()).counts.get('A')).toBe(1);
    expect(pending).toHaveLength(3);
  });

  it('rejects when the first scan fails, and scans again next time', async () => {
    const { scan, pending } = controlledScan();
    const get = cachedFindings(scan, { ttlMs: 10, now: () => 0 });
    const first = get();
    pending[0]!.reject(new Error('redis gone'));
    await expect(first).rejects.toThrow('redis gone');
    void get();
    expect(pending).toHaveLength(2);
  });
});
