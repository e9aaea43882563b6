import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { HUB_NODE_FLAGS } from '../src/cli/nodeFlags.js';

/**
 * Hub processes started by the bench (`hub worker`, `hub serve`): output kept for failure
 * messages, CPU and memory read from /proc, and every one stopped when the bench ends.
 */
export interface HubChild {
  pid: number;
  proc: ChildProcess;
  lines: string[];
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const ALL = new Set<HubChild>();
const CLK_TCK = 100;

export function spawnHub(root: string, args: string[]): HubChild {
  // BENCH_CPU_PROF=<dir>: each hub process writes a V8 CPU profile there when it stops.
  const prof = process.env['BENCH_CPU_PROF']
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`]
    : [];
  const proc = spawn(
    process.execPath,
    [...HUB_NODE_FLAGS, ...prof, '--import', 'tsx', 'src/cli/main.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (proc.pid === undefined) throw new Error('could not start a hub process');
  const lines: string[] = [];
  const listeners = new Set<(l: string) => void>();
  for (const s of [proc.stdout!, proc.stderr!]) {
    createInterface({ input: s }).on('line', (l) => {
      lines.push(l);
      if (lines.length > 200) lines.shift();
      for (const f of listeners) f(l);
    });
  }
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const child: HubChild = {
    pid: proc.pid,
    proc,
    lines,
    waitForLine(match, timeoutMs) {
      if (lines.some(match)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const end = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(on);
          fn();
        };
        const on = (l: string) => {
          if (match(l)) end(resolve);
        };
        const timer = setTimeout(
          () => end(() => reject(new Error(`hub ${args[0]} not ready:\n${lines.slice(-20).join('\n')}`))),
          timeoutMs,
        );
        listeners.add(on);
        void exited.then(() =>
          end(() => reject(new Error(`hub ${args[0]} exited:\n${lines.slice(-20).join('\n')}`))),
        );
      });
    },
    async stop() {
      ALL.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  ALL.add(child);
  return child;
}

export async function stopAllHubs(): Promise<void> {
  await Promise.all([...ALL].map((c) => c.stop()));
}

/** CPU time (user + system) of a live process in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return (ticks * 1e6) / CLK_TCK;
}

/** Peak resident set size (VmHWM) of a live process in bytes. */
export function peakRss(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) * 1024;
}
