import type { IncomingMessage } from 'node:http';

/** The request body, or undefined when it exceeds `limitBytes` (the rest is read and discarded). */
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
