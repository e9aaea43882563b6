/**
 * How a finished reply goes out on the wire, and the ways a misbehaving server delivers one:
 * cut off, stalled halfway, or late.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './reply.js';

/** Sends `body` (the reply's own by default) with a Content-Length that matches it. */
export function send(res: ServerResponse, r: Reply, body: Buffer = r.body): void {
  res.writeHead(r.status, { ...r.headers, 'Content-Length': String(body.length) });
  res.end(body);
}

/** A well-framed answer whose content stops halfway, so it no longer parses. */
export function sendTruncated(res: ServerResponse, r: Reply): void {
  send(res, r, r.body.subarray(0, Math.floor(r.body.length / 2)));
}

/**
 * Announces the whole body, sends half of it and never finishes: the client waits until its own
 * timeout. Nothing is scheduled, so nothing needs cleaning when the client finally hangs up.
 */
export function sendStalled(res: ServerResponse, r: Reply): void {
  res.writeHead(r.status, { ...r.headers, 'Content-Length': String(r.body.length) });
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
