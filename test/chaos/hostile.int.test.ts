import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnector } from '../../pipelines/ingest/worker.js';
import { waitForDrain } from '../../pipelines/sweep.js';
import { syncOnce } from '../../src/cli/syncOnce.js';
import { HubError } from '../../src/errors.js';
import { recordId } from '../../src/model/record.js';
import { SYSTEMS, type SystemId } from '../../src/model/systems.js';
import { sandboxConnectors, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { recordCases, wireCases, type RecordCase } from '../fixtures/hostile/corpus.js';
import { peakRssGrowth } from '../fixtures/hostile/memory.js';
import { startHostileProxy, type HostileProxy } from '../fixtures/hostile/proxy.js';
import { testHub } from '../helpers/hub.js';
import { accountingHolds } from '../helpers/ledger.js';

/**
 * "Nothing lost, no one in": hostile payloads from every source, whole responses and single
 * records. A response the hub cannot read faithfully fails the run with a clear code and leaves
 * the cursor where it was; a record it cannot accept is quarantined with a reason while the rest
 * of its page goes on; nothing expands, reaches out, or touches a prototype.
 */

/** The endpoint that carries each system's records (the token endpoint of OA stays honest). */
const DATA_PATH: Record<SystemId, string> = {
  budget: '/budget/gateway',
  oa: '/oa/api/v1/documents',
  asset: '/asset/open/v1/asset-cards',
  benefit: '/benefit/api/open/v1/disbursements',
  smartcity: '/smartcity/api/v2/events',
  trading: '/trading/api/v1/feed',
};

/** A small cap so the 100 MB answer proves the cap bounds memory, not the machine. */
const CAP_BYTES = 4 * 1024 * 1024;
/** Far below any expansion of the payloads (10^9 entity copies, 100 MB bodies). */
const MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;
const PASSWD = /root:.*:0:0:/;

type Hub = Awaited<ReturnType<typeof testHub>>;

function prototypesClean(): void {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTO_KEYS);
}
const OBJECT_PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

