/**
 * Import layering of the hub, checked by `npm run layers` (part of `npm run check`).
 *
 *   no-circular                 No import cycles anywhere, type-only imports included: a cycle
 *                               makes load order matter and hides which module owns what.
 *   connectors-stay-at-the-edge connectors/ never imports pipelines/ or src/api/. A connector
 *                               reads one source system; the framework runs it, never the reverse.
 *   pipelines-below-api         pipelines/ never imports src/api/. The API reads what the
 *                               pipelines write; the stages must run without an HTTP server.
 *   pure-stages-no-redis        Everything in pipelines/<stage>/ except worker.ts (link.ts,
 *                               merge.ts, findings.ts, events.ts, ...) is a pure function: it
 *                               imports no Redis client (ioredis, bullmq, src/ledger/store.ts,
 *                               src/redis/), directly or through another module, so it stays
 *                               testable without Redis. Only worker.ts does I/O. Tests beside them
 *                               are exempt (an *.int.test.ts uses a real Redis on purpose).
 *   model-is-a-leaf             src/model/ imports nothing outside src/model/ except zod: the
 *                               canonical model is the vocabulary everyone shares, so it
 *                               depends on nobody (Node built-ins included). Its tests may
 *                               import their test libraries (vitest, fast-check).
 *   resolvable                  Every import resolves to a file or package. Without it, an import
 *                               the cruiser cannot follow would pass every rule above unseen.
 *
 * A violation is fixed in the code, not by loosening a rule here.
 */
/* global module -- CommonJS: dependency-cruiser loads this file with require(). */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycle: break it by moving the shared part into its own module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'connectors-stay-at-the-edge',
      severity: 'error',
      comment: 'connectors/ must not import pipelines/ or src/api/.',
      from: { path: '^connectors/' },
      to: { path: '^(pipelines|src/api)/' },
    },
    {
      name: 'pipelines-below-api',
      severity: 'error',
      comment: 'pipelines/ must not import src/api/.',
      from: { path: '^pipelines/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'pure-stages-no-redis',
      severity: 'error',
      comment:
        'A pure stage module (pipelines/<stage>/*, not worker.ts) must not reach a Redis client; move the I/O into worker.ts.',
      from: { path: '^pipelines/[^/]+/[^/]+$', pathNot: ['/worker\\.ts$', '\\.test\\.ts$'] },
      to: {
        reachable: true,
        path: ['(^|/)node_modules/(ioredis|bullmq)/', '^src/ledger/store\\.ts$', '^src/redis/'],
      },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'src/model/ may import only src/model/ and zod.',
      from: { path: '^src/model/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: ['^src/model/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'This import does not resolve to a file, so no other rule can check it.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count: `import type` across a layer boundary is still a dependency on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|data)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
