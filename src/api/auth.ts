import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubConfig, Scope } from '../config/schema.js';
import { HubErrors } from '../errors.js';

export interface ApiPrincipal {
  name: string;
  scopes: Scope[];
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * Keys are stored as SHA-256 hashes; the presented key is hashed and compared with every
 * configured hash in constant time (no early exit, so timing says nothing about which matched).
 */
export function authenticate(
  keys: HubConfig['api']['keys'],
  header: string | undefined,
): ApiPrincipal | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const presented = Buffer.from(sha256Hex(m[1]!), 'hex');
  let found: ApiPrincipal | null = null;
  for (const k of keys) {
    const stored = Buffer.from(k.sha256, 'hex');
    if (stored.length === presented.length && timingSafeEqual(stored, presented) && !found) {
      found = { name: k.name, scopes: k.scopes };
    }
  }
  return found;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: ApiPrincipal;
  }
  interface FastifyContextConfig {
    /** Scope the route needs; 'signature' routes authenticate themselves (smart-city push). */
    scope?: Scope | 'signature' | 'public';
  }
}

export function requireScope(keys: HubConfig['api']['keys']) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const scope = req.routeOptions.config.scope;
    if (scope === 'public' || scope === 'signature') return;
    const p = authenticate(keys, req.headers.authorization);
    if (!p) throw HubErrors.API_UNAUTHORIZED();
    req.principal = p;
    const need = scope ?? 'admin';
    if (!p.scopes.includes('admin') && !p.scopes.includes(need)) throw HubErrors.API_FORBIDDEN(need);
  };
}
