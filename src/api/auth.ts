import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubConfig, Scope } from '../config/schema.js';
import { HubError, HubErrors } from '../errors.js';
import { errorHandler } from './errors.js';
import { callerOf, type RateLimiter } from './rateLimit.js';
import type { RouteScope } from './route.js';

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
  const key = presentedKey(header);
  if (key === null) return null;
  const presented = Buffer.from(sha256Hex(key), 'hex');
  let found: ApiPrincipal | null = null;
  for (const k of keys) {
    const stored = Buffer.from(k.sha256, 'hex');
    if (stored.length === presented.length && timingSafeEqual(stored, presented) && !found) {
      found = { name: k.name, scopes: k.scopes };
    }
  }
  return found;
}

/**
 * The key of `Authorization: Bearer <key>`, or of `Basic base64(<any user>:<key>)` — browsers
 * can send the latter from a login prompt, which is how people open the queue dashboard.
 */
function presentedKey(header: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i >= 0 && i < decoded.length - 1 ? decoded.slice(i + 1) : null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: ApiPrincipal;
  }
  interface FastifyContextConfig {
    /** Scope the route needs; 'signature' routes authenticate themselves (smart-city push). */
    scope?: RouteScope;
    /** false: the route is not rate limited. */
    rateLimit?: false;
  }
}

/**
 * onRequest guard: counts the request against its caller's rate (API key name, or address
 * when there is no valid key), then requires the route's scope. A route without a declared
 * scope (an unknown URL) needs a key like an admin route, so it tells strangers nothing.
 */
export function guard(keys: HubConfig['api']['keys'], limiter: RateLimiter) {
  const check = admit(keys, limiter);
  // Answered here rather than thrown: plugins with error handlers of their own (the queue
  // dashboard) must not get to reformat a refusal.
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      await check(req, reply);
    } catch (e) {
      if (!(e instanceof HubError)) throw e;
      errorHandler(e, req, reply);
      return reply;
    }
  };
}

function admit(keys: HubConfig['api']['keys'], limiter: RateLimiter) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const { scope = 'admin', rateLimit } = req.routeOptions.config;
    const keyed = scope !== 'public' && scope !== 'signature';
    const principal = keyed ? authenticate(keys, req.headers.authorization) : null;
    if (rateLimit !== false) {
      const v = await limiter(callerOf(principal?.name ?? null, req.ip));
      if (!v.allowed) throw HubErrors.API_RATE_LIMITED.with({ retryAfterSec: v.retryAfterSec });
    }
    if (!keyed) return;
    if (!principal) {
      // Pages for people (the queue dashboard) ask the browser for the key.
      if (req.url.startsWith('/admin/'))
        void _reply.header('www-authenticate', 'Basic realm="project-ledger hub", charset="UTF-8"');
      throw HubErrors.API_UNAUTHORIZED();
    }
    req.principal = principal;
    if (!principal.scopes.includes('admin') && !principal.scopes.includes(scope))
      throw HubErrors.API_FORBIDDEN(scope);
  };
}
