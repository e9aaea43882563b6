import type { IncomingMessage } from 'node:http';
import { beijingToEpochMs } from '../../model/time.js';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { FaultInjector } from '../faults.js';
import type { Simulator, SimulatorOptions } from '../simulator.js';
import type { TradingNotice, Wave } from '../world/types.js';
import { faultedListener, type ProtocolFault, type Target } from '../http/deliver.js';
import { makeReply, type Reply } from '../http/reply.js';
import { FeedIndex, type FeedPage } from './feedIndex.js';
import { NOTICE_TYPES, pageToken, type NoticeType } from './pageToken.js';
import { XML_BODY_START, feedXml, itemXml, statusXml } from './xml.js';

/**
 * The trading center's open data feed (trading.md): one GET endpoint with `accessKey`, UTF-8
 * XML pages of the current version of each notice, ordered by (publishTime, id) and walked
 * with an opaque page token.
 *
 * @example
 * const sim = createTradingSimulator({ data: world.data.trading });
 * http.createServer(sim.listener).listen(0, '127.0.0.1');
 * sim.apply(wave); // a re-published notice moves behind every token already handed out
 */
export interface TradingSimulatorOptions extends SimulatorOptions<TradingNotice[]> {
  /** The accessKey accepted; defaults to the sandbox credentials. */
  accessKey?: string;
}

export type TradingSimulator = Simulator<TradingNotice[], Pick<Wave, 'trading'>>;

export const FEED_PATH = '/trading/api/v1/feed';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const XML_TYPE = 'application/xml; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const START_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function createTradingSimulator(opts: TradingSimulatorOptions): TradingSimulator {
  const faults = opts.faults ?? new FaultInjector();
  const accessKey = opts.accessKey ?? SANDBOX_CREDENTIALS.trading.accessKey;
  const index = new FeedIndex(opts.data);

  const respond = (req: IncomingMessage, { path, query, malformed }: Target): Reply => {
    if (path !== FEED_PATH) return failure(404, 'no such endpoint');
    if (req.method !== 'GET') return failure(405, 'method not allowed');
    const params = new URLSearchParams(query);
    if (params.get('accessKey') !== accessKey) return failure(401, 'accessKey missing or wrong');
    const type = params.get('type') as NoticeType | null;
    if (type === null || !NOTICE_TYPES.includes(type))
      return failure(400, 'type must be tender, award or contract');
    const sizeText = params.get('pageSize');
    const size =
      sizeText === null || sizeText === ''
        ? DEFAULT_PAGE_SIZE
        : /^\d{1,3}$/.test(sizeText)
          ? Number(sizeText)
          : 0;
    if (size < 1 || size > MAX_PAGE_SIZE) return failure(400, `pageSize must be 1-${MAX_PAGE_SIZE}`, type);
    const tokenText = params.get('pageToken');
    let page: FeedPage;
    if (tokenText !== null && tokenText !== '') {
      const pos = pageToken.decode(tokenText);
      if (!pos || pos.q !== type) return failure(400, 'pageToken invalid', type);
      page = index.after(type, pos.u, pos.k, size);
    } else {
      const since = startTime(params.get('startTime'));
      if (since === undefined) return failure(400, 'startTime must be yyyy-MM-dd HH:mm:ss', type);
      page = index.since(type, since, size);
    }
    const bad = malformed ? Math.floor(page.items.length / 2) : -1;
    const items = page.items.map(({ notice }, i) => itemXml(i === bad ? conversionError(notice) : notice));
    const last = page.items.at(-1);
    const token = page.hasMore && last ? pageToken.encode({ q: type, u: last.ms, k: last.notice.id }) : '';
    return { ...makeReply(200, XML_TYPE, feedXml(type, items, token)), padAt: XML_BODY_START };
  };

  return {
    system: 'trading',
    listener: faultedListener(faults, protocolFault, respond),
    faults,
    apply: (wave) => index.upsert(wave.trading),
    get data() {
      return index.all();
    },
  };
}

/** Epoch ms of a startTime parameter; 0 when absent, undefined when malformed. */
function startTime(text: string | null): number | undefined {
  if (text === null || text === '') return 0;
  if (!START_TIME.test(text)) return undefined;
  try {
    return beijingToEpochMs(text);
  } catch {
    return undefined;
  }
}

/** The notice as the center publishes one it failed to convert (§5). */
function conversionError(n: TradingNotice): TradingNotice {
  return { ...n, brokenText: `数据转换异常:ORA-01722: invalid number|${n.id}|${n.publishTime}|` };
}

function failure(code: number, message: string, type?: string): Reply {
  return { ...makeReply(code, XML_TYPE, statusXml(code, message, type)), padAt: XML_BODY_START };
}

function protocolFault(fault: ProtocolFault): Reply {
  switch (fault) {
    case 'rateLimited':
      return failure(429, 'rate limit exceeded');
    case 'busy':
      return makeReply(503, TEXT_TYPE, '系统繁忙，请稍后再试 (service temporarily unavailable)');
    case 'authExpired':
    case 'authFail':
      return failure(401, 'accessKey missing or wrong');
  }
}
