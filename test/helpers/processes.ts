/**
 * Child processes for tests that need real processes (crashes, signals): each one has a deadline
 * after which it is SIGKILLed, its output is kept line by line for assertions and failure
 * messages, and a group kills whatever is still running when the suite ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  readonly pid: number;
  readonly proc: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  alive(): boolean;
  /** The first output line (stdout or stderr, past or future) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Sends `signal` (SIGKILL by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The process is SIGKILLed this long after it started, whatever it is doing. */
  deadlineMs: number;
}

/**
 * Starts `command` with its output captured.
 *
 * @example
 * const child = spawnChild('node', ['-e', 'console.log("ready")'], { deadlineMs: 5_000 });
 * await child.waitForLine((l) => l === 'ready', 5_000);
 */
export function spawnChild(command: string, args: string[], opts: SpawnOptions): Child {
  const proc = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = proc.pid;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const [stream, lines] of [
    [proc.stdout!, stdout],
    [proc.stderr!, stderr],
  ] as const) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const l of listeners) l(line);
    });
  }
  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const deadline = setTimeout(() => proc.kill('SIGKILL'), opts.deadlineMs);
  deadline.unref();
  void exited.then(() => clearTimeout(deadline));

  const tail = () => stderr.slice(-20).join('\n');
  return {
    pid,
    proc,
    stdout,
    stderr,
    exited,
    alive: () => exit === null,
    waitForLine(match, timeoutMs) {
      const seen = [...stdout, ...stderr].find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const done = (fn: () => void) => {
          listeners.delete(onLine);
          clearTimeout(timer);
          fn();
        };
        const onLine = (line: string) => {
          if (match(line)) done(() => resolve(line));
        };
        const timer = setTimeout(
          () =>
            done(() => reject(new Error(`pid ${pid}: no matching line within ${timeoutMs} ms\n${tail()}`))),
          timeoutMs,
        );
        listeners.add(onLine);
        void exited.then((e) =>
          done(() =>
            reject(new Error(`pid ${pid} exited (${e.code ?? e.signal}) before the line\n${tail()}`)),
          ),
        );
      });
    },
    async kill(signal = 'SIGKILL') {
      if (exit) return exit;
      proc.kill(signal);
      return exited;
    },
  };
}

/** The children of one suite, so that `afterAll` can stop every one still running. */
export class ChildGroup {
  readonly all: Child[] = [];

  spawn(command: string, args: string[], opts: SpawnOptions): Child {
    const child = spawnChild(command, args, opts);
    this.all.push(child);
    return child;
  }

  alive(): Child[] {
    return this.all.filter((c) => c.alive());
  }

  async killAll(): Promise<void> {
    await Promise.all(this.all.map((c) => c.kill('SIGKILL')));
  }
}
