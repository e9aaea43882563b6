/**
 * Answers far larger than any page (the `tooLarge` fault), streamed under back-pressure so a
 * 100 MB body never sits in memory, and stopped as soon as the client hangs up.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './reply.js';

/** What `tooLarge` sends when its rule names no size: far more than any client accepts. */
export const DEFAULT_TOO_LARGE_BYTES = 100 * 1024 * 1024;

const CHUNK_BYTES = 64 * 1024;
const PAD_CHUNK = Buffer.alloc(CHUNK_BYTES, 0x20);

/** The start and the repeated unit of an oversized body, in the protocol's own syntax. */
export interface Oversize {
  contentType: string;
  head: string;
  unit: string;
}

/** A 200 of exactly `sizeBytes`: `head`, then `unit` over and over, cut at the size. */
export function streamOversized(res: ServerResponse, sizeBytes: number, o: Oversize): void {
  const unit = Buffer.from(o.unit, 'utf8');
  const chunk = Buffer.concat(
    Array.from({ length: Math.max(1, Math.ceil(CHUNK_BYTES / unit.length)) }, () => unit),
  );
  res.writeHead(200, { 'Content-Type': o.contentType, 'Content-Length': sizeBytes });
  pump(res, repeated(Buffer.from(o.head, 'utf8'), chunk, sizeBytes));
}

/**
 * A 200 of the reply padded with whitespace at its `padAt` offset to `sizeBytes`, so it stays
 * parseable and only its size is wrong.
 */
export function streamPadded(res: ServerResponse, r: Reply, sizeBytes: number): void {
  res.writeHead(200, r.headers);
  pump(res, padded(r, sizeBytes));
}

function* repeated(head: Buffer, chunk: Buffer, size: number): Generator<Buffer> {
  let left = size;
  for (let b = head; left > 0; b = chunk) {
    const piece = b.length <= left ? b : b.subarray(0, left);
    left -= piece.length;
    yield piece;
  }
}

function* padded(r: Reply, size: number): Generator<Buffer> {
  const at = r.padAt ?? 0;
  yield r.body.subarray(0, at);
  for (let left = Math.max(0, size - r.body.length); left > 0;) {
    const n = Math.min(left, PAD_CHUNK.length);
    left -= n;
    yield n === PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, n);
  }
  yield r.body.subarray(at);
}

/** Writes the pieces in order, waiting for `drain` when the socket is full, then ends. */
function pump(res: ServerResponse, pieces: Iterator<Buffer>): void {
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  const next = (): void => {
    while (!closed) {
      const piece = pieces.next();
      if (piece.done) {
        if (!res.writableEnded) res.end();
        return;
      }
      if (piece.value.length > 0 && !res.write(piece.value)) {
        res.once('drain', next);
        return;
      }
    }
  };
  next();
}
