import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/**
 * Loads the Lua scripts of ./scripts (name = verb + noun + number of keys) as ioredis commands,
 * prefixed `wh` so they cannot collide with the ledger's. Read from the source tree in both tsx
 * and compiled runs.
 */
const here = dirname(fileURLToPath(import.meta.url));
const dir = [join(here, 'scripts'), join(here, '../../../src/webhooks/scripts')].find((d) => {
  try {
    readFileSync(join(d, 'advanceCursor-2.lua'));
    return true;
  } catch {
    return false;
  }
})!;

const SCRIPTS = {
  whAdvanceCursor: 'advanceCursor-2.lua',
  whDeadLetterBatch: 'deadLetterBatch-3.lua',
  whSettleReplay: 'settleReplay-3.lua',
  whQueueReplay: 'queueReplay-2.lua',
  whRenewLock: 'renewLock-1.lua',
  whReleaseLock: 'releaseLock-1.lua',
} as const;

export type WebhookCommands = {
  [K in keyof typeof SCRIPTS]: (...args: (string | number)[]) => Promise<number>;
};

export function webhookScripts(redis: Redis): Redis & WebhookCommands {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)![1]);
    if (!(name in redis))
      redis.defineCommand(name, { numberOfKeys, lua: readFileSync(join(dir, file), 'utf8') });
  }
  return redis as Redis & WebhookCommands;
}
