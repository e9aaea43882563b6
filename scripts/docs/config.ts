import { z } from 'zod';
import { HubConfigSchema } from '../../src/config/schema.js';
import { cell, code, generatedBanner, prose, table } from './markdown.js';

/** One configuration field, as a row of the reference. */
export interface ConfigField {
  /** Dotted path as written in YAML; `[]` marks the elements of a list (`api.keys[].name`). */
  path: string;
  type: string;
  /** JSON of the default value, when the field has one. */
  default?: string;
  /** Must be present whenever its enclosing block is present. */
  required: boolean;
  description?: string;
}

/** Thrown when a field lacks a `.describe()` text: the reference would have a hole. */
export class MissingDescriptionsError extends Error {
  readonly paths: readonly string[];
  constructor(paths: readonly string[]) {
    super(
      `configuration fields without a .describe() text (add one in the zod schema):\n${paths.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'MissingDescriptionsError';
    this.paths = paths;
  }
}

/** The subset of JSON Schema that zod's `toJSONSchema` emits for our schemas. */
interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/**
 * The input side of the schema (what a person writes in YAML: defaulted fields are optional);
 * transforms and other shapes JSON Schema cannot express become "any" instead of failing.
 */
function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Every field of `schema`, depth first in declaration order, so the output is stable. */
export function configFields(schema: z.ZodType): ConfigField[] {
  const root = toJsonSchema(schema);
  const resolve = (node: JsonSchema): JsonSchema => {
    const ref = node.$ref;
    if (ref === undefined) return node;
    const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
    const target = name === undefined ? undefined : root.$defs?.[name];
    // A reference to the root or an unknown target would recurse forever; describe it where it is.
    if (target === undefined) return { ...node, $ref: undefined };
    return { ...resolve(target), ...stripRef(node) };
  };
  const fields: ConfigField[] = [];
  const walk = (raw: JsonSchema, prefix: string, refs: ReadonlySet<string>) => {
    // A recursive schema (z.lazy) refers back to a definition being walked: list its fields once.
    if (raw.$ref !== undefined && refs.has(raw.$ref)) return;
    const inner = raw.$ref === undefined ? refs : new Set(refs).add(raw.$ref);
    const node = resolve(raw);
    for (const [key, p] of Object.entries(objectProperties(node, resolve))) {
      const child = resolve(p.schema);
      const path = prefix ? `${prefix}.${key}` : key;
      fields.push({
        path,
        type: typeOf(child, resolve),
        ...(child.default !== undefined ? { default: JSON.stringify(child.default) } : {}),
        required: p.required,
        ...(child.description ? { description: child.description } : {}),
      });
      walk(p.schema, path, inner);
    }
    if (node.items && prefix) walk(node.items, `${prefix}[]`, inner);
  };
  walk(root, '', new Set());
  return fields;
}

function stripRef(node: JsonSchema): JsonSchema {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

/** Properties of an object node, including those of object members of a union or intersection. */
function objectProperties(
  node: JsonSchema,
  resolve: (n: JsonSchema) => JsonSchema,
): Record<string, { schema: JsonSchema; required: boolean }> {
  const out: Record<string, { schema: JsonSchema; required: boolean }> = {};
  for (const [key, schema] of Object.entries(node.properties ?? {}))
    out[key] = { schema, required: node.required?.includes(key) ?? false };
  for (const member of node.allOf ?? []) Object.assign(out, objectProperties(resolve(member), resolve));
  // A field that only some union members have cannot be required.
  for (const member of [...(node.anyOf ?? []), ...(node.oneOf ?? [])])
    for (const [key, p] of Object.entries(objectProperties(resolve(member), resolve)))
      out[key] ??= { ...p, required: false };
  return out;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A compact type with its constraints: `integer (1–500)`, `string (URL)`, `"a" \| "b"`. */
function typeOf(node: JsonSchema, resolve: (n: JsonSchema) => JsonSchema): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  const members = node.anyOf ?? node.oneOf;
  if (members) return [...new Set(members.map((m) => typeOf(resolve(m), resolve)))].join(' | ');
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (types.length === 0) return node.properties ? 'object' : 'any';
  return types
    .map((t) => {
      if (t === 'array') {
        const items = node.items && typeOf(resolve(node.items), resolve);
        return withConstraints(`list of ${items ?? 'any'}`, listBounds(node));
      }
      if (t === 'string') return withConstraints('string', stringConstraints(node));
      if (t === 'integer' || t === 'number') return withConstraints(t, numberBounds(node));
      return t;
    })
    .join(' | ');
}

function withConstraints(base: string, constraints: string[]): string {
  return constraints.length ? `${base} (${constraints.join(', ')})` : base;
}

function stringConstraints(node: JsonSchema): string[] {
  const out: string[] = [];
  if (node.format === 'uri') out.push('URL');
  else if (node.format) out.push(node.format);
  if (node.minLength === 1 && node.maxLength === undefined) out.push('non-empty');
  else if (node.minLength !== undefined || node.maxLength !== undefined)
    out.push(`length ${range(node.minLength, node.maxLength)}`);
  if (node.pattern) out.push(`pattern ${node.pattern}`);
  return out;
}

function numberBounds(node: JsonSchema): string[] {
  // `.int()` adds ±MAX_SAFE_INTEGER bounds that say nothing to a reader.
  const min = node.minimum !== undefined && node.minimum > -MAX_SAFE ? node.minimum : undefined;
  const max = node.maximum !== undefined && node.maximum < MAX_SAFE ? node.maximum : undefined;
  const out: string[] = [];
  if (min !== undefined || max !== undefined) out.push(range(min, max));
  if (node.exclusiveMinimum !== undefined) out.push(`> ${node.exclusiveMinimum}`);
  if (node.exclusiveMaximum !== undefined) out.push(`< ${node.exclusiveMaximum}`);
  return out;
}

function listBounds(node: JsonSchema): string[] {
  if (node.minItems === undefined && node.maxItems === undefined) return [];
  return [`${range(node.minItems, node.maxItems)} items`];
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return min === max ? `${min}` : `${min}–${max}`;
  return min !== undefined ? `≥ ${min}` : `≤ ${max}`;
}

/**
 * Rows grouped into sections: one per top-level block, and one per child of each block named
 * in `subsections` (for `connectors`, one per source system), so a reader finds a system's
 * fields under its own heading.
 */
export function configMarkdown(schema: z.ZodType = HubConfigSchema, subsections = ['connectors']): string {
  const fields = configFields(schema);
  const missing = fields.filter((f) => !f.description?.trim()).map((f) => f.path);
  if (missing.length) throw new MissingDescriptionsError(missing);

  const out = [
    generatedBanner('the zod schemas (src/config/schema.ts, src/connector/spec.ts, connectors/*/spec.ts)'),
    '',
    '# Configuration reference',
    '',
    'The hub reads one YAML file (`--config <file>` or `HUB_CONFIG`; with neither, every default applies).',
    'It is validated completely before anything starts: every problem is printed with its path, and',
    '`hub config check <file>` runs the same validation alone. A start from `config/hub.example.yaml` is easiest.',
    '',
    '- `${NAME}` in any string value is replaced by the environment variable `NAME`; an unset variable is an',
    '  error. Keep secrets (tokens, keys) in the environment this way.',
    '- `REDIS_URL` in the environment overrides `redis.url`.',
    '- **Required** means the field must be present whenever its enclosing block is present; a field with a',
    '  default may be left out.',
    '- A path segment `[]` stands for every element of a list (`api.keys[].name`).',
    '',
  ];
  const emitSection = (heading: string, root: string, rows: ConfigField[]) => {
    const head = fields.find((f) => f.path === root);
    out.push(`${heading} ${code(root)}`, '');
    if (head) {
      const facts = [head.required ? 'required' : 'optional', head.type];
      if (head.default !== undefined) facts.push(`default ${code(head.default)}`);
      out.push(`${prose(head.description ?? '')} (${facts.join('; ')})`, '');
    }
    if (rows.length) out.push(fieldTable(rows), '');
  };
  const under = (root: string) => (f: ConfigField) =>
    f.path.startsWith(`${root}.`) || f.path.startsWith(`${root}[]`);
  for (const top of fields.filter((f) => !f.path.includes('.') && !f.path.includes('['))) {
    const children = fields.filter(under(top.path));
    if (!subsections.includes(top.path)) {
      emitSection('##', top.path, children);
      continue;
    }
    const blocks = children.filter((f) => f.path.split('.').length === 2);
    emitSection(
      '##',
      top.path,
      children.filter((f) => !blocks.some((b) => f.path === b.path || under(b.path)(f))),
    );
    for (const block of blocks) emitSection('###', block.path, children.filter(under(block.path)));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Full paths, not relative ones, so that searching the page for a path from an error message finds it. */
function fieldTable(rows: ConfigField[]): string {
  return table(
    ['Field', 'Type', 'Default', 'Required', 'Description'],
    rows.map((f) => [
      code(f.path),
      cell(code(f.type)),
      f.default === undefined ? '—' : cell(code(f.default)),
      f.required ? 'yes' : 'no',
      cell(f.description ?? ''),
    ]),
  );
}
