import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChangeEntry } from '../../src/ledger/store.js';
import type { Hub } from '../../src/hub.js';
import type { DeliveryMetrics, WebhookBatch } from '../../src/webhooks/delivery.js';
import { xmk as baseXmk } from '../helpers/budgetRecords.js';

/**
 * Resolves when `check()` holds, re-checking whenever `subscribe`'s callback fires; rejects after
 * `timeoutMs` (a bound, never the synchronization itself).
 */
function waitUntil(
  check: () => boolean,
  subscribe: (wake: () => void) => () => void,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const off = subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

class Notifier {
  private readonly listeners = new Set<() => void>();
  on = (f: () => void) => {
    this.listeners.add(f);
    return () => void this.listeners.delete(f);
  };
  fire() {
    for (const f of [...this.listeners]) f();
  }
}

export interface ReceivedRequest {
  body: WebhookBatch;
  raw: string;
  timestamp: string;
  signatureValid: boolean;
  status: number;
}

export type Behaviour = 'ok' | 'fail' | 'hang';

/**
 * A webhook subscriber on 127.0.0.1 that checks every signature with its own HMAC (not the hub's
 * code) and records what it was sent. `plan` holds statuses for the next requests; after that,
 * `behaviour` decides: 200, 500, or hold the request open until `release`.
 */
export async function startReceiver(secret: string) {
  const notify = new Notifier();
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  const state = { behaviour: 'ok' as Behaviour, plan: [] as number[] };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-ledger-timestamp'] ?? '');
      const sig = String(req.headers['x-ledger-signature'] ?? '');
      const want = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
      const signatureValid =
        fresh && want.length === sig.length && timingSafeEqual(Buffer.from(want), Buffer.from(sig));
      const planned = state.plan.shift();
      const behaviour: Behaviour | number = planned ?? state.behaviour;
      const status: number = !signatureValid
        ? 401
        : typeof behaviour === 'number'
          ? behaviour
          : behaviour === 'fail'
            ? 500
            : 200;
      const rec: ReceivedRequest = {
        body: JSON.parse(raw) as WebhookBatch,
        raw,
        timestamp,
        signatureValid,
        status,
      };
      requests.push(rec);
      if (behaviour === 'hang' && signatureValid) {
        rec.status = 0;
        held.push(res);
      } else res.writeHead(status).end();
      notify.fire();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const accepted = () => requests.filter((r) => r.status >= 200 && r.status < 300);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    state,
    /** Batches answered with a 2xx, in arrival order. */
    accepted,
    /** Seqs of every accepted live (not replayed) entry, in arrival order. */
    liveSeqs: () =>
      accepted()
        .filter((r) => !r.body.replayOf)
        .flatMap((r) => r.body.changes.map((c) => c.seq)),
    held: () => held.length,
    /** Answers every held request with `status`. */
    release(status: number) {
      for (const res of held.splice(0)) res.writeHead(status).end();
    },
    waitFor(check: () => boolean, timeoutMs = 15_000, what = 'the receiver') {
      return waitUntil(check, notify.on, timeoutMs, what);
    },
    async close() {
      this.release(503);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Delivery metrics that record every event and let a test await a condition on them. */
export function probe() {
  const notify = new Notifier();
  const events = {
    delivered: [] as Array<{ subscriber: string; seqs: number[]; replayOf: string | null }>,
    failed: [] as Array<{ subscriber: string; attempt: number; error: string }>,
    dead: [] as Array<{ subscriber: string; id: string; seqs: number[] }>,
    cursor: new Map<string, number>(),
    oldest: new Map<string, string | null>(),
  };
  const metrics: DeliveryMetrics = {
    delivered: (subscriber, seqs, replayOf) => (
      events.delivered.push({ subscriber, seqs, replayOf }),
      notify.fire()
    ),
    failedAttempt: (subscriber, attempt, error) => (
      events.failed.push({ subscriber, attempt, error }),
      notify.fire()
    ),
    deadLettered: (subscriber, id, seqs) => (events.dead.push({ subscriber, id, seqs }), notify.fire()),
    cursor: (subscriber, seq) => (events.cursor.set(subscriber, seq), notify.fire()),
    oldestUndelivered: (subscriber, at) => (events.oldest.set(subscriber, at), notify.fire()),
  };
  return {
    metrics,
    events,
    waitFor(check: () => boolean, timeoutMs = 15_000, what = 'delivery') {
      return waitUntil(check, notify.on, timeoutMs, what);
    },
  };
}

export const SECRET = 'test-webhook-secret-0123456789';

/** Webhook config for a receiver, fast retries so tests stay short. */
export function subscriber(id: string, url: string, extra: Record<string, unknown> = {}) {
  return { id, url, secret: SECRET, backoff: { baseMs: 5, maxMs: 20 }, ...extra };
}

/** The whole change feed, as GET /api/v1/changes serves it. */
export async function allChanges(hub: Hub & { readKey: string }): Promise<ChangeEntry[]> {
  const res = await hub.api!.inject({
    method: 'GET',
    url: '/api/v1/changes?after=0&limit=1000',
    headers: { authorization: `Bearer ${hub.readKey}` },
  });
  return (res.json() as { changes: ChangeEntry[] }).changes;
}

/** A budget project-library record (budget.md §4) in a chosen district and sector. */
export function xmk(
  code: string,
  opts: { district?: [string, string]; sector?: [string, string]; bbh?: number } = {},
) {
  const [dcode, dname] = opts.district ?? ['150203', '昆都仑区'];
  const [scode, sname] = opts.sector ?? ['04', '基础设施'];
  return baseXmk(
    code,
    `2023-${dcode}-48-01-${code.slice(-6)}`,
    `项目${code.slice(-4)}号综合工程`,
    opts.bbh ?? 1,
    {
      DWMC: '包头市住房和城乡建设局',
      XZQHDM: dcode,
      XZQHMC: dname,
      ZDLYDM: scode,
      ZDLYMC: sname,
    },
  );
}

/** A budget payment record. */
export { zf } from '../helpers/budgetRecords.js';
