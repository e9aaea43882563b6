/**
 * The trading center's feed protocol (trading.md §1–3): GET with the access key in the query,
 * the XML status element, and page-token walks per notice type.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { checkFailure } from '../../src/connector/check.js';
import { HubErrors, type HubError } from '../../src/errors.js';
import {
  TRADING_STREAMS,
  type StreamState,
  type TradingConfig,
  type TradingState,
  type TradingStream,
  freshTradingState,
} from './spec.js';
import { decodeUtf8, parseFeed, type Feed } from './xml.js';

export const FEED_PATH = '/trading/api/v1/feed';
const SYSTEM = 'trading';
const PUBLISH_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export interface FeedQuery {
  type: TradingStream;
  startTime: string | null;
  pageToken: string | null;
  pageSize: number;
}

/** Query without the access key, which `prepare` adds so it never sits in a request we keep. */
export function feedUrl(q: FeedQuery): string {
  const params = new URLSearchParams({ type: q.type });
  if (q.pageToken !== null) params.set('pageToken', q.pageToken);
  else if (q.startTime !== null) params.set('startTime', q.startTime);
  params.set('pageSize', String(q.pageSize));
  return `${FEED_PATH}?${params.toString()}`;
}

function failFor(code: string, what: string): HubError {
  if (code === '401') return HubErrors.SOURCE_AUTH(SYSTEM, what);
  if (code === '429' || /^5\d\d$/.test(code)) return HubErrors.SOURCE_TRANSIENT(SYSTEM, what);
  return HubErrors.SOURCE_REJECTED(SYSTEM, what);
}

/**
 * Response → feed, or a HubError. A 429/5xx is transient whatever its body says (a 503 answers
 * in plain text); a 4xx without a readable status element is judged by its HTTP status alone.
 */
export function interpretFeed(
  res: Pick<AxiosResponse<Buffer>, 'status' | 'data'>,
  redact: (s: string) => string,
): Feed {
  if (res.status === 429 || res.status >= 500) throw HubErrors.SOURCE_TRANSIENT(SYSTEM, `HTTP ${res.status}`);
  let feed: Feed;
  try {
    feed = parseFeed(decodeUtf8(res.data));
  } catch (e) {
    if (res.status >= 400) throw failFor(String(res.status), `HTTP ${res.status}`);
    throw e;
  }
  if (feed.statusCode === '0' && res.status < 300) return feed;
  const code = feed.statusCode === '0' ? String(res.status) : feed.statusCode;
  throw failFor(
    code,
    redact(
      `HTTP ${res.status}, status ${feed.statusCode}${feed.statusMessage ? ` ${feed.statusMessage}` : ''}`,
    ),
  );
}

function publishTimeOf(item: unknown): string | null {
  const t = (item as { publishTime?: unknown } | null)?.publishTime;
  return typeof t === 'string' && PUBLISH_TIME.test(t.trim()) ? t.trim() : null;
}

export class TradingClient {
  constructor(private readonly ctx: ConnectorContext<TradingConfig>) {}

  private readonly withKey = (req: AxiosRequestConfig): AxiosRequestConfig => ({
    ...req,
    url: `${req.url ?? ''}&accessKey=${encodeURIComponent(this.ctx.config.auth.accessKey)}`,
  });

  async page(q: FeedQuery): Promise<Feed> {
    const redact = this.ctx.http.redact;
    const feed = await this.ctx.http.call<Feed>({
      request: { method: 'GET', url: feedUrl(q), headers: { Accept: 'application/xml' } },
      prepare: this.withKey,
      interpret: (res) => interpretFeed(res, redact),
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
    if (feed.type !== null && feed.type !== q.type) {
      throw HubErrors.SOURCE_PAYLOAD(SYSTEM, `asked for type ${q.type}, got ${feed.type}`);
    }
    return feed;
  }

  /**
   * One notice type from its stored startTime (inclusive: boundary notices come again and are
   * de-duplicated downstream by version), or from its stored page token. startTime advances
   * with every page: notices arrive in publishTime order, so a later walk from there skips none.
   */
  async *readStream(
    type: TradingStream,
    state: StreamState,
    full: boolean,
  ): AsyncGenerator<[RawPage<unknown>, StreamState]> {
    let startTime = full ? null : state.startTime;
    let pageToken = full ? null : state.pageToken;
    for (;;) {
      const query: FeedQuery = { type, startTime, pageToken, pageSize: this.ctx.config.pageSize };
      const feed = await this.page(query);
      for (const item of feed.items) {
        const t = publishTimeOf(item);
        // The fixed-width format orders lexicographically as it does in time.
        if (t !== null && (startTime === null || t > startTime)) startTime = t;
      }
      const next = feed.nextPageToken === '' ? null : feed.nextPageToken;
      const after: StreamState = { startTime, pageToken: next };
      yield [
        {
          stream: type,
          records: feed.items,
          position: { type, startTime: query.startTime, pageToken: query.pageToken },
          state: after,
        },
        after,
      ];
      if (next === null) return;
      pageToken = next;
    }
  }

  /** The three notice types in turn; each page carries the whole state, its own type advanced. */
  async *read(
    state: TradingState | undefined,
    opts: { full: boolean },
  ): AsyncGenerator<RawPage<TradingState>> {
    let current: TradingState = state ? { ...state } : freshTradingState();
    for (const type of TRADING_STREAMS) {
      for await (const [page, after] of this.readStream(type, current[type], opts.full)) {
        current = { ...current, [type]: after };
        yield { ...page, state: current };
      }
    }
  }

  async check(): Promise<CheckResult> {
    try {
      const feed = await this.page({ type: 'tender', startTime: null, pageToken: null, pageSize: 1 });
      return { ok: true, detail: `feed readable (${feed.items.length} notice on a 1-notice page)` };
    } catch (e) {
      return checkFailure(e, this.ctx.http.redact);
    }
  }
}
