import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/**
 * Loads the Lua scripts of ./scripts (name = verb + noun + number of keys, or `var` when the
 * caller passes the key count first) as ioredis commands.
 * The files are read from the source tree in both tsx and compiled runs.
 */
const here = dirname(fileURLToPath(import.meta.url));
const dir = [join(here, 'scripts'), join(here, '../../../src/ledger/scripts')].find((d) => {
  try {
    readFileSync(join(d, 'upsertRecords-var.lua'));
    return true;
  } catch {
    return false;
  }
})!;

const SCRIPTS = {
  upsertRecords: 'upsertRecords-var.lua',
  commitLinks: 'commitLinks-var.lua',
  commitProjects: 'commitProjects-var.lua',
  appendChanges: 'appendChanges-var.lua',
  quarantineRecord: 'quarantineRecord-4.lua',
  settleProjects: 'settleProjects-var.lua',
  wakeLinks: 'wakeLinks-2.lua',
  adoptLegacyLinks: 'adoptLegacyLinks-2.lua',
  readHashes: 'readHashes-var.lua',
} as const;

export interface LedgerCommands {
  /** Variable number of keys: the first argument is the key count. */
  upsertRecords(...args: (string | number | Buffer)[]): Promise<string[]>;
  commitLinks(...args: (string | number)[]): Promise<string[]>;
  commitProjects(...args: (string | number | Buffer)[]): Promise<number[]>;
  appendChanges(...args: (string | number | Buffer)[]): Promise<number[]>;
  quarantineRecord(...args: (string | number)[]): Promise<number>;
  settleProjects(...args: (string | number)[]): Promise<number[]>;
  wakeLinks(...args: string[]): Promise<number>;
  adoptLegacyLinks(legacy: string, outbox: string): Promise<number>;
  /** Key count, the keys, then the fields: a flat array of each key's field values. */
  readHashesBuffer(...args: string[]): Promise<Array<Buffer | null>>;
}

/** Helpers every script may call (lib.lua), prepended to each: Redis runs a script as one chunk. */
const LIB = readFileSync(join(dir, 'lib.lua'), 'utf8');

export function defineScripts(redis: Redis): Redis & LedgerCommands {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const fixed = /-(\d+)\.lua$/.exec(file);
    const lua = `${LIB}\n${readFileSync(join(dir, file), 'utf8')}`;
    if (!(name in redis))
      redis.defineCommand(name, fixed ? { numberOfKeys: Number(fixed[1]), lua } : { lua });
  }
  return redis as Redis & LedgerCommands;
}
