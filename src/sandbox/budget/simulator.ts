/**
 * Simulator of the budget integration platform's data-sharing gateway (budget.md):
 * `POST /budget/gateway`, XML in, GBK XML out, change-log passes with continuation tokens and
 * sync points. `apply(wave)` appends the wave's entries to the log.
 */
import type { RequestListener } from 'node:http';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { FaultInjector, type FaultRule } from '../faults.js';
import { guarded, respond, retryAfter, type Exchange, type RefusalMode } from '../http/respond.js';
import { readBody } from '../http/requestBody.js';
import { requestUrl } from '../http/requestTarget.js';
import type { Simulator, SimulatorOptions } from '../simulator.js';
import type { BudgetLogEntry, Wave } from '../world/types.js';
import { epochMsToBeijing } from '../../model/time.js';
import { renderResponse, xmlReply, DECLARATION, CONTENT_TYPE } from './envelope.js';
import { answerGateway, type BudgetCredentials } from './gateway.js';
import { ChangeLog } from './log.js';
import { readRequest } from './request.js';

export const GATEWAY_PATH = '/budget/gateway';

export interface BudgetSimulatorExtras {
  /** Accepted SysCode/Token; defaults to SANDBOX_CREDENTIALS.budget. */
  credentials?: BudgetCredentials;
}

export type BudgetSimulator = Simulator<BudgetLogEntry[], Pick<Wave, 'budget'>>;

const OVERSIZE = {
  contentType: CONTENT_TYPE,
  head: `${DECLARATION}\n<Response><Head><RetCode>0000</RetCode></Head><Body><Records>`,
  unit: '<Record><XMDM>150203202304000517</XMDM><BBH>1</BBH></Record>\n',
};

/**
 * @example
 * const sim = createBudgetSimulator({ data: world.data.budget });
 * http.createServer(sim.listener).listen(0, '127.0.0.1');
 * sim.faults.add({ mode: 'envelopeBusy', times: 2 });
 */
export function createBudgetSimulator(
  opts: SimulatorOptions<BudgetLogEntry[]>,
  extras: BudgetSimulatorExtras = {},
): BudgetSimulator {
  const log = new ChangeLog(opts.data);
  const faults = opts.faults ?? new FaultInjector();
  const now = opts.now ?? Date.now;
  const credentials = extras.credentials ?? SANDBOX_CREDENTIALS.budget;
  const respTime = (): string => epochMsToBeijing(now()).replace(/\D/g, '');

  const refusal = (retCode: '1001' | '2001' | '3001' | '9001', status = 200, headers = {}) =>
    xmlReply(status, renderResponse({ retCode, serialNo: '', respTime: respTime() }), false, headers);

  const refuse = (mode: RefusalMode, rule: FaultRule) => {
    switch (mode) {
      case 'http429':
        return refusal('3001', 429, { 'Retry-After': retryAfter(rule) });
      case 'envelopeBusy':
        return refusal('9001');
      case 'authFail':
      case 'authExpired':
        return refusal('1001');
    }
  };

  const listener: RequestListener = guarded(async (req, res) => {
    const path = requestUrl(req).pathname;
    const rule = faults.next(path);
    const exchange = (answer: Exchange['answer']): Exchange => ({ answer, refuse, oversize: OVERSIZE });
    if (path !== GATEWAY_PATH)
      return respond(
        req,
        res,
        rule,
        exchange(() => refusal('2001', 404)),
      );
    if (req.method !== 'POST') {
      return respond(
        req,
        res,
        rule,
        exchange(() => refusal('2001', 405, { Allow: 'POST' })),
      );
    }
    const bytes = await readBody(req);
    const request = bytes === undefined ? { invalid: 'request too large' } : readRequest(bytes);
    respond(
      req,
      res,
      rule,
      exchange(({ corrupt, mislabel }) =>
        xmlReply(200, answerGateway({ log, credentials, respTime: respTime(), corrupt }, request), mislabel),
      ),
    );
  });

  return {
    system: 'budget',
    listener,
    faults,
    apply: (wave) => log.append(wave.budget),
    get data() {
      return log.all;
    },
  };
}
