import { setFlagsFromString } from 'node:v8';

/**
 * How far a pipeline worker's heap may grow past what survived its last full GC before the next
 * one: `workers.heapGrowthPercent` (0 leaves it to V8).
 *
 * A worker's live heap is nearly flat with the ledger (about 47 MB at 2,000 projects, 50–68 MB at
 * 20,000), but V8 lets the heap grow to up to four times what is live before collecting it, so
 * its peak RSS was that slack, not what it holds: 474–487 MiB at 20,000 projects. With the heap
 * allowed twice its live size it was 351–364 MiB, for three times as many full collections
 * (about 1.7 s of pauses in a 145 s sync) and 6–11 % more CPU per record in alternating runs at
 * 5,000 and 20,000 projects, none measurable at 100,000 (README, Performance and scale).
 *
 * Unlike HUB_NODE_FLAGS this one can be set in a running process: V8 reads it whenever it sizes
 * the heap after a collection. It applies to the whole process, so a process that also serves the
 * API collects more often there too.
 */
export function heapGrowthFlag(percent: number): string | null {
  return percent > 0 ? `--heap-growing-percent=${percent}` : null;
}

/** Applies workers.heapGrowthPercent to this process; call it only where pipeline workers run. */
export function applyHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent);
  if (flag) setFlagsFromString(flag);
}
