import { describe, expect, it } from 'vitest';
import { connectorView, lagSeconds } from './connectors.js';

describe('connectorView', () => {
  it('reads the success time and duration the ingest stage wrote, in seconds', () => {
    const v = connectorView(
      { lastSuccess: '2026-03-01T08:00:00.000Z', lastDurationMs: '4500', consecutiveFailures: '0' },
      false,
    );
    expect(v).toEqual({
      lastSuccess: Date.parse('2026-03-01T08:00:00Z') / 1000,
      lastDuration: 4.5,
      consecutiveFailures: 0,
      running: false,
    });
    expect(lagSeconds(v, Date.parse('2026-03-01T08:02:30Z'))).toBe(150);
  });

  it('has no success, duration or lag for a connector that never succeeded', () => {
    // A failed run writes lastDurationMs of nothing, but an old hash may hold one: without a success it means nothing.
    const v = connectorView(
      { lastError: 'HUB_SOURCE_AUTH: x', consecutiveFailures: '2', lastDurationMs: '9' },
      true,
    );
    expect(v).toEqual({ lastSuccess: null, lastDuration: null, consecutiveFailures: 2, running: true });
    expect(lagSeconds(v, Date.now())).toBeNull();
  });

  it('treats unreadable fields as absent and never reports a negative lag', () => {
    const v = connectorView(
      { lastSuccess: 'yesterday', consecutiveFailures: '', lastDurationMs: 'x' },
      false,
    );
    expect(v.lastSuccess).toBeNull();
    expect(v.consecutiveFailures).toBe(0);
    const ahead = connectorView({ lastSuccess: '2026-03-01T08:00:10Z' }, false);
    expect(lagSeconds(ahead, Date.parse('2026-03-01T08:00:00Z'))).toBe(0);
  });
});
