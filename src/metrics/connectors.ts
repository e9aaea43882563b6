/** What the metrics say about one connector, read from its state hash (`LedgerStore.connectorState`). */
export interface ConnectorView {
  /** Epoch seconds of the last successful run's end, or null if none succeeded yet. */
  lastSuccess: number | null;
  /** Seconds, or null if none succeeded yet. */
  lastDuration: number | null;
  consecutiveFailures: number;
  running: boolean;
}

const finite = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

/**
 * The state hash is written by the ingest stage (pipelines/ingest/worker.ts). `running` comes
 * from the connector lock, not the hash's `running` field, which a crashed run leaves set.
 */
export function connectorView(state: Record<string, string>, locked: boolean): ConnectorView {
  const successMs = state['lastSuccess'] ? Date.parse(state['lastSuccess']) : NaN;
  const lastSuccess = Number.isNaN(successMs) ? null : successMs / 1000;
  const durationMs = finite(state['lastDurationMs']);
  return {
    lastSuccess,
    lastDuration: lastSuccess === null || durationMs === null ? null : durationMs / 1000,
    consecutiveFailures: finite(state['consecutiveFailures']) ?? 0,
    running: locked,
  };
}

/** Seconds from the last success to `nowMs`; never negative (clocks of two hosts may disagree). */
export function lagSeconds(view: ConnectorView, nowMs: number): number | null {
  return view.lastSuccess === null ? null : Math.max(0, nowMs / 1000 - view.lastSuccess);
}
