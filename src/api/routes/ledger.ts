import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findingsOf } from '../../../pipelines/merge/findings.js';
import type { ProjectDoc } from '../../../pipelines/merge/merge.js';
import { HubErrors } from '../../errors.js';
import { Category, Stage } from '../../model/project.js';
import { parseRecordId, recordId } from '../../model/record.js';
import { RecordKind, SystemId } from '../../model/systems.js';
import { normalizeText } from '../../model/text.js';
import { beijingDateOf } from '../../model/time.js';
import type { ApiDeps } from '../deps.js';

const AsOf = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected YYYY-MM-DD' })
  .optional();
const Limit = (max: number, def: number) => z.coerce.number().int().min(1).max(max).default(def);

const ListQuery = z.object({
  district: z.string().optional(),
  sector: z.string().optional(),
  category: Category.optional(),
  stage: Stage.optional(),
  finding: z.string().optional(),
  q: z.string().optional(),
  cursor: z.string().optional(),
  limit: Limit(500, 50),
  asOf: AsOf,
});

const ProjectQuery = z.object({ asOf: AsOf, knownAt: z.iso.datetime({ offset: true }).optional() });
const ChangesQuery = z.object({ after: z.coerce.number().int().min(0).default(0), limit: Limit(1000, 100) });
const UnlinkedQuery = z.object({
  reason: z.enum(['no-match', 'ambiguous', 'anchor-missing']).optional(),
  system: SystemId.optional(),
  cursor: z.string().optional(),
  limit: Limit(500, 50),
});
const QuarantineQuery = z.object({
  system: SystemId.optional(),
  cursor: z.string().optional(),
  limit: Limit(500, 50),
});
const LinkBody = z.object({
  system: SystemId,
  kind: RecordKind,
  sourceId: z.string().min(1),
  projectKey: z.string().min(1),
});

const today = () => beijingDateOf(Date.now());

type StoredDoc = ProjectDoc & { redirectTo?: string; orphaned?: boolean };

function present(doc: StoredDoc, version: number, updatedAt: string, asOf: string) {
  return { ...doc, version, updatedAt, findings: findingsOf(doc, asOf) };
}

