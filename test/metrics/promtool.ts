import { spawn } from 'node:child_process';

export interface PromtoolResult {
  code: number | null;
  output: string;
}

/**
 * `promtool check metrics` with the exposition on stdin (it lints names, units, help and
 * types). promtool comes with the Debian package `prometheus`; `.ci/run` installs it. Its
 * absence is a failure, never a skip: this check is what the metrics promise.
 */
export function promtoolCheckMetrics(text: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new Error(
              'promtool is not installed (not on PATH): install the Debian package `prometheus` (apt-get install -y prometheus), as .ci/run does',
            )
          : e,
      ),
    );
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
  });
}
