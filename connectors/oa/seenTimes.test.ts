import { describe, expect, it } from 'vitest';
import { SeenTimes } from './seenTimes.js';

describe('the first updateTime a walk saw per document', () => {
  it('holds every document through growth, and answers undefined for one never seen', () => {
    const seen = new SeenTimes(8);
    const id = (i: number) => `GW${String(2021_00000000 + i * 7919)}`;
    for (let i = 0; i < 50_000; i++)
      expect(seen.firstSeen(id(i), 1_600_000_000_000 + i * 1000)).toBeUndefined();
    expect(seen.size).toBe(50_000);
    for (let i = 0; i < 50_000; i++) expect(seen.firstSeen(id(i), 0)).toBe(1_600_000_000_000 + i * 1000);
    for (let i = 50_000; i < 60_000; i++) expect(seen.firstSeen(id(i), 0)).toBeUndefined();
    expect(seen.firstSeen('', 0)).toBeUndefined();
    expect(seen.size).toBe(60_001);
  });

  it('keeps the first time seen when a document comes again', () => {
    const seen = new SeenTimes();
    expect(seen.firstSeen('GW202100000551', 1)).toBeUndefined();
    expect(seen.firstSeen('GW202100000551', 2)).toBe(1);
    expect(seen.firstSeen('GW202100000551', 3)).toBe(1);
    expect(seen.size).toBe(1);
  });
});
