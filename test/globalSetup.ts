import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded.js';

/** One real redis-server on a free loopback port for the whole run; tests isolate by key prefix. */
let redis: EmbeddedRedis | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  dir = mkdtempSync(join(tmpdir(), 'hub-test-redis-'));
  redis = await startEmbeddedRedis({ dataDir: dir });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
