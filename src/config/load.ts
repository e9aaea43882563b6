import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { HubErrors } from '../errors.js';
import { HubConfigSchema, type HubConfig } from './schema.js';

/** Replaces `${NAME}` in every string value with the environment variable; unset is an error. */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined)
        throw HubErrors.CONFIG_INVALID(`${path || '(root)'}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

/** One line per problem: `connectors.budget.baseUrl: expected a URL`. */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}

/** Validates a parsed config object completely; throws CONFIG_INVALID listing every issue. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const substituted = substituteEnv(raw ?? {}, env);
  const res = HubConfigSchema.safeParse(substituted);
  if (!res.success) throw HubErrors.CONFIG_INVALID(formatIssues(res.error.issues).join('\n'));
  const cfg = res.data;
  if (env['REDIS_URL']) {
    if (cfg.redis.cluster || cfg.redis.sentinel)
      throw HubErrors.CONFIG_INVALID(
        `redis: REDIS_URL is set but the file configures redis.${cfg.redis.cluster ? 'cluster' : 'sentinel'}`,
      );
    cfg.redis.url = env['REDIS_URL'];
  }
  // Containers listen on their own interface; the file can stay the same everywhere.
  if (env['HUB_API_HOST']) cfg.api.host = env['HUB_API_HOST'];
  if (env['HUB_API_PORT']) cfg.api.port = Number(env['HUB_API_PORT']);
  return cfg;
}

/** Loads `file` (or HUB_CONFIG); with neither, the defaults (embedded Redis, no connectors). */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const path = file ?? env['HUB_CONFIG'];
  if (!path) return parseConfig({}, env);
  if (!existsSync(path)) throw HubErrors.CONFIG_NOT_FOUND(path);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw HubErrors.CONFIG_INVALID(`${path}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  return parseConfig(raw, env);
}

/** Every credential value in the config, for log scrubbing. */
export function configSecrets(cfg: HubConfig): string[] {
  const out: string[] = [];
  for (const c of Object.values(cfg.connectors)) {
    const auth = (c as { auth?: Record<string, unknown> } | undefined)?.auth;
    if (auth) for (const v of Object.values(auth)) if (typeof v === 'string') out.push(v);
  }
  for (const w of cfg.webhooks) out.push(w.secret);
  for (const url of [cfg.redis.url, ...(cfg.redis.cluster?.nodes ?? [])]) {
    const pw = url ? /:\/\/[^:@/]*:([^@]+)@/.exec(url)?.[1] : undefined;
    if (pw) out.push(pw);
  }
  for (const pw of [cfg.redis.sentinel?.password, cfg.redis.sentinel?.sentinelPassword]) if (pw) out.push(pw);
  return out;
}
