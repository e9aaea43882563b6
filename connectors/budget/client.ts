import { randomUUID } from 'node:crypto';
import type { AxiosResponse } from 'axios';
import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { checkFailure } from '../../src/connector/check.js';
import { HubErrors } from '../../src/errors.js';
import { parseRetryAfter } from '../../src/http/backoff.js';
import { beijingReqTime, buildRequestXml, decodeBody, parseResponse, PayloadError } from './envelope.js';
import { BUDGET_SERVICES, type BudgetService } from './records.js';
import type { BudgetConfig } from './spec.js';
import type { BudgetState, ServiceState } from './state.js';

/** The single endpoint of the gateway (budget.md §1). */
export const GATEWAY_PATH = '/budget/gateway';

/** What one request sends to continue the change log: a running pass's token, or a sync point. */
export type Cursor = { token: string } | { syncPoint: string } | Record<string, never>;

export type QueryResult =
  | {
      kind: 'page';
      records: unknown[];
      hasMore: boolean;
      continuationToken: string | null;
      syncPoint: string | null;
    }
  /** RetCode 2002 (token invalid) or 2003 (sync point invalid): the pass must restart. */
  | { kind: 'cursorInvalid'; retCode: '2002' | '2003'; retMsg: string };

/** The budget gateway's protocol over the hub's HTTP layer (retries, rate limit, timeouts). */
export class BudgetClient {
  constructor(private readonly ctx: ConnectorContext<BudgetConfig>) {}

  private get system(): string {
    return this.ctx.http.system;
  }

