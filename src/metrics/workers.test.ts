import { EventEmitter } from 'node:events';
import type { Job, Worker } from 'bullmq';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { observeWorker, type StageCounters } from './workers.js';

function counters(): StageCounters {
  const registers = [new Registry()];
  return {
    processed: new Counter({ name: 'p_total', help: 'p', labelNames: ['stage'], registers }),
    failed: new Counter({ name: 'f_total', help: 'f', labelNames: ['stage'], registers }),
    duration: new Histogram({
      name: 'd_seconds',
      help: 'd',
      labelNames: ['stage'],
      buckets: [1, 10],
      registers,
    }),
  };
}
const value = async (c: Counter | Histogram, suffix = '') => {
  const { name, values } = await c.get();
  // Counter samples carry no metricName; histogram samples name their series (_sum, _count, _bucket).
  const all = values as Array<{ value: number; metricName?: string }>;
  return all.find((v) => (v.metricName ?? name) === `${name}${suffix}`)?.value;
};

describe('observeWorker', () => {
  it('counts completed and failed attempts with their durations, per stage', async () => {
    const worker = new EventEmitter() as unknown as Worker;
    const m = counters();
    observeWorker('link', worker, m);
    worker.emit('completed', { processedOn: 1_000, finishedOn: 3_500 } as Job, null, 'active');
    // A failed attempt that will be retried has no finishedOn of its own.
    worker.emit('failed', { processedOn: Date.now() - 10_000 } as Job, new Error('x'), 'active');
    worker.emit('failed', undefined, new Error('stalled'), 'active');
    expect(await value(m.processed)).toBe(1);
    expect(await value(m.failed)).toBe(2);
    expect(await value(m.duration, '_count')).toBe(2);
    const sum = (await value(m.duration, '_sum')) ?? 0;
    expect(sum).toBeGreaterThanOrEqual(2.5 + 10);
    expect(sum).toBeLessThan(2.5 + 20);
    expect((await m.processed.get()).values[0]!.labels).toEqual({ stage: 'link' });
  });

  it('counts nothing twice when the same worker is observed again', async () => {
    const worker = new EventEmitter() as unknown as Worker;
    const m = counters();
    observeWorker('merge', worker, m);
    observeWorker('merge', worker, m);
    worker.emit('completed', { processedOn: 1, finishedOn: 2 } as Job, null, 'active');
    expect(await value(m.processed)).toBe(1);
  });
});
