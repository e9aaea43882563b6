import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Section 1: what BullMQ itself does on this Redis — no-op jobs added with `addBulk` and processed
 * by one Worker, with the hub's own completed-job retention so the comparison is like for like.
 */
export async function bullmqBaseline(
  connect: () => Redis,
  opts: { jobs: number; batch: number; concurrency: number },
): Promise<{ bAdd: number; bProc: number }> {
  const prefix = '{benchbase}';
  const queue = new Queue('noop', { connection: connect(), prefix });
  const jobOpts = { removeOnComplete: { count: 100 }, removeOnFail: { age: 3600 } };
  const t0 = performance.now();
  for (let i = 0; i < opts.jobs; i += opts.batch) {
    const n = Math.min(opts.batch, opts.jobs - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, j) => ({ name: 'noop', data: { i: i + j }, opts: jobOpts })),
    );
  }
  const addSec = (performance.now() - t0) / 1000;

  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((res) => (finished = res));
  const t1 = performance.now();
  const worker = new Worker('noop', async () => undefined, {
    connection: connect(),
    prefix,
    concurrency: opts.concurrency,
  });
  worker.on('completed', () => {
    if (++done === opts.jobs) finished();
  });
  const timeout = setTimeout(() => finished(), 10 * 60_000);
  await all;
  clearTimeout(timeout);
  const procSec = (performance.now() - t1) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  if (done < opts.jobs) throw new Error(`baseline: only ${done} of ${opts.jobs} jobs completed in 10 min`);
  return { bAdd: opts.jobs / addSec, bProc: opts.jobs / procSec };
}
