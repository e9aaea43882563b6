import { z } from 'zod';
import type { ConnectorContext } from '../../src/connector/define.js';
import { HubErrors } from '../../src/errors.js';
import { interpretEnvelope } from './envelope.js';
import type { OaConfig } from './spec.js';

export const TOKEN_PATH = '/oa/oauth2/token';

const TokenData = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

/** Seconds before `expires_in` runs out at which we stop using a token (clock skew, slow requests). */
export function refreshMarginSec(expiresIn: number): number {
  return Math.min(300, Math.floor(expiresIn / 10));
}

/**
 * The OAuth2 client-credentials token (oa.md §1), fetched on first use and reused until shortly
 * before its `expires_in` runs out, or until the API says it is invalid (`invalidate`).
 */
export class OaTokenSource {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly ctx: ConnectorContext<OaConfig>) {}

  private now(): number {
    return this.ctx.now?.() ?? Date.now();
  }

  /** A token that is valid now, fetching one when there is none or it is about to expire. */
  async get(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    // Concurrent callers share one token request instead of each fetching their own.
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Forgets the cached token: the source rejected it (40001) before its expiry. */
  invalidate(): void {
    this.token = null;
  }

  private async fetch(): Promise<string> {
    const { http, config, log } = this.ctx;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: config.auth.client_id,
      client_secret: config.auth.client_secret,
    }).toString();
    const data = await http.call({
      request: {
        method: 'POST',
        url: TOKEN_PATH,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        data: body,
      },
      interpret: (res) => {
        const parsed = TokenData.safeParse(interpretEnvelope(res, http.system, http.redact));
        if (!parsed.success)
          throw HubErrors.SOURCE_PAYLOAD(http.system, 'token response without access_token/expires_in');
        return parsed.data;
      },
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
    const lifetimeSec = data.expires_in - refreshMarginSec(data.expires_in);
    this.token = { value: data.access_token, expiresAt: this.now() + lifetimeSec * 1000 };
    log.debug({ system: http.system, expiresIn: data.expires_in }, 'access token obtained');
    return data.access_token;
  }
}
