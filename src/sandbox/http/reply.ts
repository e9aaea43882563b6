/**
 * A simulator's answer, built completely before it is sent, so that a fault can still cut,
 * delay, pad or mislabel it on its way out.
 */
export interface Reply {
  status: number;
  /** Without Content-Length: the sender sets it from the bytes it really sends. */
  headers: Record<string, string>;
  body: Buffer;
  /** Byte offset where `tooLarge` padding keeps the body parseable (after an XML declaration). */
  padAt?: number;
}

export function makeReply(status: number, contentType: string, body: string | Buffer): Reply {
  return {
    status,
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

/** UTF-8 JSON; `mislabel` keeps the bytes but declares them GBK. */
export function toJsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
  mislabel = false,
): Reply {
  return {
    status,
    headers: { 'Content-Type': `application/json; charset=${mislabel ? 'GBK' : 'utf-8'}`, ...headers },
    body: Buffer.from(JSON.stringify(value), 'utf8'),
  };
}

export function withRetryAfter(r: Reply, sec: number): Reply {
  return { ...r, headers: { ...r.headers, 'Retry-After': String(sec) } };
}

/** The same bytes declared as GBK: what a server with a wrong charset setting sends. */
export function mislabelled(r: Reply): Reply {
  const base = (r.headers['Content-Type'] ?? 'application/octet-stream').split(';')[0]!;
  return { ...r, headers: { ...r.headers, 'Content-Type': `${base}; charset=GBK` } };
}
