/**
 * What every connector's tests need around the connector itself: nock at the HTTP edge, a
 * context over the real HTTP layer, loggers that stay quiet or keep their lines, and readers
 * of the pages a connector yields. Protocol bodies stay in each connector's own test.
 */
import { createServer } from 'node:net';
import nock from 'nock';
import { pino, type Level, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ConnectorContext } from '../../src/connector/define.js';
import type { CommonConnectorConfig } from '../../src/connector/spec.js';
import { createHttpClient, type HttpOptions } from '../../src/http/client.js';
import { NormalizedRecord, type NormalizeResult } from '../../src/model/record.js';

/**
 * nock for the enclosing suite: no real connection unless a test opens loopback itself, and no
 * interceptor or opened loopback left over for the next test.
 */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
  });
  afterAll(() => nock.enableNetConnect('127.0.0.1'));
}

export function silentLog(): Logger {
  return pino({ level: 'silent' });
}

/** A logger whose JSON lines land in `lines`, so tests can assert what reaches the log. */
export function capturingLog(level: Level = 'debug', lines: string[] = []): { log: Logger; lines: string[] } {
  return { log: pino({ level }, { write: (s: string) => void lines.push(s) }), lines };
}

/** A request rate no test waits on. */
export const UNTHROTTLED = { rps: 1_000, burst: 1_000 };

/**
 * A connector context over the real HTTP layer, built from the parsed config as the framework
 * builds it; `http` overrides what a test wants faster than the config says.
 */
export function connectorContext<C extends CommonConnectorConfig>(
  connector: { system: string; secrets(config: C): string[] },
  config: C,
  log: Logger,
  http: Partial<Pick<HttpOptions, 'timeoutMs' | 'rateLimit'>> = {},
): ConnectorContext<C> {
  const client = createHttpClient({
    system: connector.system,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    rateLimit: config.rateLimit,
    maxResponseBytes: config.maxResponseBytes,
    retry: config.retry,
    log,
    secrets: connector.secrets(config),
    ...http,
  });
  return { config, http: client, log };
}

/** An Error instance: nock 15 turns a plain object into a 5 s abort instead of a reset. */
export function connectionReset(message = 'socket hang up'): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

/**
 * A loopback base URL nothing listens on (its port was free a moment ago), with nock letting
 * loopback through, so a request meets a refused connection. `useNock` closes loopback again.
 */
export async function refusedBaseUrl(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
  nock.enableNetConnect('127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of it) out.push(p);
  return out;
}

/** Reads, keeping what was yielded before a failure. */
export async function collectUntilError<T>(it: AsyncIterable<T>): Promise<{ pages: T[]; error: unknown }> {
  const pages: T[] = [];
  try {
    for await (const p of it) pages.push(p);
  } catch (error) {
    return { pages, error };
  }
  return { pages, error: undefined };
}

/** The record, checked against the shared model (not just the fields a test asserts). */
export function recordOf(r: NormalizeResult): NormalizedRecord {
  if (!r.ok) throw new Error(`expected a record, got quarantine: ${r.reason}`);
  return NormalizedRecord.parse(r.record);
}
