import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configFields, configMarkdown, MissingDescriptionsError } from '../../scripts/docs/config.js';
import { errorsMarkdown } from '../../scripts/docs/errors.js';
import { GENERATED_DOCS } from '../../scripts/docs/index.js';
import { cell, code } from '../../scripts/docs/markdown.js';
import { metricsMarkdown } from '../../scripts/docs/metrics.js';
import { RegionMarkersError, replaceRegion } from '../../scripts/docs/region.js';
import { buildOpenApi } from '../../src/api/openapi/index.js';
import { HubConfigSchema } from '../../src/config/schema.js';
import { HubErrors } from '../../src/errors.js';
import { METRICS_CATALOGUE } from '../../src/metrics/catalogue.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('committed documents match the code', () => {
  for (const doc of GENERATED_DOCS) {
    it(`${doc.file} is up to date`, () => {
      const committed = readFileSync(`${root}${doc.file}`, 'utf8');
      expect(committed, `${doc.file} differs from what the code generates: run npm run docs`).toBe(
        doc.generate(),
      );
    });
  }

  it('generates the same text twice (no timestamps, no unordered iteration)', () => {
    for (const doc of GENERATED_DOCS) expect(doc.generate()).toBe(doc.generate());
  });
});

describe('errors.md', () => {
  const md = errorsMarkdown();

  it('has one row per HubErrors entry with its status and failure class', () => {
    for (const { spec } of Object.values(HubErrors)) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${spec.code}\` |`));
      expect(row, spec.code).toBeDefined();
      expect(row).toContain(`| ${spec.status} |`);
      expect(row).toContain(`| \`${spec.failure}\` |`);
    }
  });

  it('says transient errors are retried and config errors are not', () => {
    const retriedOf = (failure: string) =>
      md
        .split('\n')
        .find((l) => l.startsWith(`| \`${failure}\` |`))
        ?.split(' | ')[1];
    expect(retriedOf('transient')).toMatch(/^yes/);
    expect(retriedOf('config')).toBe('no');
  });
});

describe('configuration reference', () => {
  const fields = configFields(HubConfigSchema);
  const byPath = new Map(fields.map((f) => [f.path, f]));

  it('lists connector fields by full path with their requiredness and defaults', () => {
    expect(byPath.get('connectors.budget.auth.Token')).toMatchObject({
      type: 'string (non-empty)',
      required: true,
    });
    expect(byPath.get('connectors.budget.pageSize')).toMatchObject({
      type: 'integer (1–500)',
      default: '500',
      required: false,
    });
    expect(byPath.get('api.keys[].sha256')?.required).toBe(true);
  });

  it('has a description for every field of the hub configuration', () => {
    expect(fields.filter((f) => !f.description).map((f) => f.path)).toEqual([]);
  });

  it('refuses to generate when a field has no description, naming every such field', () => {
    const schema = z.object({
      documented: z.string().describe('Has one.'),
      block: z.object({ bare: z.number(), also: z.boolean().default(false) }).describe('A block.'),
    });
    const error = (() => {
      try {
        configMarkdown(schema);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingDescriptionsError);
    expect((error as MissingDescriptionsError).paths).toEqual(['block.bare', 'block.also']);
    expect((error as Error).message).toContain('block.bare');
  });

  it('lists the fields of a recursive schema once instead of looping', () => {
    interface Node {
      name: string;
      children: Node[];
    }
    const Node: z.ZodType<Node> = z.object({
      name: z.string().describe('Name.'),
      get children() {
        return z.array(Node).describe('Sub-nodes.');
      },
    });
    const fields = configFields(z.object({ tree: Node.describe('The tree.') }));
    expect(fields.map((f) => f.path)).toEqual([
      'tree',
      'tree.name',
      'tree.children',
      'tree.children[].name',
      'tree.children[].children',
    ]);
  });

  it('gives each child of a subsection block its own heading', () => {
    const schema = z.object({
      systems: z
        .object({
          a: z.object({ url: z.string().describe('Where A is.') }).describe('System A.'),
          b: z.object({ url: z.string().describe('Where B is.') }).describe('System B.'),
        })
        .describe('Systems.'),
    });
    const md = configMarkdown(schema, ['systems']);
    expect(md).toContain('### `systems.a`');
    expect(md).toContain('### `systems.b`');
    expect(md.indexOf('`systems.b.url`')).toBeGreaterThan(md.indexOf('### `systems.b`'));
  });
});

describe('metrics table in the README', () => {
  const md = metricsMarkdown();

  it('has one row per catalogued metric with its type and labels', () => {
    for (const m of METRICS_CATALOGUE) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${m.name}\` |`));
      expect(row, m.name).toBeDefined();
      expect(row).toContain(`| ${m.type} |`);
      for (const l of m.labels) expect(row, `${m.name} ${l}`).toContain(`\`${l}\``);
    }
    expect(md.split('\n').filter((l) => l.startsWith('| `hub_'))).toHaveLength(METRICS_CATALOGUE.length);
  });

  it('lists the values of the state label', () => {
    const row = md.split('\n').find((l) => l.startsWith('| `hub_queue_jobs` |'));
    expect(row).toContain('`state`: `waiting`, `prioritized`, `active`, `delayed`, `failed`');
  });

  it('sits between the markers of README.md, under the Metrics heading', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const start = readme.indexOf('<!-- metrics:start -->');
    expect(start).toBeGreaterThan(readme.indexOf('## Metrics'));
    expect(readme.slice(start)).toContain(md);
  });
});

describe('generated regions', () => {
  const doc = 'before\n<!-- r:start -->\nold\nlines\n<!-- r:end -->\nafter\n';

  it('replaces only what lies between the markers', () => {
    expect(replaceRegion(doc, 'r', 'new')).toBe('before\n<!-- r:start -->\nnew\n<!-- r:end -->\nafter\n');
    expect(replaceRegion(replaceRegion(doc, 'r', 'new'), 'r', 'new')).toBe(replaceRegion(doc, 'r', 'new'));
  });

  it('refuses a document whose markers are missing, repeated or out of order', () => {
    expect(() => replaceRegion('no markers', 'r', 'x')).toThrow(RegionMarkersError);
    expect(() => replaceRegion(`${doc}${doc}`, 'r', 'x')).toThrow(RegionMarkersError);
    expect(() => replaceRegion('<!-- r:end -->\n<!-- r:start -->', 'r', 'x')).toThrow(/before start/);
    expect(() => replaceRegion(doc, 'other', 'x')).toThrow(/other/);
  });
});

describe('markdown cells', () => {
  it('keeps pipes and angle brackets from breaking the table', () => {
    expect(cell('a | b')).toBe('a \\| b');
    expect(cell('in <dir>/redis')).toBe('in &lt;dir>/redis');
    expect(cell('`<key>` stays')).toBe('`<key>` stays');
  });

  it('fences code that itself contains backticks', () => {
    expect(code('run `x`')).toBe('`` run `x` ``');
    expect(code('plain')).toBe('`plain`');
  });
});

describe('docs/openapi.json', () => {
  it('is generated, and is the document the API serves', () => {
    const entry = GENERATED_DOCS.find((d) => d.file === 'docs/openapi.json');
    expect(entry).toBeDefined();
    expect(JSON.parse(entry!.generate())).toEqual(buildOpenApi());
  });
});
