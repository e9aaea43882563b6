import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heapGrowthFlag } from '../../src/cli/heapGrowth.js';
import { parseConfig } from '../../src/config/load.js';
import { stagesOf } from '../../src/hub.js';
import { STAGES } from '../../src/queues.js';

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
    // Commands start their hubs only through startProcessHub, which applies it when workers run.
    expect([...main.matchAll(/startHub\(/g)]).toHaveLength(1);
    const helper = main.slice(main.indexOf('function startProcessHub('));
    const body = helper.slice(0, helper.indexOf('\n}\n'));
    expect(body).toMatch(
      /if \(stagesOf\(roles\)\.length > 0\) applyHeapGrowth\(cfg\.workers\.heapGrowthPercent\);\n\s*return startHub\(cfg, roles\);/,
    );
    // Workers run unless the roles say none; all stages unless they name some.
    expect(stagesOf({ workers: false })).toEqual([]);
    expect(stagesOf({ api: true })).toEqual([...STAGES]);
    expect(stagesOf({ workers: ['link', 'merge'] })).toEqual(['link', 'merge']);
    // Its definition and six calls: serve, worker, sync (enqueue and --once), dead letters, demo.
    expect([...main.matchAll(/startProcessHub\(/g)]).toHaveLength(7);
  });
});