  /** One request to the gateway. Transient failures are retried inside; the rest throw HubErrors. */
  async query(
    service: BudgetService,
    cursor: Cursor,
    pageSize = this.ctx.config.pageSize,
  ): Promise<QueryResult> {
    const { SysCode, Token } = this.ctx.config.auth;
    let serialNo = '';
    return this.ctx.http.call<QueryResult>({
      request: {
        method: 'POST',
        url: GATEWAY_PATH,
        headers: { 'Content-Type': 'text/xml; charset=UTF-8', Accept: 'text/xml' },
      },
      // Each attempt is a new request to the platform: fresh SerialNo and ReqTime.
      prepare: (req) => {
        serialNo = randomUUID();
        const xml = buildRequestXml({
          sysCode: SysCode,
          token: Token,
          serviceCode: service,
          reqTime: beijingReqTime(this.ctx.now?.() ?? Date.now()),
          serialNo,
          pageSize,
          ...('token' in cursor ? { continuationToken: cursor.token } : {}),
          ...('syncPoint' in cursor ? { syncPoint: cursor.syncPoint } : {}),
        });
        return { ...req, data: Buffer.from(xml, 'utf8') };
      },
      interpret: (res) => this.interpret(res, serialNo),
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
  }

  private interpret(res: AxiosResponse<Buffer>, serialNo: string): QueryResult {
    const redact = (s: string) => this.ctx.http.redact(s);
    if (res.status === 401 || res.status === 403)
      throw HubErrors.SOURCE_AUTH(this.system, `HTTP ${res.status}`);
    let env;
    try {
      const contentType = res.headers['content-type'];
      env = parseResponse(
        decodeBody(Buffer.from(res.data), typeof contentType === 'string' ? contentType : undefined),
      );
    } catch (e) {
      if (!(e instanceof PayloadError)) throw e;
      // Wrong path/method answers 404/405 with whatever body the web server has.
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        throw HubErrors.SOURCE_REJECTED(this.system, `HTTP ${res.status}`);
      }
      throw HubErrors.SOURCE_PAYLOAD(this.system, redact(e.message));
    }
    const why = `RetCode ${env.retCode} ${redact(env.retMsg)}`.trim();
    switch (env.retCode) {
      case '0000':
        break;
      case '1001':
        throw HubErrors.SOURCE_AUTH(this.system, why);
      case '2001':
        throw HubErrors.SOURCE_REJECTED(this.system, why);
      case '2002':
      case '2003':
        // Not an error of the request: read() restarts the pass as budget.md §5 says.
        return { kind: 'cursorInvalid', retCode: env.retCode, retMsg: redact(env.retMsg) };
      case '3001':
      case '9001':
      case '9999': {
        const retryAfterSec = parseRetryAfter(res.headers['retry-after']);
        throw HubErrors.SOURCE_TRANSIENT.with(
          retryAfterSec === undefined ? {} : { retryAfterSec },
          this.system,
          why,
        );
      }
      default:
        throw HubErrors.SOURCE_PAYLOAD(this.system, `unknown ${why}`);
    }
    // A response for another request (a proxy mix-up, a replayed answer) must not pass as ours.
    if (env.serialNo !== '' && env.serialNo !== serialNo) {
      throw HubErrors.SOURCE_PAYLOAD(this.system, `SerialNo ${env.serialNo} answers another request`);
    }
    if (res.status < 200 || res.status >= 300)
      throw HubErrors.SOURCE_PAYLOAD(this.system, `RetCode 0000 with HTTP ${res.status}`);
    const b = env.body!;
    return {
      kind: 'page',
      records: b.records,
      hasMore: b.hasMore,
      continuationToken: b.continuationToken,
      syncPoint: b.syncPoint,
    };
  }

  /**
   * Reads every ServiceCode's change log from where `state` left it (budget.md §3). Each yielded
   * page carries the state to persist once it is enqueued: the token of the next page while the
   * pass runs, the new SyncPoint (and no token) after its last page.
   */
  async *read(state: BudgetState | undefined, opts: { full: boolean }): AsyncGenerator<RawPage<BudgetState>> {
    let current: BudgetState = opts.full ? {} : { ...state };
    for (const service of BUDGET_SERVICES) {
      for await (const page of this.readService(service, current[service] ?? {}, (s) => ({
        ...current,
        [service]: s,
      }))) {
        current = page.state;
        yield page;
      }
    }
  }

  private async *readService(
    service: BudgetService,
    saved: ServiceState,
    withState: (s: ServiceState) => BudgetState,
  ): AsyncGenerator<RawPage<BudgetState>> {
    let { syncPoint, token } = saved;
    let page = 0;
    for (;;) {
      const cursor: Cursor = token ? { token } : syncPoint ? { syncPoint } : {};
      const res = await this.query(service, cursor);
      if (res.kind === 'cursorInvalid') {
        const sent = res.retCode === '2002' ? token : syncPoint;
        const err = HubErrors.SOURCE_CURSOR_INVALID(
          this.system,
          `${service} RetCode ${res.retCode} ${res.retMsg}`,
        );
        // An invalid-cursor answer to a request without that cursor cannot be cured by restarting.
        if (sent === undefined) {
          throw HubErrors.SOURCE_REJECTED(
            this.system,
            `${service} RetCode ${res.retCode} without that cursor sent`,
          );
        }
        this.ctx.log.warn(
          { system: this.system, service, code: err.code, retCode: res.retCode },
          err.message,
        );
        token = undefined;
        if (res.retCode === '2003') syncPoint = undefined;
        page = 0;
        continue;
      }
      page += 1;
      const next: ServiceState = res.hasMore
        ? { ...(syncPoint ? { syncPoint } : {}), token: res.continuationToken! }
        : { syncPoint: res.syncPoint! };
      yield {
        stream: service,
        records: res.records,
        position: {
          service,
          page,
          token: 'token' in cursor ? cursor.token : null,
          syncPoint: 'syncPoint' in cursor ? cursor.syncPoint : null,
        },
        state: withState(next),
      };
      if (!res.hasMore) return;
      token = res.continuationToken!;
    }
  }

  /** One small request: reachable, authenticated, and answering a well-formed page. */
  async check(): Promise<CheckResult> {
    try {
      const res = await this.query('XMK.QUERY', {}, 1);
      return res.kind === 'page'
        ? { ok: true, detail: `XMK.QUERY answered ${res.records.length} record(s)` }
        : { ok: false, failure: 'payload', detail: `RetCode ${res.retCode} to a request without a cursor` };
    } catch (e) {
      return checkFailure(e, this.ctx.http.redact);
    }
  }
}
