import type { IncomingMessage } from 'node:http';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { FaultInjector } from '../faults.js';
import type { Simulator, SimulatorOptions } from '../simulator.js';
import type { SmartcityEvent, Wave } from '../world/types.js';
import { faultedListener, type ProtocolFault, type Target } from '../http/deliver.js';
import { toJsonReply, type Reply } from '../http/reply.js';
import { pathParam } from '../http/requestTarget.js';
import { EventLog, type EventPage, type LoggedEvent } from './eventLog.js';

/**
 * The smart-city platform's pull API (smartcity.md §2–3): the append-only event log read by
 * sequence number with `X-API-Key`, and the current attributes of a site. The push side is
 * `pushBatches` (push.ts), fed with this simulator's `data`.
 *
 * @example
 * const sim = createSmartcitySimulator({ data: world.data.smartcity });
 * http.createServer(sim.listener).listen(0, '127.0.0.1');
 * await pushBatches({ url: hubWebhookUrl, secret, events: sim.data });
 * sim.apply(wave); // appended under new seqs, duplicates included
 */
export interface SmartcitySimulatorOptions extends SimulatorOptions<SmartcityEvent[]> {
  /** The X-API-Key accepted; defaults to the sandbox credentials. */
  apiKey?: string;
}

export type SmartcitySimulator = Simulator<LoggedEvent[], Pick<Wave, 'smartcity'>>;

export const EVENTS_PATH = '/smartcity/api/v2/events';
export const SITES_PATH = '/smartcity/api/v2/sites';
const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;
const MALFORMED_PROGRESS = 130;

type Route = { kind: 'events' } | { kind: 'site'; siteId: string };

export function createSmartcitySimulator(opts: SmartcitySimulatorOptions): SmartcitySimulator {
  const faults = opts.faults ?? new FaultInjector();
  const apiKey = opts.apiKey ?? SANDBOX_CREDENTIALS.smartcity.apiKey;
  const log = new EventLog();
  log.append(opts.data);

  const respond = (req: IncomingMessage, { path, query, malformed }: Target): Reply => {
    const route = matchRoute(path);
    if (!route) return failure(404, 'not_found', 'unknown endpoint');
    if (req.method !== 'GET') return failure(405, 'method_not_allowed', 'only GET is allowed');
    if (req.headers['x-api-key'] !== apiKey)
      return failure(401, 'unauthorized', 'missing or wrong X-API-Key');
    if (route.kind === 'site') {
      const site = log.site(route.siteId);
      return site ? toJsonReply(200, site) : failure(404, 'not_found', 'unknown site');
    }
    const params = new URLSearchParams(query);
    const afterSeq = intParam(params.get('afterSeq'), 0);
    if (afterSeq === undefined) return failure(400, 'bad_request', 'afterSeq must be a non-negative integer');
    const limit = intParam(params.get('limit'), DEFAULT_LIMIT);
    if (limit === undefined || limit < 1 || limit > MAX_LIMIT) {
      return failure(400, 'bad_request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const page = log.page(afterSeq, limit);
    return toJsonReply(200, malformed ? corrupt(page) : page);
  };

  return {
    system: 'smartcity',
    listener: faultedListener(faults, protocolFault, respond),
    faults,
    apply: (wave) => log.append(wave.smartcity),
    get data() {
      return log.events;
    },
  };
}

/** The page with one faulty-device progress report (130 %) in place of a good event. */
function corrupt(page: EventPage): EventPage {
  if (page.events.length === 0) return page;
  let i = page.events.findIndex((e) => e.type === 'progress.report');
  if (i < 0) i = Math.floor(page.events.length / 2);
  const events = [...page.events];
  const e = events[i]!;
  const reporter = e.type === 'progress.report' ? e.payload['reporter'] : '施工单位';
  events[i] = { ...e, type: 'progress.report', payload: { progressPercent: MALFORMED_PROGRESS, reporter } };
  return { ...page, events };
}

function matchRoute(path: string): Route | undefined {
  if (path === EVENTS_PATH) return { kind: 'events' };
  const siteId = pathParam(path, SITES_PATH);
  return siteId === undefined ? undefined : { kind: 'site', siteId };
}

function intParam(text: string | null, fallback: number): number | undefined {
  if (text === null || text === '') return fallback;
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function failure(status: number, error: string, message: string): Reply {
  return toJsonReply(status, { error, message });
}

function protocolFault(fault: ProtocolFault): Reply {
  switch (fault) {
    case 'rateLimited':
      return failure(429, 'rate_limited', 'rate limit exceeded');
    case 'busy':
      return failure(503, 'unavailable', 'temporarily unavailable');
    case 'authExpired':
    case 'authFail':
      return failure(401, 'unauthorized', 'missing or wrong X-API-Key');
  }
}
