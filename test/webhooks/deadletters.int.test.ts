import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDeadLetterCommands } from '../../src/deadletters/cli.js';
import { DeadLetterList } from '../../src/deadletters/schemas.js';
import { listDeadLetters, purgeDeadLetters, retryDeadLetter } from '../../src/deadletters/service.js';
import type { Hub } from '../../src/hub.js';
import { testHub } from '../helpers/hub.js';

/** Resolves with the next job for which the worker emits `event`, or rejects after `ms`. */
function next(worker: Worker, event: 'failed' | 'completed', ms = 15_000): Promise<Job> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} job within ${ms} ms`)), ms);
    worker.once(event, (job: Job | undefined) => {
      clearTimeout(t);
      resolve(job!);
    });
  });
}

describe('dead letters of pipeline jobs', () => {
  let hub: Hub & { adminKey: string; readKey: string };
  let worker: Worker;
  // The link processor here fails every id listed until the test lets it pass.
  const failing = new Set<string>();
  const runs = new Map<string, number>();

  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
    worker = new Worker(
      'link',
      async (job) => {
        const id = (job.data as { ids: string[] }).ids[0]!;
        runs.set(id, (runs.get(id) ?? 0) + 1);
        if (failing.has(id)) throw new Error(`link of ${id} failed: source record missing`);
        return 'ok';
      },
      {
        connection: hub.redis.connect() as unknown as ConnectionOptions,
        prefix: hub.queues.prefixOf('link'),
      },
    );
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
  });

  it('lists a failed job with its stage, error and attempts, and retries it with fresh attempts', async () => {
    failing.add('rec-1');
    const failed = next(worker, 'failed');
    const job = await hub.queues.add('link', { ids: ['rec-1'] }, { attempts: 1 });
    await failed;

    const id = `job:link:${job.id}`;
    const list = await listDeadLetters(hub, { origin: 'pipeline' });
    expect(list).toEqual([
      {
        id,
        origin: 'pipeline',
        stage: 'link',
        jobId: job.id,
        error: 'link of rec-1 failed: source record missing',
        attempts: 1,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);

    // The API answers with exactly this shape.
    expect(DeadLetterList.parse({ items: list }).items).toEqual(list);

    failing.delete('rec-1');
    const completed = next(worker, 'completed');
    expect(await retryDeadLetter(hub, id)).toEqual({ id, origin: 'pipeline', status: 'retrying' });
    expect((await completed).id).toBe(job.id);
    expect(runs.get('rec-1')).toBe(2);
    expect(await listDeadLetters(hub)).toEqual([]);
    // Completed is no longer a dead letter.
    await expect(retryDeadLetter(hub, id)).rejects.toMatchObject({ code: 'HUB_API_NOT_FOUND' });
    await expect(retryDeadLetter(hub, 'job:link:999999')).rejects.toMatchObject({
      code: 'HUB_API_NOT_FOUND',
    });
    await expect(retryDeadLetter(hub, 'nonsense')).rejects.toMatchObject({ code: 'HUB_API_NOT_FOUND' });
  });

  it('purges failed jobs, by stage', async () => {
    failing.add('rec-2');
    const failed = next(worker, 'failed');
    await hub.queues.add('link', { ids: ['rec-2'] }, { attempts: 1 });
    await failed;
    expect(await purgeDeadLetters(hub, { stage: 'merge' })).toEqual({ purged: 0, pipeline: 0, webhook: 0 });
    expect(await listDeadLetters(hub)).toHaveLength(1);
    expect(await purgeDeadLetters(hub, { stage: 'link' })).toEqual({ purged: 1, pipeline: 1, webhook: 0 });
    expect(await listDeadLetters(hub)).toEqual([]);
  });

  it('hub dead-letters list|retry|purge drive the same service', async () => {
    failing.add('rec-3');
    const failed = next(worker, 'failed');
    const job = await hub.queues.add('link', { ids: ['rec-3'] }, { attempts: 1 });
    await failed;

    const lines: string[] = [];
    let closed = 0;
    const cli = () => {
      const program = new Command('hub').exitOverride();
      registerDeadLetterCommands(program, {
        configOption: () => new Option('-c, --config <file>'),
        openHub: async () => Object.assign(Object.create(hub) as Hub, { close: async () => void closed++ }),
        print: (l) => lines.push(l),
      });
      return program;
    };
    const run = (...args: string[]) => cli().parseAsync(['node', 'hub', 'dead-letters', ...args]);

    await run('list');
    expect(lines.pop()).toMatch(
      new RegExp(`^ID .*\\njob:link:${job.id} +stage link +1 +\\S+ +link of rec-3 failed`),
    );
    await run('list', '--json', '--origin', 'pipeline');
    expect(JSON.parse(lines.pop()!)).toMatchObject([{ id: `job:link:${job.id}`, stage: 'link' }]);
    await run('list', '--origin', 'webhook');
    expect(lines.pop()).toBe('no dead letters');

    failing.delete('rec-3');
    const completed = next(worker, 'completed');
    await run('retry', `job:link:${job.id}`);
    expect(lines.pop()).toBe(`job:link:${job.id}: re-queued`);
    await completed;

    failing.add('rec-4');
    const failed4 = next(worker, 'failed');
    await hub.queues.add('link', { ids: ['rec-4'] }, { attempts: 1 });
    await failed4;
    await run('purge', '--origin', 'pipeline');
    expect(lines.pop()).toBe('purged 1 dead letter(s): 1 pipeline, 0 webhook');
    await expect(run('purge', '--origin', 'mail')).rejects.toThrow(/origin/);
    expect(closed).toBe(5);
  });
});
