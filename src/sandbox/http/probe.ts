import { createServer, request, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test kit for the simulators: a loopback server around a listener and a raw HTTP client that
 * reports what actually happened on the wire (complete, reset, timed out, aborted), which
 * fetch-style clients hide.
 */

export interface Served {
  base: string;
  close(): Promise<void>;
}

export function serve(listener: RequestListener): Promise<Served> {
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The servers a test file starts, closed together after each test: `afterEach(() => pool.closeAll())`. */
export class ServerPool {
  private readonly served: Served[] = [];

  async start(listener: RequestListener): Promise<Served> {
    const s = await serve(listener);
    this.served.push(s);
    return s;
  }

  async closeAll(): Promise<void> {
    for (const s of this.served.splice(0)) await s.close();
  }
}

export interface ProbeResult {
  outcome: 'complete' | 'reset' | 'timeout' | 'aborted';
  status?: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  elapsedMs: number;
}

export interface ProbeOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Give up (and close the connection) after this long. */
  timeoutMs?: number;
  /** Close the connection once this many body bytes have arrived. */
  abortAfterBytes?: number;
}

export function probe(url: string, o: ProbeOptions = {}): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let status: number | undefined;
    let headers: IncomingHttpHeaders = {};
    let settled = false;
    const finish = (outcome: ProbeResult['outcome']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        outcome,
        status,
        headers,
        body: Buffer.concat(chunks),
        elapsedMs: performance.now() - started,
      });
    };
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      status = res.statusCode;
      headers = res.headers;
      res.on('data', (c: Buffer) => {
        received += c.length;
        if (o.abortAfterBytes !== undefined && received >= o.abortAfterBytes) {
          finish('aborted');
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => finish('complete'));
      res.on('error', () => finish('reset'));
      res.on('aborted', () => finish('reset'));
    });
    const timer = setTimeout(() => {
      finish('timeout');
      req.destroy();
    }, o.timeoutMs ?? 10_000);
    req.on('error', () => finish('reset'));
    req.end(o.body);
  });
}
