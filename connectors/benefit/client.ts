import type { CheckResult, ConnectorContext, RawPage } from '../../src/connector/define.js';
import { checkWithin } from '../../src/connector/check.js';
import { isoToEpochMs } from '../../src/model/time.js';
import { queryString } from '../shared/query.js';
import { interpretPage } from './envelope.js';
import { DISBURSEMENTS_STREAM, type DisbursementPage } from './records.js';
import type { BenefitConfig, BenefitState } from './spec.js';
import { AnchoredWalk, beijingIso } from './walk.js';

export const DISBURSEMENTS_PATH = '/benefit/api/open/v1/disbursements';

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
        url: `${DISBURSEMENTS_PATH}?${queryString({ updatedFrom, offset, limit })}`,
        headers: { Accept: 'application/json', 'X-Access-Token': config.auth.token },
      },
      interpret: (res) => interpretPage(res, http.system, http.redact),
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
    });
  }

  /** Reads one row: proves reachability, the token and the response format, within the timeout. */
  check(): Promise<CheckResult> {
    return checkWithin(this.ctx, async (signal) => {
      const page = await new BenefitClient({ ...this.ctx, signal }).listPage(null, 0, 1);
      return `authenticated; ${page.total} disbursements`;
    });
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
