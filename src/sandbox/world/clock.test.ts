import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bjDate, bjDateTime, bjIsoOffset, bjMonth, bjYear, isoZ } from './clock.js';

// Reference spellings through Date, which the cached formatter must match for every instant.
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const beijing = (ms: number) => utc(ms + 8 * 3_600_000);
const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });

describe('clock', () => {
  it('spells every instant as Date does, in Beijing time and in UTC', () => {
    fc.assert(
      fc.property(instants, (ms) => {
        const bj = beijing(ms);
        expect(bjDateTime(ms)).toBe(bj.replace('T', ' '));
        expect(bjDate(ms)).toBe(bj.slice(0, 10));
        expect(bjYear(ms)).toBe(Number(bj.slice(0, 4)));
        expect(bjMonth(ms)).toBe(Number(bj.slice(5, 7)));
        expect(bjIsoOffset(ms)).toBe(`${bj}+08:00`);
        expect(isoZ(ms)).toBe(`${utc(ms)}Z`);
      }),
      { numRuns: 2000 },
    );
  });

  it('turns the Beijing day at 16:00 UTC, and repeated instants give the same text', () => {
    const midnight = Date.UTC(2024, 11, 31, 16, 0, 0);
    expect(bjDateTime(midnight - 1000)).toBe('2024-12-31 23:59:59');
    expect(bjDateTime(midnight)).toBe('2025-01-01 00:00:00');
    expect(bjDateTime(midnight)).toBe('2025-01-01 00:00:00');
    expect(bjDateTime(midnight - 1000)).toBe('2024-12-31 23:59:59');
    expect(bjYear(midnight - 1)).toBe(2024);
    expect(isoZ(midnight + 999)).toBe('2024-12-31T16:00:00Z');
  });
});
