import { describe, expect, it } from 'vitest';
import { eachLimit } from './eachLimit.js';

describe('eachLimit', () => {
  it('visits every item once with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const gates: Array<() => void> = [];
    const run = eachLimit([...Array(10).keys()], 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => gates.push(r));
      seen.push(i);
      inFlight--;
    });
    // Release the waiting items one at a time until all are done.
    while (seen.length < 10) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    await run;
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(peak).toBe(3);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    const err = await eachLimit([1, 2, 3, 4, 5], 1, async (i) => {
      started.push(i);
      if (i === 2) throw new Error('boom 2');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('boom 2');
    expect(started).toEqual([1, 2]);
  });

  it('does nothing for no items', async () => {
    await expect(eachLimit([], 4, async () => Promise.reject(new Error('never')))).resolves.toBeUndefined();
  });
});
