import type { LedgerSnapshot } from '../helpers/ledger.js';

/** Every key whose value differs between two snapshots, as `section key: expected ≠ actual`. */
export function snapshotDiff(expected: LedgerSnapshot, actual: LedgerSnapshot, max = 12): string[] {
  const out: string[] = [];
  for (const section of ['docs', 'links', 'aliases'] as const) {
    const a = expected[section] as Record<string, unknown>;
    const b = actual[section] as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const x = JSON.stringify(a[key]);
      const y = JSON.stringify(b[key]);
      if (x !== y) out.push(`${section} ${key}: ${describe(x, y)}`);
    }
  }
  return out.slice(0, max);
}

/** The first place two JSON texts part, with a little context, rather than two whole documents. */
function describe(x: string | undefined, y: string | undefined): string {
  if (x === undefined || y === undefined) return `${x ?? 'absent'} ≠ ${y ?? 'absent'}`;
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const from = Math.max(0, i - 80);
  return `…${x.slice(from, i + 120)} ≠ …${y.slice(from, i + 120)}`;
}
