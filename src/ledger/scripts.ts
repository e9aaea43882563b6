import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/**
 * Loads the Lua scripts of ./scripts (name = verb + noun + number of keys) as ioredis commands.
 * The files are read from the source tree in both tsx and compiled runs.
 */
const here = dirname(fileURLToPath(import.meta.url));
const dir = [join(here, 'scripts'), join(here, '../../../src/ledger/scripts')].find((d) => {
  try {
    readFileSync(join(d, 'upsertRecord-4.lua'));
    return true;
  } catch {
    return false;
  }
})!;

const SCRIPTS = {
  upsertRecord: 'upsertRecord-4.lua',
  commitLink: 'commitLink-10.lua',
  commitProject: 'commitProject-7.lua',
  appendChange: 'appendChange-5.lua',
  quarantineRecord: 'quarantineRecord-4.lua',
} as const;

export interface LedgerCommands {
  upsertRecord(...args: (string | number)[]): Promise<string>;
  commitLink(...args: (string | number)[]): Promise<string>;
  commitProject(...args: (string | number)[]): Promise<number>;
  appendChange(...args: (string | number)[]): Promise<number>;
  quarantineRecord(...args: (string | number)[]): Promise<number>;
}

export function defineScripts(redis: Redis): Redis & LedgerCommands {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)![1]);
    if (!(name in redis))
      redis.defineCommand(name, { numberOfKeys, lua: readFileSync(join(dir, file), 'utf8') });
  }
  return redis as Redis & LedgerCommands;
}
