/** The one table the bench prints: metric, value, target, met / not met. */
export interface Row {
  metric: string;
  value: number;
  unit: string;
  target?: { op: '>=' | '<=' | '=='; value: number; label?: string };
  note?: string;
}

export function met(r: Row): boolean | null {
  if (!r.target || !Number.isFinite(r.value)) return r.target ? false : null;
  const { op, value } = r.target;
  return op === '>=' ? r.value >= value : op === '<=' ? r.value <= value : r.value === value;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Number.isInteger(n)) return String(n);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3).replace(/\.?0+$/, '') || '0';
}

export function formatTable(rows: Row[]): string {
  const lines = rows.map((r) => {
    const m = met(r);
    return [
      r.metric,
      `${fmt(r.value)}${r.unit ? ' ' + r.unit : ''}`,
      r.target ? (r.target.label ?? `${r.target.op} ${fmt(r.target.value)}`) : '',
      m === null ? '' : m ? 'met' : 'NOT MET',
      r.note ?? '',
    ];
  });
  const head = ['metric', 'value', 'target', 'status', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (l: string[]) =>
    l
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [row(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}
