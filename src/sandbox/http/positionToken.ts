/**
 * Opaque walk positions (the asset cursor, the trading page token): base64url JSON of the query
 * the walk continues, under a one-letter name, and the last position delivered, `u` = the order
 * value and `k` = the key. Carrying the query makes a token self-contained.
 */
export interface Position<Q> {
  /** The query the walk continues (asset: updatedSince; trading: the notice type). */
  q: Q;
  u: number;
  k: string;
}

export class PositionToken<Q> {
  /**
   * @param field the JSON name of the query in the token (part of the token's text)
   * @param isQuery whether a decoded query value is one this API issues
   */
  constructor(
    private readonly field: string,
    private readonly isQuery: (v: unknown) => v is Q,
  ) {}

  encode(p: Position<Q>): string {
    return Buffer.from(JSON.stringify({ [this.field]: p.q, u: p.u, k: p.k })).toString('base64url');
  }

  /** The position, or undefined when the text is not a token this API issued. */
  decode(text: string): Position<Q> | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    const { [this.field]: q, u, k } = v as Record<string, unknown>;
    if (!this.isQuery(q) || !Number.isSafeInteger(u) || typeof k !== 'string' || k === '') return undefined;
    return { q, u: u as number, k };
  }
}
