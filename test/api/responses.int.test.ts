import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/api/openapi/document.js';
import { ROUTES } from '../../src/api/routes/index.js';
import type { Hub } from '../../src/hub.js';
import { testHub } from '../helpers/hub.js';
import { LEDGER, populate } from './ledger.js';
import { documentValidator } from './schemaCheck.js';

/** Concrete requests per GET route; a GET route without samples fails the suite. */
const SAMPLES: Record<string, string[]> = {
  '/api/v1/projects': ['/api/v1/projects', '/api/v1/projects?limit=1&stage=funded&q=管廊'],
  '/api/v1/projects/:key': [
    `/api/v1/projects/${LEDGER.survivor}`,
    `/api/v1/projects/${LEDGER.merged}`,
    `/api/v1/projects/${LEDGER.survivor}?knownAt=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
  ],
  '/api/v1/projects/:key/history': [`/api/v1/projects/${LEDGER.survivor}/history`],
  '/api/v1/changes': ['/api/v1/changes?after=0&limit=1000'],
  '/api/v1/unlinked': ['/api/v1/unlinked', '/api/v1/unlinked?reason=anchor-missing&system=budget'],
  '/api/v1/quarantine': ['/api/v1/quarantine', '/api/v1/quarantine?system=budget'],
  '/api/v1/accounting': ['/api/v1/accounting'],
  '/api/v1/connectors': ['/api/v1/connectors'],
  '/api/v1/openapi.json': ['/api/v1/openapi.json'],
  '/docs': ['/docs'],
  '/healthz': ['/healthz'],
  '/readyz': ['/readyz'],
  '/api/v1/stats': ['/api/v1/stats?groupBy=sector', '/api/v1/stats?groupBy=year'],
  '/api/v1/export': ['/api/v1/export', '/api/v1/export?format=csv&bom=true'],
  '/api/v1/dead-letters': ['/api/v1/dead-letters', '/api/v1/dead-letters?origin=pipeline'],
  '/metrics': ['/metrics'],
  '/': ['/'],
};

describe('live responses match the OpenAPI document', () => {
  let hub: Hub & { adminKey: string; readKey: string };
  let doc: OpenApiDocument;
  let check: ReturnType<typeof documentValidator>;
  const get = (url: string, key: string | null = hub.adminKey) =>
    hub.api!.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

  beforeAll(async () => {
    hub = await testHub({});
    await populate(hub);
    doc = (await get('/api/v1/openapi.json', null)).json();
    check = documentValidator(doc);
  });
  afterAll(async () => {
    await hub.close();
  });

  it('has samples for every GET route of the table', () => {
    const gets = ROUTES.filter((r) => r.method === 'GET').map((r) => r.url);
    expect(Object.keys(SAMPLES).sort()).toEqual(gets.sort());
  });

  for (const route of ROUTES.filter((r) => r.method === 'GET')) {
    it(`GET ${route.url} answers what its schema documents`, async () => {
      for (const url of SAMPLES[route.url] ?? []) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(route.status ?? 200);
        if (route.produces === 'text/plain') {
          // Streams and expositions: not JSON documents; their content is tested where they are built.
          expect(res.headers['content-type']).not.toMatch(/^application\/json/);
          expect(res.body.length, url).toBeGreaterThan(0);
          continue;
        }
        if (route.produces === 'text/html') {
          expect(res.headers['content-type']).toMatch(/^text\/html/);
          expect(check('GET', route.url, res.statusCode, res.body, 'text/html'), url).toEqual([]);
          continue;
        }
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(check('GET', route.url, res.statusCode, res.json()), url).toEqual([]);
      }
    });
  }

  it('answers from a populated ledger, so the schema checks above are not vacuous', async () => {
    expect((await get('/api/v1/projects')).json().items).toHaveLength(1);
    const merged = (await get(`/api/v1/projects/${LEDGER.merged}`)).json();
    expect(merged).toMatchObject({ projectKey: LEDGER.survivor, redirectedFrom: LEDGER.merged });
    expect((await get('/api/v1/changes')).json().changes.length).toBeGreaterThan(1);
    expect((await get('/api/v1/unlinked')).json().items.map((i: { sourceId: string }) => i.sourceId)).toEqual(
      [LEDGER.orphanPayment],
    );
    const q = (await get('/api/v1/quarantine')).json();
    expect(q.items.map((i: { sourceId: string }) => i.sourceId)).toEqual([LEDGER.quarantined]);
    expect(q.items[0]).not.toHaveProperty('id');
    const history = (await get(`/api/v1/projects/${LEDGER.survivor}/history`)).json();
    expect(history.versions[0].records.length).toBeGreaterThan(0);
  });

  it('detects a body that does not match its schema', () => {
    expect(check('GET', '/api/v1/changes', 200, { changes: [{ seq: 'x' }], nextSeq: 0 })).not.toEqual([]);
    expect(check('GET', '/api/v1/unlinked', 200, { items: [], total: 0 })).not.toEqual([]);
  });

  it('answers 400 naming the bad field, 404 for unknown keys, both with the documented error body', async () => {
    const bad = await get('/api/v1/projects?limit=9999&stage=nowhere');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('HUB_API_BAD_REQUEST');
    expect(bad.json().error.message).toMatch(/query\.limit/);
    expect(bad.json().error.message).toMatch(/query\.stage/);
    expect(check('GET', '/api/v1/projects', 400, bad.json())).toEqual([]);

    const badKey = await get(`/api/v1/projects/${'9'.repeat(65)}`);
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().error.message).toMatch(/^params\.key: /);

    const missing = await get('/api/v1/projects/000000000000000000');
    expect(missing.statusCode).toBe(404);
    expect(check('GET', '/api/v1/projects/:key', 404, missing.json())).toEqual([]);

    const body = await hub.api!.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: { authorization: `Bearer ${hub.adminKey}` },
      payload: { system: 'budget', kind: 'payment', projectKey: LEDGER.survivor },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().error.message).toMatch(/^body\.sourceId: /);
  });

  it('POST /links and POST /connectors/{id}/sync answer their documented bodies', async () => {
    const link = await hub.api!.inject({
      method: 'POST',
      url: '/api/v1/links',
      headers: { authorization: `Bearer ${hub.adminKey}` },
      payload: {
        system: 'budget',
        kind: 'payment',
        sourceId: LEDGER.orphanPayment,
        projectKey: LEDGER.merged,
      },
    });
    expect(link.statusCode).toBe(202);
    expect(link.json()).toMatchObject({ projectKey: LEDGER.survivor, status: 'accepted' });
    expect(check('POST', '/api/v1/links', 202, link.json())).toEqual([]);

    const sync = await hub.api!.inject({
      method: 'POST',
      url: '/api/v1/connectors/budget/sync',
      headers: { authorization: `Bearer ${hub.adminKey}` },
    });
    expect(sync.statusCode).toBe(409);
    expect(sync.json().error.code).toBe('HUB_CONNECTOR_DISABLED');
    expect(check('POST', '/api/v1/connectors/:id/sync', 409, sync.json())).toEqual([]);
  });
});
