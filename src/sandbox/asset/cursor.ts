/**
 * The listing cursor: base64url JSON of the last position delivered, `u` = updatedAt and
 * `k` = assetCode, plus `s` = the walk's updatedSince (the cursor carries its own query).
 */
export interface CardPosition {
  s: number;
  u: number;
  k: string;
}

export function encodeCursor(p: CardPosition): string {
  return Buffer.from(JSON.stringify({ s: p.s, u: p.u, k: p.k })).toString('base64url');
}

/** The position, or undefined when the text is not a cursor this API issued. */
export function decodeCursor(text: string): CardPosition | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { s, u, k } = v as Record<string, unknown>;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(u) || typeof k !== 'string' || k === '')
    return undefined;
  return { s: s as number, u: u as number, k };
}
