import type { AxiosResponse } from 'axios';
import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { checkWithin } from '../../src/connector/check.js';
import { HubErrors } from '../../src/errors.js';
import { parseJson } from '../shared/json.js';
import { ErrorBody, EventsPage, describeIssues } from './records.js';
import type { SmartcityConfig, SmartcityState } from './spec.js';

/** Pull side of the platform (smartcity.md §2–§3): the event log read by sequence number. */

const SYSTEM = 'smartcity';
export const EVENTS_PATH = '/smartcity/api/v2/events';
export const STREAM = 'events';

function parseBody(res: AxiosResponse<Buffer>): unknown {
  return parseJson(Buffer.from(res.data));
}

/**
 * Maps a response to a page or to the hub's error classes. 500 bodies may be HTML, so the error
 * body is optional; the HTTP layer turns every 429/5xx into a transient error anyway. The
 * platform's message is quoted (it says what is wrong) but redacted: it may echo our key.
 */
export function interpretEventsResponse(
  res: AxiosResponse<Buffer>,
  redact: (s: string) => string,
): EventsPage {
  const body = parseBody(res);
  if (res.status >= 200 && res.status < 300) {
    if (body === undefined) throw HubErrors.SOURCE_PAYLOAD(SYSTEM, `HTTP ${res.status} body is not JSON`);
    const page = EventsPage.safeParse(body);
    if (!page.success) throw HubErrors.SOURCE_PAYLOAD(SYSTEM, describeIssues(page.error));
    return page.data;
  }
  const err = ErrorBody.safeParse(body);
  const detail = err.success
    ? redact(`HTTP ${res.status} ${err.data.error}${err.data.message ? `: ${err.data.message}` : ''}`)
    : `HTTP ${res.status}`;
  if (res.status === 401) throw HubErrors.SOURCE_AUTH(SYSTEM, detail);
  if (res.status === 429 || res.status >= 500) throw HubErrors.SOURCE_TRANSIENT(SYSTEM, detail);
  throw HubErrors.SOURCE_REJECTED(SYSTEM, detail);
}

export class SmartcityClient {
  constructor(private readonly ctx: ConnectorContext<SmartcityConfig>) {}

  fetchPage(afterSeq: number, limit: number, signal = this.ctx.signal): Promise<EventsPage> {
    return this.ctx.http.call({
      request: {
        method: 'GET',
        url: EVENTS_PATH,
        params: { afterSeq, limit },
        headers: { 'X-API-Key': this.ctx.config.auth.apiKey, Accept: 'application/json' },
      },
      interpret: (res) => interpretEventsResponse(res, this.ctx.http.redact),
      ...(signal ? { signal } : {}),
    });
  }

  /** One event from the start of the log: proves reachability and the API key. */
  check(): Promise<CheckResult> {
    return checkWithin(this.ctx, async (signal) => {
      const page = await this.fetchPage(0, 1, signal);
      return `event log reachable, head seq ${page.headSeq}`;
    });
  }

  /**
   * Pages through the log from `state.afterSeq` (exclusive) until the platform says the page
   * reached its head. Each page's state is its `lastSeq`, which the framework persists only
   * after the page is enqueued, so a crash re-reads at most one page (harmless: de-duplicated
   * by eventId downstream).
   */
  async *read(
    state: SmartcityState | undefined,
    opts: { full: boolean },
  ): AsyncGenerator<RawPage<SmartcityState>> {
    const start = opts.full || !state ? 0 : state.afterSeq;
    const limit = this.ctx.config.pageSize;
    let afterSeq = start;
    for (;;) {
      this.ctx.signal?.throwIfAborted();
      const page = await this.fetchPage(afterSeq, limit);
      if (page.lastSeq < afterSeq || (page.hasMore && page.lastSeq === afterSeq)) {
        // Either would make us re-read or loop forever; the log is append-only, so this is a broken answer.
        throw HubErrors.SOURCE_PAYLOAD(
          SYSTEM,
          `lastSeq ${page.lastSeq} after afterSeq ${afterSeq} (hasMore ${page.hasMore}) makes no progress`,
        );
      }
      this.ctx.log.debug(
        {
          system: SYSTEM,
          afterSeq,
          events: page.events.length,
          lastSeq: page.lastSeq,
          headSeq: page.headSeq,
        },
        'smartcity events page',
      );
      yield {
        stream: STREAM,
        records: page.events,
        position: { afterSeq },
        state: { afterSeq: page.lastSeq },
        progress: { total: Math.max(0, page.headSeq - start) },
      };
      if (!page.hasMore) return;
      afterSeq = page.lastSeq;
    }
  }
}
