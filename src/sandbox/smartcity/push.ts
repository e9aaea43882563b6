import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggedEvent } from './eventLog.js';

/**
 * The platform's webhook sender (smartcity.md §4): signed batches of logged events POSTed to a
 * consumer on the loopback interface, up to `concurrency` in flight, each retried on a non-2xx
 * answer, a timeout or a connection error with the same batchId and body but a fresh
 * timestamp and signature.
 *
 * @example
 * const r = await pushBatches({ url: 'http://127.0.0.1:8080/webhooks/smartcity',
 *   secret: SANDBOX_CREDENTIALS.smartcity.pushSecret, events: sim.data, duplicateRate: 0.05, seed: 7 });
 * // r.failed === 0 when the hub acknowledged every batch
 */
export interface PushOptions {
  /** Consumer endpoint; only http on 127.0.0.1, localhost or [::1]. */
  url: string;
  secret: string;
  events: readonly LoggedEvent[];
  /** Events per batch, 1–200; default 100. */
  batchSize?: number;
  /** Batches in flight at a time; default 4. */
  concurrency?: number;
  /** Clock in epoch ms for X-SC-Timestamp and sentAt; default Date.now. */
  now?: () => number;
  /** Waits before the 2nd, 3rd, … attempt; default 1, 2, 4, 8, 16 s (6 attempts in all). */
  retryDelaysMs?: number[];
  /** How long the consumer has to answer; default 10 s. */
  timeoutMs?: number;
  /** Share of acknowledged batches delivered once more (a lost acknowledgement); default 0. */
  duplicateRate?: number;
  /** Seed of the duplicate draw. */
  seed?: number;
}

export interface PushResult {
  /** Batches acknowledged with a 2xx. */
  delivered: number;
  /** Batches dropped after the last retry. */
  failed: number;
  /** POSTs made, retries and duplicate deliveries included. */
  attempts: number;
}

export const PUSH_USER_AGENT = 'SmartCity-Webhook/2.3';
const DEFAULT_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 16000];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_BATCH = 200;

/** `sha256=` + lower-case hex HMAC-SHA256 over `timestamp + "." + body`. */
export function signPush(secret: string, timestampSec: number, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex')}`;
}

/** The URL, if it points at the loopback interface over plain http; throws otherwise. */
export function loopbackUrl(url: string): URL {
  const u = new URL(url);
  if (u.protocol !== 'http:' || !LOOPBACK_HOSTS.has(u.hostname)) {
    throw new Error(`pushBatches only delivers to http://127.0.0.1, localhost or [::1], not ${u.origin}`);
  }
  return u;
}

export async function pushBatches(o: PushOptions): Promise<PushResult> {
  const url = loopbackUrl(o.url);
  const batchSize = o.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH}`);
  }
  const concurrency = Math.max(1, o.concurrency ?? 4);
  const now = o.now ?? Date.now;
  const delays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const duplicate = duplicateDraw(o.duplicateRate ?? 0, o.seed ?? 1);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: PushResult = { delivered: 0, failed: 0, attempts: 0 };

  const attempt = (batchId: string, body: Buffer): Promise<boolean> => {
    result.attempts += 1;
    const timestamp = Math.floor(now() / 1000);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(body.length),
      'X-SC-Timestamp': String(timestamp),
      'X-SC-Signature': signPush(o.secret, timestamp, body),
      'X-SC-Batch-Id': batchId,
      'User-Agent': PUSH_USER_AGENT,
    };
    return post(url, agent, headers, body, timeoutMs);
  };

  const sendBatch = async (events: readonly LoggedEvent[]): Promise<void> => {
    const batchId = randomUUID();
    const body = Buffer.from(
      JSON.stringify({ batchId, sentAt: isoSeconds(now()), events: events.map(ordered) }),
    );
    for (let i = 0; ; i++) {
      if (await attempt(batchId, body)) {
        result.delivered += 1;
        if (duplicate()) {
          await sleep(delays[0] ?? 0);
          await attempt(batchId, body);
        }
        return;
      }
      if (i >= delays.length) {
        result.failed += 1;
        return;
      }
      await sleep(delays[i]!);
    }
  };

  const batches: Array<readonly LoggedEvent[]> = [];
  for (let i = 0; i < o.events.length; i += batchSize) batches.push(o.events.slice(i, i + batchSize));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) await sendBatch(batches[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  } finally {
    agent.destroy();
  }
  return result;
}

/** True when the consumer answered 2xx within the timeout. */
function post(
  url: URL,
  agent: Agent,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', headers, agent, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        res.on('error', () => resolve(false));
        res.on('end', () => resolve(ok));
        res.resume();
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** The event in the field order of §1, whatever order the caller's object has. */
function ordered(e: LoggedEvent): LoggedEvent {
  return {
    seq: e.seq,
    receivedAt: e.receivedAt,
    eventId: e.eventId,
    type: e.type,
    eventTime: e.eventTime,
    siteId: e.siteId,
    payload: e.payload,
  };
}

/** A seeded draw (mulberry32), so duplicate deliveries replay identically. */
function duplicateDraw(rate: number, seed: number): () => boolean {
  let a = seed >>> 0;
  return () => {
    if (rate <= 0) return false;
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 < rate;
  };
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
