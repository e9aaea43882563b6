import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/api/app.js';
import { ROUTES } from '../../src/api/routes/index.js';
import { QUEUE_BOARD_PATH } from '../../src/api/queueBoard.js';
import type { Hub } from '../../src/hub.js';
import { testHub } from '../helpers/hub.js';

const concrete = (url: string) => url.replace(/:(\w+)/g, 'x$1');
const UNAUTHORIZED = { error: { code: 'HUB_API_UNAUTHORIZED', message: 'a valid API key is required' } };
const FORBIDDEN = { error: { code: 'HUB_API_FORBIDDEN', message: 'this API key lacks the admin scope' } };

/** /api/v1 routes that take no API key, on purpose; adding one must be a decision made here. */
const KEYLESS_API_ROUTES = ['GET /api/v1/openapi.json', 'POST /api/v1/inbound/smartcity'];

describe('every route of the table is guarded by its scope', () => {
  let hub: Hub & { adminKey: string; readKey: string };
  const call = (method: string, url: string, authorization?: string) =>
    hub.api!.inject({
      method: method as 'GET' | 'POST',
      url,
      headers: authorization ? { authorization } : {},
    });

  beforeAll(async () => {
    hub = await testHub({});
  });
  afterAll(async () => {
    await hub.close();
  });

  it('serves exactly the routes of the table, besides the queue dashboard', () => {
    const all = registeredRoutes(hub.api!).filter((r) => r.method !== 'HEAD');
    const served = all.filter((r) => !r.url.startsWith(QUEUE_BOARD_PATH)).map((r) => `${r.method} ${r.url}`);
    expect(served.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.url}`).sort());
    expect(all.some((r) => r.url.startsWith(QUEUE_BOARD_PATH))).toBe(true);
  });

  it('keeps the queue dashboard behind the admin scope, asking browsers for the key', async () => {
    const routes = registeredRoutes(hub.api!).filter(
      (r) => r.url.startsWith(QUEUE_BOARD_PATH) && r.method === 'GET',
    );
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      const url = concrete(r.url.replace('*', 'x'));
      const anon = await call('GET', url);
      expect(anon.statusCode, url).toBe(401);
      expect(anon.headers['www-authenticate']).toMatch(/^Basic /);
      expect(anon.json()).toEqual(UNAUTHORIZED);
      expect((await call('GET', url, `Bearer ${hub.readKey}`)).statusCode, url).toBe(403);
    }
    const basic = `Basic ${Buffer.from(`operator:${hub.adminKey}`).toString('base64')}`;
    const page = await call('GET', QUEUE_BOARD_PATH, basic);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html/i);
    const api = await call('GET', `${QUEUE_BOARD_PATH}/api/queues`, `Bearer ${hub.adminKey}`);
    expect(api.statusCode).toBe(200);
    expect(
      api
        .json()
        .queues.map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual(['ingest', 'link', 'merge', 'normalize', 'publish']);
  });

  it('lets only the intended /api/v1 routes go without an API key', () => {
    const keyless = ROUTES.filter(
      (r) => r.url.startsWith('/api/v1/') && (r.scope === 'public' || r.scope === 'signature'),
    ).map((r) => `${r.method} ${r.url}`);
    expect(keyless.sort()).toEqual([...KEYLESS_API_ROUTES].sort());
  });

  for (const route of ROUTES.filter((r) => r.scope === 'ledger:read' || r.scope === 'admin')) {
    const url = concrete(route.url);
    it(`${route.method} ${route.url} (${route.scope}) refuses missing and wrong keys with a bare 401`, async () => {
      for (const auth of [undefined, 'Bearer wrong-key', `Basic ${hub.adminKey}`, hub.adminKey]) {
        const res = await call(route.method, url, auth);
        expect(res.statusCode, `${auth}`).toBe(401);
        expect(res.json()).toStrictEqual(UNAUTHORIZED);
        expect(res.body).not.toMatch(/stack|at \w+ \(|node_modules/);
      }
    });
    if (route.scope === 'admin')
      it(`${route.method} ${route.url} refuses a read-only key with a bare 403`, async () => {
        const res = await call(route.method, url, `Bearer ${hub.readKey}`);
        expect(res.statusCode).toBe(403);
        expect(res.json()).toStrictEqual(FORBIDDEN);
      });
    else
      it(`${route.method} ${route.url} lets a read-only key through`, async () => {
        const res = await call(route.method, url, `Bearer ${hub.readKey}`);
        expect([401, 403]).not.toContain(res.statusCode);
      });
  }

  for (const route of ROUTES.filter((r) => r.scope === 'public' || r.scope === 'signature')) {
    it(`${route.method} ${route.url} (${route.scope}) needs no API key`, async () => {
      const res = await call(route.method, concrete(route.url));
      const code = res.statusCode === 401 ? res.json().error.code : null;
      expect(code).not.toBe('HUB_API_UNAUTHORIZED');
    });
  }

  it('needs a key even to learn that a URL does not exist', async () => {
    expect((await call('GET', '/api/v1/nothing-here')).json()).toStrictEqual(UNAUTHORIZED);
    const known = await call('GET', '/api/v1/nothing-here', `Bearer ${hub.adminKey}`);
    expect(known.statusCode).toBe(404);
    expect(known.json().error.code).toBe('HUB_API_NOT_FOUND');
  });

  it('serves a browsable HTML page at /docs that loads the OpenAPI document', async () => {
    const res = await call('GET', '/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.body).toMatch(/^<!doctype html>/i);
    expect(res.body).toContain('fetch("/api/v1/openapi.json")');
    // Self-contained: nothing loaded from elsewhere.
    expect(res.body).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});
