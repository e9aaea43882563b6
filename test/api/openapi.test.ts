import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApi, openApiJson } from '../../src/api/openapi/index.js';
import { openApiPath } from '../../src/api/openapi/document.js';
import { prettierJson } from '../../src/api/openapi/prettierJson.js';
import { ROUTES } from '../../src/api/routes/index.js';

const doc = buildOpenApi();
const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(res.errors).toBeUndefined();
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator is not vacuous: an operation without responses is refused.
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, object>> };
    broken.paths['/api/v1/changes']!['get'] = { responses: 'none' };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('describes every route of the table, once, with a unique operationId', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(r.url)}`).sort());
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents the error bodies each route can answer, and the security it needs', () => {
    for (const r of ROUTES) {
      const op = doc.paths[openApiPath(r.url)]![r.method.toLowerCase()]!;
      const statuses = Object.keys(op.responses);
      const keyed = r.scope === 'ledger:read' || r.scope === 'admin';
      if (keyed) {
        expect(statuses, r.url).toEqual(expect.arrayContaining(['401', '403']));
        expect(op.security, r.url).toEqual([{ apiKey: [r.scope] }]);
      }
      if (r.scope === 'public') expect(op.security, r.url).toEqual([]);
      if (r.rateLimit !== false) {
        expect(statuses, r.url).toContain('429');
        expect(op.responses['429']!.headers, r.url).toHaveProperty('Retry-After');
      }
      if (r.query || r.params || r.body || r.rawBody) expect(statuses, r.url).toContain('400');
      for (const s of statuses.filter((x) => Number(x) >= 400 && !(x in (r.alsoAnswers ?? {}))))
        expect(op.responses[s]!.content!['application/json']!.schema, `${r.url} ${s}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
    }
    expect(doc.paths['/api/v1/projects/{key}']!.get!.responses).toHaveProperty('404');
  });

  it('names path, query and signature header parameters from the zod schemas', () => {
    const getProject = doc.paths['/api/v1/projects/{key}']!.get!;
    expect(getProject.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      'path:key:true',
      'query:asOf:false',
      'query:knownAt:false',
    ]);
    const list = doc.paths['/api/v1/projects']!.get!;
    expect(list.parameters.find((p) => p.name === 'limit')!.schema).toMatchObject({
      type: 'integer',
      maximum: 500,
      default: 50,
    });
    const push = doc.paths['/api/v1/inbound/smartcity']!.post!;
    expect(push.security).toEqual([{ smartcitySignature: [] }]);
    expect(push.parameters.filter((p) => p.in === 'header' && p.required).map((p) => p.name)).toEqual([
      'X-SC-Timestamp',
      'X-SC-Signature',
    ]);
    expect(push.requestBody!.content['application/json']!.schema).toMatchObject({
      required: ['batchId', 'sentAt', 'events'],
    });
    expect(doc.components.securitySchemes).toMatchObject({
      apiKey: { type: 'http', scheme: 'bearer' },
      smartcitySignature: { type: 'apiKey', in: 'header', name: 'X-SC-Signature' },
    });
  });

  it('is committed as docs/openapi.json in prettier layout', async () => {
    expect(readFileSync(`${root}docs/openapi.json`, 'utf8')).toBe(openApiJson());
    const prettier = await import('prettier');
    const options = { ...(await prettier.resolveConfig(`${root}docs/openapi.json`)), parser: 'json' };
    expect(await prettier.check(openApiJson(), options)).toBe(true);
  });
});

describe('prettierJson', () => {
  it('lays out JSON as prettier does: objects expanded, short scalar arrays inline, long ones broken', async () => {
    const prettier = await import('prettier');
    const options = { ...(await prettier.resolveConfig(`${root}docs/openapi.json`)), parser: 'json' };
    const value = {
      empty: {},
      none: [],
      short: ['a', 'b', 1, null, true],
      long: Array.from({ length: 12 }, (_, i) => `value-number-${i}`),
      wide: [
        '昆都仑区钢铁大街综合管廊建设项目昆都仑区钢铁大街综合管廊建设项目',
        '昆都仑区钢铁大街综合管廊建设项目',
      ],
      nested: [{ a: 1 }, { b: [{}] }],
      deep: { deeper: { deepest: ['x'] } },
    };
    const text = prettierJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(await prettier.format(text, options)).toBe(text);
  });
});
