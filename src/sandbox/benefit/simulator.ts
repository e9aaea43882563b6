/**
 * Simulator of the enterprise-benefit platform's disbursement API (benefit.md): a static
 * `X-Access-Token`, offset/limit pages evaluated against the current data on every request.
 * `apply(wave)` upserts the wave's disbursements by applicationId.
 */
import type { RequestListener } from 'node:http';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { FaultInjector, type FaultRule } from '../faults.js';
import type { Simulator, SimulatorOptions } from '../simulator.js';
import type { Disbursement, Wave } from '../world/types.js';
import { guarded, respond, retryAfter, type Exchange, type RefusalMode } from '../http/respond.js';
import type { Reply } from '../http/reply.js';
import { requestUrl } from '../http/requestTarget.js';
import { listDisbursements } from './api.js';
import { DisbursementStore } from './disbursements.js';
import { failure, jsonReply, type BenefitAnswer } from './envelope.js';

export const DISBURSEMENTS_PATH = '/benefit/api/open/v1/disbursements';

export interface BenefitSimulatorExtras {
  /** Accepted X-Access-Token; defaults to SANDBOX_CREDENTIALS.benefit.token. */
  token?: string;
}

export type BenefitSimulator = Simulator<Disbursement[], Pick<Wave, 'benefit'>>;

const OVERSIZE = {
  contentType: 'application/json; charset=utf-8',
  head: '{"status":"ok","total":1,"offset":0,"limit":200,"rows":[',
  unit: '{"applicationId":"HQ202300000312","enterpriseName":"包头华美稀土高科有限公司","approvedAmount":"1250.5"},',
};

function refuse(mode: RefusalMode, rule: FaultRule): Reply {
  switch (mode) {
    case 'http429':
      return jsonReply(failure('TOO_MANY_REQUESTS', undefined, { 'Retry-After': retryAfter(rule) }));
    case 'envelopeBusy':
      return jsonReply(failure('SERVICE_UNAVAILABLE', undefined, { 'Retry-After': retryAfter(rule) }));
    case 'authFail':
    case 'authExpired':
      return jsonReply(failure('UNAUTHORIZED'));
  }
}

/**
 * @example
 * const sim = createBenefitSimulator({ data: world.data.benefit });
 * sim.faults.add({ mode: 'malformed' }); // next page: one row with approvedAmount "abc"
 */
export function createBenefitSimulator(
  opts: SimulatorOptions<Disbursement[]>,
  extras: BenefitSimulatorExtras = {},
): BenefitSimulator {
  const store = new DisbursementStore(opts.data);
  const faults = opts.faults ?? new FaultInjector();
  const accepted = extras.token ?? SANDBOX_CREDENTIALS.benefit.token;

  const listener: RequestListener = guarded(async (req, res) => {
    const url = requestUrl(req);
    const rule = faults.next(url.pathname);
    const exchange = (answer: (corrupt: boolean) => BenefitAnswer): Exchange => ({
      answer: ({ corrupt, mislabel }) => jsonReply(answer(corrupt), mislabel),
      refuse,
      oversize: OVERSIZE,
    });
    if (url.pathname !== DISBURSEMENTS_PATH)
      return respond(
        req,
        res,
        rule,
        exchange(() => failure('NOT_FOUND')),
      );
    if (req.method !== 'GET') {
      return respond(
        req,
        res,
        rule,
        exchange(() => failure('METHOD_NOT_ALLOWED', undefined, { Allow: 'GET' })),
      );
    }
    const token = req.headers['x-access-token'];
    respond(
      req,
      res,
      rule,
      exchange((corrupt) =>
        token === accepted ? listDisbursements(store, url.searchParams, corrupt) : failure('UNAUTHORIZED'),
      ),
    );
  });

  return {
    system: 'benefit',
    listener,
    faults,
    apply: (wave) => store.upsert(wave.benefit),
    get data() {
      return store.all;
    },
  };
}
