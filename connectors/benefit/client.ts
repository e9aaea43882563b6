import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { HubError, HubErrors } from '../../src/errors.js';
import { isoToEpochMs } from '../../src/model/time.js';
import { interpretPage } from './envelope.js';
import { DISBURSEMENTS_STREAM, type DisbursementPage } from './records.js';
import type { BenefitConfig, BenefitState } from './spec.js';
import { AnchoredWalk, beijingIso } from './walk.js';

export const DISBURSEMENTS_PATH = '/benefit/api/open/v1/disbursements';

function query(params: Record<string, string | number | null>): string {
  return Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** Maps an error of `check()` to the failure class operators see. */
export function checkFailure(e: unknown): Extract<CheckResult, { ok: false }> {
  if (e instanceof HubError) {
    const failure =
      e.code === HubErrors.SOURCE_AUTH.spec.code
        ? 'auth'
        : e.code === HubErrors.SOURCE_UNREACHABLE.spec.code
          ? 'connection'
          : e.code === HubErrors.SOURCE_TLS.spec.code
            ? 'tls'
            : e.code === HubErrors.SOURCE_PAYLOAD.spec.code
              ? 'payload'
              : 'other';
    return { ok: false, failure, detail: e.message };
  }
  if (e instanceof Error && e.name === 'TimeoutError')
    return { ok: false, failure: 'connection', detail: e.message };
  return { ok: false, failure: 'other', detail: e instanceof Error ? e.message : String(e) };
}

/** The disbursement API (benefit.md) over the hub's HTTP layer: static token, offset pages. */
export class BenefitClient {
  constructor(private readonly ctx: ConnectorContext<BenefitConfig>) {}

  listPage(
    updatedFrom: string | null,
    offset: number,
    limit = this.ctx.config.pageSize,
  ): Promise<DisbursementPage> {
    const { http, config } = this.ctx;
    return http.call({
      request: {
        method: 'GET',
        url: `${DISBURSEMENTS_PATH}?${query({ updatedFrom, offset, limit })}`,
        headers: { Accept: 'application/json', 'X-Access-Token': config.auth.token },
      },
      interpret: (res) => interpretPage(res, http.system, http.redact),
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
  }

  /** Reads one row: proves reachability, the token and the response format, within the timeout. */
  async check(): Promise<CheckResult> {
    const deadline = AbortSignal.timeout(this.ctx.config.timeoutMs);
    const signal = this.ctx.signal ? AbortSignal.any([this.ctx.signal, deadline]) : deadline;
    try {
      const page = await new BenefitClient({ ...this.ctx, signal }).listPage(null, 0, 1);
      return { ok: true, detail: `authenticated; ${page.total} disbursements` };
    } catch (e) {
      return checkFailure(e);
    }
  }

  /**
   * Reads `updatedAt >= updatedFrom` from `state`, re-anchoring after every page (AnchoredWalk).
   * Each page carries the largest `updatedAt` processed so far as the state to persist.
   */
  async *read(
    state: BenefitState | undefined,
    opts: { full: boolean },
  ): AsyncGenerator<RawPage<BenefitState>> {
    const from = opts.full || !state?.updatedFrom ? null : isoToEpochMs(state.updatedFrom);
    const walk = new AnchoredWalk(from);
    const limit = this.ctx.config.pageSize;
    for (;;) {
      const updatedFrom = walk.anchor === null ? null : beijingIso(walk.anchor);
      const offset = walk.offset;
      const page = await this.listPage(updatedFrom, offset, limit);
      if (page.rows.length === 0) return;
      walk.afterPage(page.rows);
      yield {
        stream: DISBURSEMENTS_STREAM,
        records: page.rows,
        position: { updatedFrom, offset },
        state: walk.state(),
        progress: { total: page.total },
      };
      // A short page, or one reaching `total`, is the end of the current result.
      if (page.rows.length < limit || offset + page.rows.length >= page.total) return;
    }
  }
}
