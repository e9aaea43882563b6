import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import { runConnector } from '../../pipelines/ingest/worker.js';
import { loadWaves } from '../../pipelines/ingest/waves.js';
import { awaitWave, markRunEnded } from '../../pipelines/load.js';
import { waitForDrain } from '../../pipelines/sweep.js';
import type { Hub } from '../hub.js';
import type { SystemId } from '../model/systems.js';

export interface SyncSummaryRow {
  system: SystemId;
  ok: boolean;
  error: string | null;
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  unlinked: number;
}

/**
 * Runs connectors once in this process, waits until every stage has drained, and returns one
 * summary row per system. Progress: a bar per system on a TTY, a log line every few seconds otherwise.
 */
export async function syncOnce(
  hub: Hub,
  systems: SystemId[],
  opts: { full: boolean; timeoutMs?: number; quiet?: boolean },
): Promise<SyncSummaryRow[]> {
  const runId = randomUUID();
  const runKey = hub.store.keys.run(runId);
  const tty = process.stderr.isTTY && !opts.quiet;
  const bars = tty
    ? new cliProgress.MultiBar(
        {
          format: ' {system} |{bar}| {value} records · {status}',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_grey,
      )
    : null;
  const barOf = new Map(
    systems.map((s) => [s, bars?.create(1, 0, { system: s.padEnd(9), status: 'reading' })]),
  );
  const results = new Map<SystemId, { ok: boolean; error: string | null }>();
  const started = new Set<SystemId>();
  let lastLog = Date.now();
  const tick = async () => {
    const stats = await hub.store.redis.hgetall(runKey);
    for (const s of systems) {
      const fetched = Number(stats[`${s}:fetched`] ?? 0);
      const bar = barOf.get(s);
      if (bar) {
        bar.setTotal(Math.max(fetched, 1));
        bar.update(fetched, {
          status: results.has(s)
            ? results.get(s)!.ok
              ? 'read'
              : 'failed'
            : started.has(s)
              ? 'reading'
              : 'waiting for its wave',
        });
      }
    }
    if (!tty && !opts.quiet && Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      hub.log.info({ runId, progress: stats }, 'sync progress');
    }
  };
  const timer = setInterval(() => void tick(), 500);
  try {
    // A load of several systems in waves (pipelines/ingest/waves.ts), merges held back until the last is read.
    const load = systems.length > 1;
    const waves = loadWaves(systems);
    const since = Date.now();
    for (const [i, wave] of waves.entries()) {
      if (i > 0) {
        const maxMs = hub.config.workers.mergeDeferMaxMs;
        const after = waves.slice(0, i).flat();
        if ((await awaitWave(hub.store, hub.queues, runId, after, { since, maxMs })) === 'overdue')
          hub.log.warn({ runId, wave }, 'load wave started before the earlier waves were in');
      }
      for (const s of wave) started.add(s);
      await Promise.all(
        wave.map(async (s) => {
          try {
            await runConnector(s, { full: opts.full, runId, holdMerges: load }, hub.deps);
            results.set(s, { ok: true, error: null });
          } catch (e) {
            results.set(s, { ok: false, error: (e as Error).message });
          } finally {
            if (load) await markRunEnded(hub.store, runId, s);
          }
        }),
      );
    }
    await waitForDrain(hub.store, hub.queues, { timeoutMs: opts.timeoutMs ?? 30 * 60_000, onTick: tick });
    await tick();
  } finally {
    clearInterval(timer);
    bars?.stop();
  }
  const stats = await hub.store.redis.hgetall(runKey);
  const acct = await hub.store.accounting();
  return systems.map((s) => ({
    system: s,
    ok: results.get(s)?.ok ?? false,
    error: results.get(s)?.error ?? null,
    fetched: Number(stats[`${s}:fetched`] ?? 0),
    new: Number(stats[`${s}:new`] ?? 0),
    updated: Number(stats[`${s}:updated`] ?? 0),
    unchanged: Number(stats[`${s}:unchanged`] ?? 0),
    quarantined: Number(stats[`${s}:quarantined`] ?? 0),
    unlinked: acct[s]?.unlinked ?? 0,
  }));
}

export function formatSummary(rows: SyncSummaryRow[]): string {
  const head = ['system', 'fetched', 'new', 'updated', 'unchanged', 'quarantined', 'unlinked', 'status'];
  const lines = rows.map((r) =>
    [
      r.system,
      r.fetched,
      r.new,
      r.updated,
      r.unchanged,
      r.quarantined,
      r.unlinked,
      r.ok ? 'ok' : `FAILED: ${r.error}`,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (l: string[]) =>
    l
      .map((c, i) => (i === 0 || i === l.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ');
  return [fmt(head), ...lines.map(fmt)].join('\n');
}
