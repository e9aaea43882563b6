import { describe, expect, it } from 'vitest';
import { METRIC_LABELS, METRICS_CATALOGUE } from './catalogue.js';

describe('metrics catalogue', () => {
  it('declares each name once', () => {
    const names = METRICS_CATALOGUE.map((m) => m.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it.each(METRICS_CATALOGUE.map((m) => [m.name, m] as const))('%s follows the naming rules', (name, m) => {
    expect(name).toMatch(/^hub_[a-z0-9_]+$/);
    // Counters and only counters end in _total; histograms measure time, in seconds.
    expect(name.endsWith('_total')).toBe(m.type === 'counter');
    if (m.type === 'histogram') expect(name).toMatch(/_seconds$/);
    if (m.type === 'histogram') expect(m.buckets?.length).toBeGreaterThan(0);
    expect(name).not.toMatch(/_(ms|milliseconds|minutes|hours)(_|$)/);
    for (const l of m.labels) expect(METRIC_LABELS).toContain(l);
    expect(new Set(m.labels).size).toBe(m.labels.length);
    expect(m.help.trim().length).toBeGreaterThan(10);
  });

  it('lists the values of the state label exactly where a metric has one', () => {
    for (const m of METRICS_CATALOGUE) {
      const states = 'states' in m ? m.states : undefined;
      expect(states !== undefined, m.name).toBe((m.labels as readonly string[]).includes('state'));
    }
  });

  it('keeps histogram buckets strictly increasing', () => {
    for (const m of METRICS_CATALOGUE)
      if ('buckets' in m) {
        const b = m.buckets as readonly number[];
        expect(
          b.every((x, i) => i === 0 || x > b[i - 1]!),
          m.name,
        ).toBe(true);
      }
  });
});
