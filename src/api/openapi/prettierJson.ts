/**
 * JSON text laid out exactly as prettier formats a .json file that was written with one key
 * per line, so a generated document passes `prettier --check` without running prettier:
 * objects always expanded, arrays of scalars on one line when they fit the print width.
 */
const PRINT_WIDTH = 110;
const INDENT = '  ';

function isScalar(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** Display width as prettier counts it: East Asian wide characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

function scalar(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  return JSON.stringify(v);
}

/** `lead` is what precedes the value on its line, `trail` what follows it (a comma or nothing). */
function print(v: unknown, depth: number, lead: string, trail: string): string {
  if (isScalar(v)) return scalar(v);
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(v)) {
    if (v.every(isScalar)) {
      const flat = `[${v.map(scalar).join(', ')}]`;
      if (width(lead) + width(flat) + trail.length <= PRINT_WIDTH) return flat;
    }
    const items = v.map((x, i) => {
      const t = i < v.length - 1 ? ',' : '';
      return pad + print(x, depth + 1, pad, t) + t;
    });
    return `[\n${items.join('\n')}\n${close}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  const lines = entries.map(([k, x], i) => {
    const t = i < entries.length - 1 ? ',' : '';
    const head = `${pad}${JSON.stringify(k)}: `;
    return head + print(x, depth + 1, head, t) + t;
  });
  return `{\n${lines.join('\n')}\n${close}}`;
}

export function prettierJson(value: unknown): string {
  return `${print(value, 0, '', '')}\n`;
}
