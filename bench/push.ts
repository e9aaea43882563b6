import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { Redis } from 'ioredis';
import { changeFields } from '../src/ledger/store.js';
import { signPush } from '../src/sandbox/smartcity/push.js';
import { quantile } from './load.js';

/**
 * Section 3: signed smart-city pushes at a steady rate, each event a new progress report for a
 * site the ledger knows. The latency of an event runs from the 2xx acknowledging its batch to the
 * moment a change-feed entry names the event's record (`recordLinked`, smartcity/progress/eventId),
 * read from the stream with a blocking XREAD.
 */
export interface PushLatency {
  sent: number;
  acked: number;
  matched: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  achievedRate: number;
  /** Answers to the batches by HTTP status (`error` = no answer). */
  statuses: Record<string, number>;
}

export async function pushLatency(o: {
  url: string;
  secret: string;
  sites: string[];
  changesKey: string;
  reader: Redis;
  rate: number;
  batch: number;
  seconds: number;
  firstSeq: number;
  settleMs: number;
}): Promise<PushLatency> {
  const ackAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const latencies: number[] = [];
  const settle = (id: string) => {
    const a = ackAt.get(id);
    const s = seenAt.get(id);
    if (a === undefined || s === undefined) return;
    latencies.push(Math.max(0, s - a));
    ackAt.delete(id);
    seenAt.delete(id);
  };

  const last = (await o.reader.xrevrange(o.changesKey, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
  let cursor = last[0]?.[0] ?? '0-0';
  let reading = true;
  const watch = (async () => {
    while (reading) {
      const res = (await o.reader.xreadBuffer(
        'COUNT',
        1000,
        'BLOCK',
        200,
        'STREAMS',
        o.changesKey,
        cursor,
      )) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      const now = performance.now();
      for (const [, entries] of res ?? []) {
        for (const [id, fields] of entries) {
          cursor = id.toString('latin1');
          const events = changeFields(fields).events as Array<{
            type: string;
            system?: string;
            sourceId?: string;
          }>;
          for (const e of events) {
            if (e.type === 'recordLinked' && e.system === 'smartcity' && e.sourceId) {
              if (!seenAt.has(e.sourceId)) seenAt.set(e.sourceId, now);
              settle(e.sourceId);
            }
          }
        }
      }
    }
  })();

  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(o.url);
  let seq = o.firstSeq;
  let sent = 0;
  let acked = 0;
  const inflight: Array<Promise<void>> = [];
  const statuses: Record<string, number> = {};
  const batches = Math.round((o.seconds * o.rate) / o.batch);
  const intervalMs = (1000 * o.batch) / o.rate;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const due = t0 + b * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const nowIso = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const events = Array.from({ length: o.batch }, () => {
      const k = seq++;
      return {
        seq: k,
        receivedAt: nowIso,
        eventId: randomBytes(16).toString('hex'),
        type: 'progress.report',
        eventTime: nowIso,
        siteId: o.sites[k % o.sites.length]!,
        payload: { progressPercent: ((k % 999) + 1) / 10, reporter: '监理单位' },
      };
    });
    sent += events.length;
    const batchId = randomUUID();
    const body = Buffer.from(JSON.stringify({ batchId, sentAt: nowIso, events }));
    const ts = Math.floor(Date.now() / 1000);
    inflight.push(
      post(url, agent, body, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(body.length),
        'X-SC-Timestamp': String(ts),
        'X-SC-Signature': signPush(o.secret, ts, body),
        'X-SC-Batch-Id': batchId,
      }).then((status) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (!/^2\d\d$/.test(status)) return;
        const at = performance.now();
        acked += events.length;
        for (const e of events) {
          ackAt.set(e.eventId, at);
          settle(e.eventId);
        }
      }),
    );
  }
  await Promise.all(inflight);
  const achievedRate = sent / ((performance.now() - t0) / 1000);
  const deadline = performance.now() + o.settleMs;
  while (ackAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  reading = false;
  await watch;
  agent.destroy();
  return {
    sent,
    acked,
    matched: latencies.length,
    missing: acked - latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    achievedRate,
    statuses,
  };
}

/** The answer's HTTP status, or `error` when there was none. */
function post(url: URL, agent: Agent, body: Buffer, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers, signal: AbortSignal.timeout(10_000) },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', () => resolve('error'));
      },
    );
    req.on('error', () => resolve('error'));
    req.end(body);
  });
}