export function registerLedgerRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store } = deps;
  const read = { config: { scope: 'ledger:read' as const } };
  const admin = { config: { scope: 'admin' as const } };

  app.get('/api/v1/projects', read, async (req) => {
    const q = ListQuery.parse(req.query);
    const asOf = q.asOf ?? today();
    const needle = q.q ? normalizeText(q.q) : null;
    const items = [];
    let cursor = q.cursor ?? null;
    // Scan in key order until the page is full; the cursor is the last key looked at, so pages
    // stay stable while projects are being written.
    for (let exhausted = false; !exhausted && items.length < q.limit;) {
      const keys = await store.listProjectKeys(cursor, 500);
      exhausted = keys.length < 500;
      const raws = await Promise.all(keys.map((k) => store.getProjectRaw(k)));
      for (let i = 0; i < keys.length && items.length < q.limit; i++) {
        cursor = keys[i]!;
        const raw = raws[i];
        if (!raw) continue;
        const doc = JSON.parse(raw.doc) as StoredDoc;
        if (doc.redirectTo || doc.orphaned) continue;
        if (q.district && doc.district.code !== q.district && doc.district.name !== q.district) continue;
        if (q.sector && doc.sector !== q.sector) continue;
        if (q.category && doc.category !== q.category) continue;
        if (q.stage && doc.stage !== q.stage) continue;
        if (needle) {
          const hay = [doc.name ?? '', ...Object.values(doc.codes).flat()].map(normalizeText);
          if (!hay.some((h) => h.includes(needle))) continue;
        }
        if (q.finding && !findingsOf(doc, asOf).some((f) => f.code === q.finding)) continue;
        items.push({
          projectKey: doc.projectKey,
          name: doc.name,
          district: doc.district,
          category: doc.category,
          stage: doc.stage,
          money: doc.money,
          updatedAt: raw.updatedAt,
        });
      }
    }
    return { items, nextCursor: items.length === q.limit ? cursor : null };
  });

  app.get('/api/v1/projects/:key', read, async (req) => {
    const { key } = z.object({ key: z.string().min(1).max(64) }).parse(req.params);
    const q = ProjectQuery.parse(req.query);
    const asOf = q.asOf ?? (q.knownAt ? beijingDateOf(Date.parse(q.knownAt)) : today());
    let target = key;
    let redirectedFrom: string | undefined;
    const alias = await store.resolveAlias(key);
    if (alias) {
      target = alias;
      redirectedFrom = key;
    }
    if (q.knownAt) {
      const at = Date.parse(q.knownAt);
      const hist = await store.history(target);
      const known = hist.filter((h) => Date.parse(h.at) <= at).pop();
      if (!known || (known.doc as StoredDoc).redirectTo)
        throw HubErrors.API_NOT_FOUND(`project ${key} at ${q.knownAt}`);
      return {
        ...present(known.doc as StoredDoc, known.version, known.at, asOf),
        ...(redirectedFrom ? { redirectedFrom } : {}),
      };
    }
    const raw = await store.getProjectRaw(target);
    if (!raw) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    const doc = JSON.parse(raw.doc) as StoredDoc;
    if (doc.redirectTo || doc.orphaned) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    return {
      ...present(doc, raw.version, raw.updatedAt, asOf),
      ...(redirectedFrom ? { redirectedFrom } : {}),
    };
  });

  app.get('/api/v1/projects/:key/history', read, async (req) => {
    const { key } = z.object({ key: z.string().min(1).max(64) }).parse(req.params);
    const target = (await store.resolveAlias(key)) ?? key;
    const hist = await store.history(target);
    if (hist.length === 0) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    return {
      projectKey: target,
      versions: hist.map((h) => ({
        version: h.version,
        at: h.at,
        records: (h.entry as { records?: unknown[] }).records ?? [],
      })),
    };
  });

  app.get('/api/v1/changes', read, async (req) => {
    const q = ChangesQuery.parse(req.query);
    return store.changes(q.after, q.limit);
  });

  app.get('/api/v1/unlinked', read, async (req) => {
    const q = UnlinkedQuery.parse(req.query);
    const items = [];
    let cursor = q.cursor ?? null;
    let total = 0;
    let nextCursor: string | null = null;
    for (let rounds = 0; rounds < 50 && items.length < q.limit; rounds++) {
      const page = await store.listIndex(store.keys.unlinkedIndex(q.system), cursor, q.limit);
      total = page.total;
      const recs = await store.loadRecords(page.ids);
      for (const id of page.ids) {
        cursor = id;
        const s = recs.get(id);
        if (!s || s.state !== 'unlinked') continue;
        if (q.reason && s.reason?.reason !== q.reason) continue;
        items.push({
          system: s.record.system,
          kind: s.record.kind,
          sourceId: s.record.sourceId,
          reason: s.reason?.reason ?? 'no-match',
          candidates: s.reason?.candidates ?? [],
          receivedAt: s.receivedAt,
        });
        if (items.length === q.limit) break;
      }
      nextCursor = page.nextCursor ? cursor : null;
      if (!page.nextCursor) break;
    }
    return { items, nextCursor: items.length === q.limit ? cursor : nextCursor, total };
  });

  app.get('/api/v1/quarantine', admin, async (req) => {
    const q = QuarantineQuery.parse(req.query);
    const page = await store.listIndex(store.keys.quarantineIndex(q.system), q.cursor ?? null, q.limit);
    const items = (await store.quarantineItems(page.ids)).map((e) => {
      const { id: _id, ...rest } = e as { id: string };
      return rest;
    });
    return { items, nextCursor: page.nextCursor, total: page.total };
  });

  app.get('/api/v1/accounting', read, async () => {
    const systems = await store.accounting();
    return { systems, outbox: await store.outboxSizes() };
  });

  app.post('/api/v1/links', admin, async (req, reply) => {
    const b = LinkBody.parse(req.body);
    const id = recordId(b);
    parseRecordId(id);
    const target = (await store.resolveAlias(b.projectKey)) ?? b.projectKey;
    if (!(await store.getProjectRaw(target))) throw HubErrors.API_NOT_FOUND(`project ${b.projectKey}`);
    await store.setManualLink(id, target);
    await deps.queues.addIds('link', [id]);
    return reply.status(202).send({ ...b, projectKey: target, status: 'accepted' });
  });
}
