import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

describe('coalesce', () => {
  it('shares one call among concurrent callers and calls again once it settled', async () => {
    let calls = 0;
    const get = coalesce(async () => ++calls);
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b]).toEqual([1, 1]);
    expect(await get()).toBe(2);
  });

  it('does not keep a failure: the next call tries again', async () => {
    let calls = 0;
    const get = coalesce(async () => {
      if (++calls === 1) throw new Error('first fails');
      return calls;
    });
    await expect(get()).rejects.toThrow('first fails');
    expect(await get()).toBe(2);
  });
});
