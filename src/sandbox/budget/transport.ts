/**
 * The HTTP mechanics every simulator shares: replies built completely before they are sent (so a
 * fault can cut, delay or mislabel them), request bodies, and the ways a misbehaving server
 * delivers. Protocol-free; each simulator supplies its own envelopes.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** A complete answer: status, headers (without Content-Length) and the body bytes. */
export interface Reply {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export function send(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status, { ...r.headers, 'Content-Length': r.body.length });
  res.end(r.body);
}

/** A well-framed HTTP 200 whose content stops halfway, so it no longer parses. */
export function sendTruncated(res: ServerResponse, r: Reply): void {
  send(res, { status: 200, headers: r.headers, body: r.body.subarray(0, Math.floor(r.body.length / 2)) });
}

/**
 * Announces the whole body, sends half of it and never finishes: the client waits until its own
 * timeout. Nothing is scheduled, so nothing needs cleaning when the client finally hangs up.
 */
export function sendStalled(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status, { ...r.headers, 'Content-Length': r.body.length });
  const half = r.body.subarray(0, Math.floor(r.body.length / 2));
  if (half.length > 0) res.write(half);
  else res.flushHeaders();
}

/** Answers after `delayMs`, building the reply only then; gives up quietly if the client leaves first. */
export function sendLater(res: ServerResponse, delayMs: number, build: () => Reply): void {
  const timer = setTimeout(() => {
    if (!res.destroyed) send(res, build());
  }, delayMs);
  res.once('close', () => clearTimeout(timer));
}

/** The start and the repeated unit of an oversized body, in the protocol's own syntax. */
export interface Oversize {
  contentType: string;
  head: string;
  unit: string;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * A 200 of exactly `sizeBytes`, streamed in 64 KiB chunks under back-pressure so a 100 MB answer
 * never sits in memory; stops as soon as the client hangs up.
 */
export function streamOversized(res: ServerResponse, sizeBytes: number, o: Oversize): void {
  const unit = Buffer.from(o.unit, 'utf8');
  const chunk = Buffer.concat(
    Array.from({ length: Math.max(1, Math.ceil(CHUNK_BYTES / unit.length)) }, () => unit),
  );
  const first = Buffer.from(o.head, 'utf8');
  res.writeHead(200, { 'Content-Type': o.contentType, 'Content-Length': sizeBytes });
  let left = sizeBytes;
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  const take = (b: Buffer): Buffer => {
    const piece = b.length <= left ? b : b.subarray(0, left);
    left -= piece.length;
    return piece;
  };
  const pump = (): void => {
    while (!closed && left > 0) {
      const piece = take(left === sizeBytes ? first : chunk);
      if (left === 0) {
        res.end(piece);
        return;
      }
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed && left === 0 && !res.writableEnded) res.end();
  };
  pump();
}

/** What a gateway in front of the system answers when the system behind it fails. */
export function gatewayPage(status: 500 | 503, retryAfterSec?: number): Reply {
  const title = status === 500 ? '500 Internal Server Error' : '503 Service Temporarily Unavailable';
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  const headers: OutgoingHttpHeaders = { 'Content-Type': 'text/html' };
  if (retryAfterSec !== undefined) headers['Retry-After'] = String(retryAfterSec);
  return { status, headers, body: Buffer.from(html, 'utf8') };
}

/** The request body, or undefined when it exceeds `limitBytes` (the rest is discarded). */
export function readBody(req: IncomingMessage, limitBytes = 1 << 20): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= limitBytes) parts.push(b);
    });
    req.on('end', () => resolve(size <= limitBytes ? Buffer.concat(parts) : undefined));
    req.on('error', reject);
  });
}

/** The path of a request target, without the query. */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://simulator.invalid');
}
