import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRule } from '../faults.js';

/**
 * The transport half of a simulator, shared by the asset, smart-city and trading simulators:
 * how a finished reply goes out on the wire, and how the fault modes that do not depend on the
 * protocol (reset, slow, stall, truncated, tooLarge, a 500 page, a gateway 503) bend it. The
 * protocol half stays in each simulator: it builds the reply and says what "rate limited",
 * "busy" and "auth rejected" look like in its own envelope.
 */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Byte offset where `tooLarge` padding keeps the body parseable (after an XML declaration). */
  padAt?: number;
}

/** The faults whose body only the protocol can write. */
export type ProtocolFault = 'rateLimited' | 'busy' | 'authExpired' | 'authFail';

export function makeReply(status: number, contentType: string, body: string | Buffer): Reply {
  return {
    status,
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

const DEFAULT_SLOW_MS = 2000;
const DEFAULT_TOO_LARGE_BYTES = 100 * 1024 * 1024;
const PAD_CHUNK = Buffer.alloc(64 * 1024, 0x20);

function withRetryAfter(r: Reply, sec: number): Reply {
  return { ...r, headers: { ...r.headers, 'Retry-After': String(sec) } };
}

function send(res: ServerResponse, r: Reply, body: Buffer = r.body): void {
  res.writeHead(r.status, { ...r.headers, 'Content-Length': String(body.length) });
  res.end(body);
}

/**
 * Answers the faults that replace the whole response. Returns true when it did, so the
 * simulator must not answer the request itself.
 */
export function answerFault(
  req: IncomingMessage,
  res: ServerResponse,
  rule: FaultRule | undefined,
  protocol: (fault: ProtocolFault) => Reply,
): boolean {
  if (!rule) return false;
  const retryAfter = rule.retryAfterSec ?? 1;
  switch (rule.mode) {
    case 'reset':
      req.socket.destroy();
      return true;
    case 'http500':
      send(res, makeReply(500, 'text/html; charset=utf-8', INTERNAL_ERROR_HTML));
      return true;
    case 'http503':
      send(
        res,
        withRetryAfter(
          makeReply(503, 'text/plain; charset=utf-8', 'Service Temporarily Unavailable'),
          retryAfter,
        ),
      );
      return true;
    case 'http429':
      send(res, withRetryAfter(protocol('rateLimited'), retryAfter));
      return true;
    case 'envelopeBusy':
      send(res, withRetryAfter(protocol('busy'), retryAfter));
      return true;
    case 'authExpired':
      send(res, protocol('authExpired'));
      return true;
    case 'authFail':
      send(res, protocol('authFail'));
      return true;
    default:
      return false;
  }
}

/** Writes a reply, bent by the fault that shapes a response rather than replacing it. */
export function deliver(res: ServerResponse, r: Reply, rule?: FaultRule): void {
  if (res.destroyed) return;
  switch (rule?.mode) {
    case 'slow': {
      const timer = setTimeout(() => deliver(res, r), rule.delayMs ?? DEFAULT_SLOW_MS);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'stall':
      // Content-Length promises the whole body, so the client keeps waiting for the rest.
      res.writeHead(r.status, { ...r.headers, 'Content-Length': String(r.body.length) });
      res.write(r.body.subarray(0, Math.floor(r.body.length / 2)));
      return;
    case 'truncated':
      send(res, r, r.body.subarray(0, Math.floor(r.body.length / 2)));
      return;
    case 'tooLarge':
      streamPadded(res, r, rule.sizeBytes ?? DEFAULT_TOO_LARGE_BYTES);
      return;
    case 'badEncoding':
      send(res, {
        ...r,
        headers: { ...r.headers, 'Content-Type': lieAboutCharset(r.headers['Content-Type']) },
      });
      return;
    default:
      send(res, r);
  }
}

function lieAboutCharset(contentType: string | undefined): string {
  const base = (contentType ?? 'application/octet-stream').split(';')[0]!;
  return `${base}; charset=GBK`;
}

/**
 * Streams the reply padded with whitespace to `size` bytes, honouring back-pressure and
 * stopping as soon as the client goes away, so a 100 MB answer costs no memory.
 */
function streamPadded(res: ServerResponse, r: Reply, size: number): void {
  const at = r.padAt ?? 0;
  let left = Math.max(0, size - r.body.length);
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  res.writeHead(200, r.headers);
  res.write(r.body.subarray(0, at));
  const pump = (): void => {
    while (left > 0) {
      if (closed) return;
      const n = Math.min(left, PAD_CHUNK.length);
      left -= n;
      if (!res.write(n === PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!closed) res.end(r.body.subarray(at));
  };
  pump();
}

/** Reads the whole request body (the asset signature covers its hash). */
export function readBody(req: IncomingMessage, maxBytes = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.destroy(new Error('request body too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Splits `req.url` into the path exactly as sent and the raw query string. */
export function splitUrl(rawUrl: string | undefined): { path: string; query: string } {
  const url = rawUrl ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

const INTERNAL_ERROR_HTML =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n' +
  '<body><h1>500 Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n';
