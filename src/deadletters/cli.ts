import { Option, type Command } from 'commander';
import { STAGES, type StageName } from '../queues.js';
import {
  listDeadLetters,
  purgeDeadLetters,
  retryDeadLetter,
  summarizeDeadLetter,
  type DeadLetter,
  type DeadLetterDeps,
  type DeadLetterOrigin,
} from './service.js';

export interface DeadLetterCliHelpers {
  /** The shared `-c, --config <file>` option. */
  configOption: () => Option;
  /**
   * Opens the hub's services without running workers, e.g.
   * `(o) => startHub(loadConfig(o.config), { workers: false })`.
   */
  openHub: (opts: { config?: string }) => Promise<DeadLetterDeps & { close(): Promise<void> }>;
  /** Where lines go (default console.log). */
  print?: (line: string) => void;
}

const originOption = () =>
  new Option('--origin <origin>', 'only dead letters of this origin').choices(['pipeline', 'webhook']);

/** One line per dead letter: id, where it failed, attempts, when, and the error (cut to fit). */
export function formatDeadLetters(items: DeadLetter[]): string {
  if (items.length === 0) return 'no dead letters';
  const rows = items.map((d) => [
    d.id,
    summarizeDeadLetter(d).where + (d.origin === 'webhook' && d.status === 'retrying' ? ' (retrying)' : ''),
    String(d.attempts),
    d.at,
    d.error.replace(/\s+/g, ' ').slice(0, 100),
  ]);
  const head = ['ID', 'WHERE', 'ATTEMPTS', 'AT', 'ERROR'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  '))
    .join('\n');
}

/**
 * Adds `hub dead-letters list|retry <id>|purge`: failed pipeline jobs and dead-lettered webhook
 * batches, the same service as GET /api/v1/dead-letters and POST /api/v1/dead-letters/{id}/retry.
 *
 * @example
 * registerDeadLetterCommands(program, {
 *   configOption,
 *   openHub: (o) => startHub(loadConfig(o.config), { workers: false }),
 * });
 */
export function registerDeadLetterCommands(program: Command, helpers: DeadLetterCliHelpers): Command {
  const print = helpers.print ?? ((line: string) => console.log(line));
  const withHub = async <T>(o: { config?: string }, f: (deps: DeadLetterDeps) => Promise<T>): Promise<T> => {
    const hub = await helpers.openHub(o);
    try {
      return await f(hub);
    } finally {
      await hub.close();
    }
  };

  const cmd = program
    .command('dead-letters')
    .description('failed pipeline jobs and dead-lettered webhook batches: list, retry, purge');

  cmd
    .command('list')
    .description('list dead letters, newest first')
    .addOption(originOption())
    .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'print JSON instead of a table')
    .addOption(helpers.configOption())
    .action(async (o: { origin?: DeadLetterOrigin; limit: number; json?: boolean; config?: string }) => {
      const items = await withHub(o, (deps) =>
        listDeadLetters(deps, { limit: o.limit, ...(o.origin ? { origin: o.origin } : {}) }),
      );
      print(o.json ? JSON.stringify(items, null, 2) : formatDeadLetters(items));
    });

  cmd
    .command('retry')
    .description('retry one dead letter (a pipeline job is re-queued; a webhook batch is replayed)')
    .argument('<id>', 'id as listed, e.g. job:normalize:42 or wh:district-office:3')
    .addOption(helpers.configOption())
    .action(async (id: string, o: { config?: string }) => {
      const res = await withHub(o, (deps) => retryDeadLetter(deps, id));
      print(`${res.id}: ${res.origin === 'pipeline' ? 're-queued' : 'queued for replay'}`);
    });

  cmd
    .command('purge')
    .description('remove dead letters for good (all, or of one origin, stage or subscriber)')
    .addOption(originOption())
    .addOption(new Option('--stage <stage>', 'only failed jobs of this stage').choices([...STAGES]))
    .option('--subscriber <id>', 'only dead letters of this webhook subscriber')
    .addOption(helpers.configOption())
    .action(
      async (o: { origin?: DeadLetterOrigin; stage?: StageName; subscriber?: string; config?: string }) => {
        const res = await withHub(o, (deps) =>
          purgeDeadLetters(deps, {
            ...(o.origin ? { origin: o.origin } : {}),
            ...(o.stage ? { stage: o.stage } : {}),
            ...(o.subscriber ? { subscriber: o.subscriber } : {}),
          }),
        );
        print(`purged ${res.purged} dead letter(s): ${res.pipeline} pipeline, ${res.webhook} webhook`);
      },
    );
  return cmd;
}
