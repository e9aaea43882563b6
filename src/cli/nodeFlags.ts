/**
 * V8 flags every long-running hub process is started with (the `hub` shebang, `npm run hub`, the
 * Dockerfile, scripts/demo.sh and the bench all pass these; test/deploy/nodeFlags.test.ts holds
 * them to this list). They cannot be set from inside the process: V8 reads them when the heap
 * is created, and Node refuses them in NODE_OPTIONS.
 *
 * --no-memory-reducer: when a process goes quiet, V8's memory reducer shrinks the heap to its
 * live size (an API process: 184 → 42 MB), and then grows it back only slowly under load, so the
 * next minute or more of traffic runs a full mark-compact every ~200 ms. Measured after a push
 * burst at 20,000 projects: `GET /projects/{key}` p99 24–28 ms at ~8,400 req/s with the reducer,
 * 11–17 ms at ~10,200 req/s without. A server keeps the heap it needed at its last peak instead.
 */
export const HUB_NODE_FLAGS = ['--no-memory-reducer'] as const;

/** The flags of HUB_NODE_FLAGS this process was started without (`process.execArgv`). */
export function missingNodeFlags(execArgv: readonly string[]): string[] {
  return HUB_NODE_FLAGS.filter((f) => !execArgv.includes(f));
}
