import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { present, type StoredDoc } from '../../src/api/routes/projects/stored.js';
import { beijingDateOf } from '../../src/model/time.js';
import { pack, unpack } from '../../src/ledger/packing.js';
import { DEFAULT_THRESHOLDS } from '../../pipelines/merge/findings.js';
import type { Hub } from '../../src/hub.js';
import { testHub } from '../helpers/hub.js';
import { LEDGER, populate } from './ledger.js';

/**
 * GET /projects/{key} sends the stored document's bytes when its findings still hold, and
 * serializes the record anew when they do not: either way the body is present()'s record.
 */
describe('the project endpoint', () => {
  let hub: Hub & { adminKey: string };
  const get = (url: string) =>
    hub.api!.inject({ method: 'GET', url, headers: { authorization: `Bearer ${hub.adminKey}` } });
  /** The record as present() makes it, serialized: what the endpoint must send. */
  const expected = async (key: string, asOf: string, extra: Record<string, string> = {}) => {
    const raw = (await hub.store.getProjectRaw(key))!;
    const doc = JSON.parse(raw.doc) as StoredDoc;
    return {
      doc,
      body: JSON.stringify({
        ...present(doc, raw.version, raw.updatedAt, asOf, DEFAULT_THRESHOLDS),
        ...extra,
      }),
    };
  };

  beforeAll(async () => {
    hub = await testHub({});
    await populate(hub);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('sends the stored bytes plus version and updatedAt while the stored findings hold', async () => {
    const today = beijingDateOf(Date.now());
    const res = await get(`/api/v1/projects/${LEDGER.survivor}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const { body } = await expected(LEDGER.survivor, today);
    expect(res.body).toBe(body);
  });

  it('names the requested key of a merged-away project, in the same bytes', async () => {
    const today = beijingDateOf(Date.now());
    const res = await get(`/api/v1/projects/${LEDGER.merged}`);
    expect(res.statusCode).toBe(200);
    const { body } = await expected(LEDGER.survivor, today, { redirectedFrom: LEDGER.merged });
    expect(res.body).toBe(body);
  });

  it('trusts the stored findings of a document merged today under the same rules', async () => {
    const key = hub.store.keys.project(LEDGER.survivor);
    const stored = (await hub.store.redis.hgetBuffer(key, 'doc'))!;
    const doc = JSON.parse(unpack(stored)!) as StoredDoc;
    expect((await hub.store.redis.hget(key, 'mm'))?.split('|')[1]).toBe(beijingDateOf(Date.now()));
    // A stand-in the endpoint could only send if it does not recompute: the stored bytes go out.
    await hub.store.redis.hset(key, 'doc', pack(JSON.stringify({ ...doc, findings: [] }), 'plain'));
    try {
      const res = await get(`/api/v1/projects/${LEDGER.survivor}`);
      expect(res.json<{ findings: unknown }>().findings).toEqual([]);
    } finally {
      await hub.store.redis.hset(key, 'doc', stored);
    }
  });

  it('serializes the record anew when findings merged on another day no longer hold', async () => {
    // As if merged on an earlier day, when the project had no findings yet.
    const today = beijingDateOf(Date.now());
    const key = hub.store.keys.project(LEDGER.survivor);
    const stored = (await hub.store.redis.hgetBuffer(key, 'doc'))!;
    const mm = (await hub.store.redis.hget(key, 'mm'))!;
    const doc = JSON.parse(unpack(stored)!) as StoredDoc;
    expect(doc.findings.length).toBeGreaterThan(0);
    await hub.store.redis.hset(key, 'doc', pack(JSON.stringify({ ...doc, findings: [] }), 'plain'));
    await hub.store.redis.hset(key, 'mm', mm.replace(`|${today}|`, '|2000-01-01|'));
    try {
      const res = await get(`/api/v1/projects/${LEDGER.survivor}`);
      expect(res.statusCode).toBe(200);
      const { body } = await expected(LEDGER.survivor, today);
      expect(res.body).toBe(body);
      expect(res.json<{ findings: unknown }>().findings).toEqual(doc.findings);
      // The same document merged on another day whose findings still hold: the stored bytes.
      await hub.store.redis.hset(key, 'doc', stored);
      expect((await get(`/api/v1/projects/${LEDGER.survivor}`)).body).toBe(
        (await expected(LEDGER.survivor, today)).body,
      );
    } finally {
      await hub.store.redis.hset(key, 'doc', stored, 'mm', mm);
    }
  });

  it('answers 404 for a key the ledger does not have', async () => {
    expect((await get('/api/v1/projects/150203209904000042')).statusCode).toBe(404);
  });
});
