import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HUB_NODE_FLAGS, missingNodeFlags } from '../../src/cli/nodeFlags.js';

const read = (f: string) => readFileSync(f, 'utf8');

/** Every way the hub is started passes HUB_NODE_FLAGS; V8 cannot take them once running. */
describe('the V8 flags of hub processes', () => {
  it('this node accepts them', () => {
    const r = spawnSync(process.execPath, [...HUB_NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('every launcher passes them', () => {
    const flags = HUB_NODE_FLAGS.join(' ');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['hub']).toBe(`node ${flags} --import tsx src/cli/main.ts`);
    expect(read('src/cli/main.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
    expect(read('Dockerfile')).toContain(
      `ENTRYPOINT ["node", ${HUB_NODE_FLAGS.map((f) => JSON.stringify(f)).join(', ')}, "dist/src/cli/main.js"]`,
    );
    expect(read('scripts/demo.sh')).toContain(`exec node ${flags} dist/src/cli/main.js demo`);
    expect(read('bench/procs.ts')).toContain('[...HUB_NODE_FLAGS, ');
  });

  it('names the ones a process was started without', () => {
    expect(missingNodeFlags(['--import', 'tsx'])).toEqual(['--no-memory-reducer']);
    expect(missingNodeFlags(['--no-memory-reducer', '--import', 'tsx'])).toEqual([]);
  });
});
