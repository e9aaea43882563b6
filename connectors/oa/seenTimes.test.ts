import { describe, expect, it } from 'vitest';
import { SeenTimes } from './seenTimes.js';

describe('the first updateTime a walk saw per document', () => {
  it('holds every document through growth, and answers undefined for one never seen', () => {
    const seen = new SeenTimes(8);
    const id = (i: number) => `GW${String(2021_00000000 + i * 7919)}`;
    for (let i = 0; i < 50_000; i++) seen.setIfAbsent(id(i), 1_600_000_000_000 + i * 1000);
    expect(seen.size).toBe(50_000);
    for (let i = 0; i < 50_000; i++) expect(seen.get(id(i))).toBe(1_600_000_000_000 + i * 1000);
    for (let i = 50_000; i < 60_000; i++) expect(seen.get(id(i))).toBeUndefined();
    expect(seen.get('')).toBeUndefined();
  });

  it('keeps the first time seen when a document comes again', () => {
    const seen = new SeenTimes();
    seen.setIfAbsent('GW202100000551', 1);
    seen.setIfAbsent('GW202100000551', 2);
    expect(seen.get('GW202100000551')).toBe(1);
    expect(seen.size).toBe(1);
  });
});