describe('hostile responses at the connector edge', () => {
  let sandbox: Sandbox;
  let proxy: HostileProxy;
  let hub: Hub;

  beforeAll(async () => {
    sandbox = await startSandbox({ projects: 6, seed: 17 });
    proxy = await startHostileProxy(sandbox.urls);
    const urls = Object.fromEntries(SYSTEMS.map((s) => [s, proxy.url])) as Record<SystemId, string>;
    const connectors = sandboxConnectors(urls, { retry: { attempts: 2, baseMs: 1, maxMs: 5 } }) as Record<
      SystemId,
      Record<string, unknown>
    >;
    for (const s of SYSTEMS)
      connectors[s] = { ...connectors[s], maxResponseBytes: CAP_BYTES, timeoutMs: 5_000 };
    hub = await testHub(connectors);
    // Every connector has a saved cursor that a hostile answer must not move.
    const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
    for (const r of rows) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    await proxy?.close();
    await sandbox?.close();
  });

  async function failedRun(system: SystemId): Promise<{ error: unknown; grownBytes: number }> {
    const { result, grownBytes } = await peakRssGrowth(() =>
      runConnector(system, { full: false, runId: randomUUID() }, hub.deps).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    return { error: result, grownBytes };
  }

  describe.each(SYSTEMS)('%s', (system) => {
    for (const c of wireCases(system)) {
      it(`${c.file} (${c.about}) fails the run with ${c.expect} and moves nothing`, async () => {
        // The previous run's records settle first, so the counts below move only by this run.
        await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
        const before = await hub.store.connectorState(system);
        const acctBefore = (await hub.store.accounting())[system];
        proxy.serve({ pathPrefix: DATA_PATH[system], status: 200, contentType: c.contentType, body: c.body });
        let outcome: { error: unknown; grownBytes: number };
        try {
          outcome = await failedRun(system);
          expect(proxy.served).toBeGreaterThan(0);
        } finally {
          proxy.serve(null);
        }
        const { error, grownBytes } = outcome;
        expect(error).toBeInstanceOf(HubError);
        expect((error as HubError).code).toBe(c.expect);
        expect((error as HubError).message).not.toMatch(PASSWD);
        expect((error as HubError).message).not.toMatch(/(lol){3}/);
        expect(grownBytes).toBeLessThan(MEMORY_BUDGET_BYTES);

        const after = await hub.store.connectorState(system);
        expect(after['state']).toBe(before['state']);
        expect(after['lastError']).toMatch(new RegExp(`^${c.expect}: `));
        await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
        expect((await hub.store.accounting())[system]).toEqual(acctBefore);
        prototypesClean();
      });
    }

    it('a 100 MB answer stops at the size cap: SOURCE_TOO_LARGE, not retried, memory bounded', async () => {
      const before = await hub.store.connectorState(system);
      const faults = sandbox.faults[system];
      const calls = () => faults.seen.filter((p) => p.startsWith(DATA_PATH[system])).length;
      const callsBefore = calls();
      faults.add({
        mode: 'tooLarge',
        pathPrefix: DATA_PATH[system],
        sizeBytes: 100 * 1024 * 1024,
        times: Infinity,
      });
      let outcome: { error: unknown; grownBytes: number };
      try {
        outcome = await failedRun(system);
      } finally {
        faults.clear();
      }
      expect(outcome.error).toBeInstanceOf(HubError);
      expect((outcome.error as HubError).code).toBe('HUB_SOURCE_TOO_LARGE');
      // A config failure: one request, no retry of a response that will be as large again.
      expect(calls() - callsBefore).toBe(1);
      expect(outcome.grownBytes).toBeLessThan(MEMORY_BUDGET_BYTES);
      expect((await hub.store.connectorState(system))['state']).toBe(before['state']);
    });
  });

  it('keeps serving after the whole corpus', async () => {
    const res = await hub.api!.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    const rows = await syncOnce(hub, [...SYSTEMS], { full: false, quiet: true });
    for (const r of rows) expect(r.ok, `${r.system}: ${r.error}`).toBe(true);
  });
});

describe('hostile records in a normalize batch', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({});
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function deliver(system: SystemId, cases: RecordCase[]): Promise<void> {
    // One page per stream, valid and hostile records mixed as a source would send them.
    for (const stream of [...new Set(cases.map((c) => c.stream))]) {
      await hub.queues.add('normalize', {
        system,
        stream,
        position: { corpus: 'hostile' },
        raws: cases.filter((c) => c.stream === stream).map((c) => c.raw),
        runId: null,
        receivedAt: new Date().toISOString(),
      });
    }
    await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
  }

  interface QuarantinedItem {
    kind: unknown;
    reason: string;
    position: { stream: string; index: number };
    raw: unknown;
  }

  describe.each(SYSTEMS)('%s', (system) => {
    const cases = recordCases(system);
    const hostile = cases.filter((c) => c.expect === 'quarantined');
    const valid = cases.filter((c) => c.expect === 'stored');
    const indexOf = (c: RecordCase) => cases.filter((x) => x.stream === c.stream).indexOf(c);

    beforeAll(async () => {
      await deliver(system, cases);
    });

    it('quarantines each hostile record with a reason naming the problem', async () => {
      const page = await hub.store.listIndex(hub.store.keys.quarantineIndex(system), null, 500);
      const items = (await hub.store.quarantineItems(page.ids)) as QuarantinedItem[];
      expect(items).toHaveLength(hostile.length);
      for (const c of hostile) {
        const item = items.find((i) => i.position.stream === c.stream && i.position.index === indexOf(c));
        expect(item, c.id).toBeDefined();
        expect(item!.reason, c.id).toMatch(new RegExp(c.reason ?? '.'));
        // The raw payload is kept as received, hostile keys included, for a person to fix.
        expect(JSON.stringify(item!.raw), c.id).toBe(JSON.stringify(c.raw));
      }
    });

    it('stores every valid record of the same pages, linked or unlinked, with its warnings', async () => {
      const ids = valid.map((c) => recordId({ system, kind: c.kind!, sourceId: c.sourceId! }));
      const stored = await hub.store.loadRecords(ids);
      for (const [i, c] of valid.entries()) {
        const r = stored.get(ids[i]!);
        expect(r, c.id).toBeDefined();
        expect(['linked', 'unlinked'], c.id).toContain(r!.state);
        expect(r!.record.warnings, c.id).toEqual(c.warnings ?? []);
      }
      const acct = (await hub.store.accounting())[system]!;
      expect(acct).toMatchObject({ quarantined: hostile.length, pending: 0 });
      expect(acct.linked + acct.unlinked).toBe(valid.length);
      const holds = await accountingHolds(hub.store);
      expect(holds.ok, JSON.stringify(holds.detail)).toBe(true);
    });

    it('touches no prototype', () => {
      prototypesClean();
    });

    it('lists the quarantine over the API and keeps serving', async () => {
      const res = await hub.api!.inject({
        method: 'GET',
        url: `/api/v1/quarantine?system=${system}&limit=500`,
        headers: { authorization: `Bearer ${hub.adminKey}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { total: number; items: Array<{ reason: string }> };
      expect(body.total).toBe(hostile.length);
      expect(body.items.map((i) => i.reason).sort()).toEqual(
        (
          (await hub.store.quarantineItems(
            (await hub.store.listIndex(hub.store.keys.quarantineIndex(system), null, 500)).ids,
          )) as QuarantinedItem[]
        )
          .map((i) => i.reason)
          .sort(),
      );
      expect((await hub.api!.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });

    for (const c of hostile) {
      it(`${c.id}: the quarantine entry names its kind as text, or null when unknown`, async () => {
        const page = await hub.store.listIndex(hub.store.keys.quarantineIndex(system), null, 500);
        const items = (await hub.store.quarantineItems(page.ids)) as QuarantinedItem[];
        const item = items.find((i) => i.position.stream === c.stream && i.position.index === indexOf(c));
        expect(item).toBeDefined();
        expect(item!.kind === null || typeof item!.kind === 'string', JSON.stringify(item!.kind)).toBe(true);
      });
    }
  });
});
