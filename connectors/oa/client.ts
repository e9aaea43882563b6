import type { AxiosRequestConfig } from 'axios';
import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { checkWithin } from '../../src/connector/check.js';
import { HubErrors } from '../../src/errors.js';
import { queryString } from '../shared/query.js';
import { interpretEnvelope } from './envelope.js';
import { DOCUMENTS_STREAM, DocumentPage } from './records.js';
import type { OaConfig, OaState } from './spec.js';
import { OaTokenSource } from './token.js';
import { WalkTracker } from './walk.js';

export const DOCUMENTS_PATH = '/oa/api/v1/documents';

/** The OA document API (oa.md) over the hub's HTTP layer: bearer token, envelope, page walk. */
export class OaClient {
  private readonly token: OaTokenSource;

  constructor(private readonly ctx: ConnectorContext<OaConfig>) {
    this.token = new OaTokenSource(ctx);
  }

  /**
   * An authenticated API call; a 40001 answer refreshes the token and repeats it once. `parse`
   * checks `data` inside the call, so a malformed page is retried like any unparseable answer.
   */
  async api<T>(request: AxiosRequestConfig, parse: (data: unknown) => T): Promise<T> {
    const { http } = this.ctx;
    let bearer = await this.token.get();
    return http.call({
      request,
      prepare: (req) => ({ ...req, headers: { ...req.headers, Authorization: `Bearer ${bearer}` } }),
      interpret: (res) => parse(interpretEnvelope(res, http.system, http.redact)),
      onAuthExpired: async () => {
        this.token.invalidate();
        bearer = await this.token.get();
      },
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
  }

  listPage(
    updateTimeFrom: string | null,
    pageNo: number,
    pageSize = this.ctx.config.pageSize,
  ): Promise<DocumentPage> {
    const system = this.ctx.http.system;
    return this.api(
      {
        method: 'GET',
        url: `${DOCUMENTS_PATH}?${queryString({ updateTimeFrom, pageNo, pageSize })}`,
        headers: { Accept: 'application/json' },
      },
      (data) => {
        const page = DocumentPage.safeParse(data);
        if (!page.success)
          throw HubErrors.SOURCE_PAYLOAD(system, 'document listing without total/pages/list');
        return page.data;
      },
    );
  }

  /**
   * Obtains a token and reads one document: proves reachability, credentials and the envelope.
   * Retries stop at the configured timeout, so a dead source answers promptly.
   */
  check(): Promise<CheckResult> {
    return checkWithin(this.ctx, async (signal) => {
      const page = await new OaClient({ ...this.ctx, signal }).listPage(null, 1, 1);
      return `authenticated; ${page.total} documents`;
    });
  }

  /**
   * Walks `updateTime >= updateTimeFrom` page by page (oa.md §3) from `state`, resuming a walk that
   * was cut off at its `pageNo`. Each page carries the state to persist after it is enqueued; the
   * last one carries the cursor for the next run (see WalkTracker).
   */
  async *read(state: OaState | undefined, opts: { full: boolean }): AsyncGenerator<RawPage<OaState>> {
    const { log, http } = this.ctx;
    const start: OaState = opts.full || state === undefined ? { updateTimeFrom: null, pageNo: 1 } : state;
    const bound = start.updateTimeFrom;
    const walk = new WalkTracker(bound, start.pageNo > 1);
    let last: OaState = start;
    for (let pageNo = start.pageNo; ; pageNo++) {
      const page = await this.listPage(bound, pageNo);
      const position = { updateTimeFrom: bound, pageNo };
      // A page past the end is empty (oa.md §3); pages can also shrink under us.
      if (page.list.length === 0) {
        const done = walk.done();
        if (done.updateTimeFrom !== last.updateTimeFrom || done.pageNo !== last.pageNo) {
          yield {
            stream: DOCUMENTS_STREAM,
            records: [],
            position,
            state: done,
            progress: { total: page.total },
          };
        }
        break;
      }
      walk.observe(page.list);
      const end = pageNo >= page.pages;
      last = end ? walk.done() : walk.next(pageNo);
      yield {
        stream: DOCUMENTS_STREAM,
        records: page.list,
        position,
        state: last,
        progress: { total: page.total },
      };
      if (end) break;
    }
    if (walk.moved) {
      log.info(
        { system: http.system, updateTimeFrom: last.updateTimeFrom },
        'documents moved during the walk; the next run starts before them',
      );
    }
  }
}
