import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heapGrowthFlag } from '../../src/cli/heapGrowth.js';
import { parseConfig } from '../../src/config/load.js';

/** The largest heap V8 sized for the child's allocations, with this growth percent applied. */
function peakHeap(percent: number): number {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'test/deploy/heapGrowthChild.ts', String(percent)],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { peak: number }).peak;
}

describe('workers.heapGrowthPercent', () => {
  it('is 100 unless configured, and 0 sets no flag', () => {
    expect(parseConfig({}).workers.heapGrowthPercent).toBe(100);
    expect(heapGrowthFlag(100)).toBe('--heap-growing-percent=100');
    expect(heapGrowthFlag(0)).toBeNull();
    expect(() => parseConfig({ workers: { heapGrowthPercent: -1 } })).toThrow();
  });

  it('bounds the heap of a running process (set after start, as the CLI does)', () => {
    const v8Default = peakHeap(0);
    const bounded = peakHeap(100);
    // V8 alone lets this workload's heap grow to about 1.8 times what the bounded one reaches.
    expect(bounded).toBeLessThan(0.7 * v8Default);
  }, 120_000);

  it('is applied by every command that runs pipeline workers, before they start', () => {
    const main = readFileSync('src/cli/main.ts', 'utf8');
    const starts = [...main.matchAll(/startHub\(cfg, \{([^}]*)\}/g)];
    const withWorkers = starts.filter((m) => !/workers: false/.test(m[1]!));
    expect(withWorkers.length).toBe(4);
    for (const m of withWorkers) {
      const before = main.slice(Math.max(0, m.index! - 400), m.index);
      expect(before).toContain('applyHeapGrowth(cfg.workers.heapGrowthPercent)');
    }
  });
});
