import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { HUB_NODE_FLAGS } from '../../src/cli/nodeFlags.js';
import type { Child, ChildGroup } from '../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The stages a `hub worker` of these tests runs: everything after ingest. */
export const WORKER_STAGES = ['normalize', 'link', 'merge', 'publish'] as const;

/** Writes the YAML a `hub worker` process reads: one Redis prefix, the given connectors. */
export function writeWorkerConfig(
  dir: string,
  o: { redisUrl: string; prefix: string; connectors: Record<string, unknown> },
): string {
  const file = join(dir, `${o.prefix}.yaml`);
  writeFileSync(
    file,
    stringify({
      redis: { url: o.redisUrl, prefix: o.prefix },
      // Short job locks: a SIGKILLed worker's jobs return within seconds, not a minute.
      workers: { concurrency: 4, stages: [...WORKER_STAGES], lockDurationMs: 3000, stalledIntervalMs: 1000 },
      log: { level: 'info' },
      connectors: o.connectors,
    }),
  );
  return file;
}

/** `hub worker --config <file>` as a real process (tsx, like `npm run hub`). */
export function spawnHubWorker(
  group: ChildGroup,
  configFile: string,
  redisUrl: string,
  deadlineMs: number,
): Child {
  return group.spawn(
    process.execPath,
    [
      ...HUB_NODE_FLAGS,
      '--import',
      'tsx',
      'src/cli/main.ts',
      'worker',
      '--config',
      configFile,
      '--stages',
      WORKER_STAGES.join(','),
    ],
    { cwd: ROOT, env: { ...process.env, REDIS_URL: redisUrl, LOG_LEVEL: 'info' }, deadlineMs },
  );
}

/** The log line `hub worker` writes once its workers are consuming. */
export const workersRunning = (line: string) => line.includes('"msg":"workers running"');
