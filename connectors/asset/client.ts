/**
 * The asset platform's protocol: signed GETs, the JSON envelope, and the cursor walk over
 * asset cards (asset.md §1–3).
 */
import type { AxiosRequestConfig } from 'axios';
import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { checkFailure } from '../../src/connector/check.js';
import { HubErrors } from '../../src/errors.js';
import { readEnvelope } from './envelope.js';
import { AssetCardsPage } from './records.js';
import { newNonce, queryParams, signatureHeaders } from './sign.js';
import type { AssetConfig, AssetState } from './spec.js';

export const ASSET_CARDS_PATH = '/asset/open/v1/asset-cards';
export const ASSET_STREAM = 'asset-cards';

/** A dead cursor is answered by a fresh walk; this bounds the loop if fresh walks die too. */
const MAX_WALK_RESTARTS = 3;

type ListOutcome = { ok: true; page: AssetCardsPage } | { ok: false; cursorInvalid: string };

export interface ListQuery {
  updatedSince: number;
  limit: number;
  cursor: string | null;
}

function queryString(q: ListQuery): string {
  const params = new URLSearchParams({ updatedSince: String(q.updatedSince), limit: String(q.limit) });
  if (q.cursor !== null) params.set('cursor', q.cursor);
  // URLSearchParams writes spaces as '+'; the server signs decoded values, so either is fine.
  return params.toString();
}

function updatedAtOf(item: unknown): number | null {
  const u = (item as { updatedAt?: unknown } | null)?.updatedAt;
  return typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? u : null;
}

export class AssetClient {
  constructor(private readonly ctx: ConnectorContext<AssetConfig>) {}

  /** Signs with a new timestamp and nonce; runs before every attempt, retries included. */
  readonly sign = (req: AxiosRequestConfig): AxiosRequestConfig => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    // The signed path is the one on the wire: the base URL's own path comes first.
    const basePath = new URL(this.ctx.http.baseUrl).pathname.replace(/\/+$/, '');
    const headers = signatureHeaders({
      method: req.method ?? 'GET',
      path: basePath + path,
      query: queryParams(q < 0 ? '' : url.slice(q + 1)),
      appKey: this.ctx.config.auth.AppKey,
      appSecret: this.ctx.config.auth.AppSecret,
      timestamp: this.ctx.now?.() ?? Date.now(),
      nonce: newNonce(),
    });
    return { ...req, headers: { ...(req.headers as Record<string, string> | undefined), ...headers } };
  };

  async list(query: ListQuery): Promise<ListOutcome> {
    const redact = this.ctx.http.redact;
    return this.ctx.http.call<ListOutcome>({
      request: {
        method: 'GET',
        url: `${ASSET_CARDS_PATH}?${queryString(query)}`,
        headers: { Accept: 'application/json' },
      },
      prepare: this.sign,
      interpret: (res) => {
        const env = readEnvelope(res.status, res.data, redact);
        if (!env.ok) return env;
        const page = AssetCardsPage.safeParse(env.data);
        if (!page.success)
          throw HubErrors.SOURCE_PAYLOAD('asset', `listing data: ${page.error.issues[0]?.message}`);
        if (page.data.hasMore && page.data.nextCursor === null) {
          throw HubErrors.SOURCE_PAYLOAD('asset', 'hasMore without nextCursor');
        }
        return { ok: true, page: page.data };
      },
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
  }

  /**
   * Walks the cards from the stored `updatedSince` (inclusive, so boundary cards come again and
   * are de-duplicated downstream by version), or resumes a walk from its stored cursor.
   * `updatedSince` advances with every page: cards arrive in updatedAt order, so every card older
   * than the largest one seen has been delivered, and a restart from there skips nothing.
   */
  async *read(state: AssetState | undefined, opts: { full: boolean }): AsyncGenerator<RawPage<AssetState>> {
    const start = opts.full || !state ? { updatedSince: null, cursor: null } : state;
    let since = start.updatedSince;
    let cursor = start.cursor;
    let restarts = 0;
    for (;;) {
      const query: ListQuery = { updatedSince: since ?? 0, limit: this.ctx.config.pageSize, cursor };
      const res = await this.list(query);
      if (!res.ok) {
        if (cursor === null || restarts >= MAX_WALK_RESTARTS) {
          throw HubErrors.SOURCE_CURSOR_INVALID('asset', res.cursorInvalid);
        }
        restarts++;
        this.ctx.log.warn(
          { system: 'asset', updatedSince: since, reason: res.cursorInvalid },
          'cursor rejected; restarting the walk',
        );
        cursor = null;
        continue;
      }
      for (const item of res.page.items) {
        const u = updatedAtOf(item);
        if (u !== null && (since === null || u > since)) since = u;
      }
      const next = res.page.hasMore ? res.page.nextCursor : null;
      yield {
        stream: ASSET_STREAM,
        records: res.page.items,
        position: { updatedSince: query.updatedSince, cursor: query.cursor },
        state: { updatedSince: since, cursor: next },
      };
      if (next === null) return;
      cursor = next;
    }
  }

  async check(): Promise<CheckResult> {
    try {
      const res = await this.list({ updatedSince: 0, limit: 1, cursor: null });
      if (!res.ok) return { ok: false, failure: 'other', detail: res.cursorInvalid };
      return { ok: true, detail: `asset cards readable (${res.page.items.length} on a 1-card page)` };
    } catch (e) {
      return checkFailure(e, this.ctx.http.redact);
    }
  }
}
