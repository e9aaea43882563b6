import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { FaultInjector } from '../faults.js';
import type { Simulator, SimulatorOptions } from '../simulator.js';
import type { AssetCard, Wave } from '../world/types.js';
import { cardJson, checkedCard } from './cardJson.js';
import { faultedListener, type ProtocolFault, type Target } from '../http/deliver.js';
import { PositionIndex } from '../http/positionIndex.js';
import { makeReply, type Reply } from '../http/reply.js';
import { readBody } from '../http/requestBody.js';
import { pathParam } from '../http/requestTarget.js';
import { cardCursor } from './cursor.js';
import { SignatureVerifier } from './verifier.js';

/**
 * The state-owned asset platform's open API (asset.md): signed GET requests, the
 * `{success, code, message, requestId, data}` envelope, and asset cards listed by an opaque
 * position cursor over (updatedAt, assetCode).
 *
 * @example
 * const sim = createAssetSimulator({ data: world.data.asset });
 * http.createServer(sim.listener).listen(0, '127.0.0.1');
 * sim.faults.add({ mode: 'http429', retryAfterSec: 2 });
 * sim.apply(wave); // modified cards move to the end of the listing order
 */
export interface AssetSimulatorOptions extends SimulatorOptions<AssetCard[]> {
  /** AppKey → AppSecret accepted; defaults to the sandbox credentials. */
  credentials?: Record<string, string>;
}

export type AssetSimulator = Simulator<AssetCard[], Pick<Wave, 'asset'>>;

export const ASSET_CARDS_PATH = '/asset/open/v1/asset-cards';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
const JSON_TYPE = 'application/json; charset=utf-8';
const MALFORMED_VALUE = '-5';

type Route = { kind: 'list' } | { kind: 'card'; assetCode: string };

export function createAssetSimulator(opts: AssetSimulatorOptions): AssetSimulator {
  const faults = opts.faults ?? new FaultInjector();
  const now = opts.now ?? Date.now;
  const index = new PositionIndex<AssetCard>(
    (c) => c.updatedAt,
    (c) => c.assetCode,
  );
  index.upsert(opts.data.map(checkedCard));
  const { AppKey, AppSecret } = SANDBOX_CREDENTIALS.asset;
  const verifier = new SignatureVerifier(
    new Map(Object.entries(opts.credentials ?? { [AppKey]: AppSecret })),
    now,
  );

  const respond = (req: IncomingMessage, { path, query, malformed }: Target, body: Buffer): Reply => {
    const route = matchRoute(path);
    if (!route) return failure(404, 'NOT_FOUND', 'unknown endpoint');
    if (req.method !== 'GET') return failure(405, 'METHOD_NOT_ALLOWED', 'only GET is allowed');
    const auth = verifier.verify({ method: req.method, path, rawQuery: query, headers: req.headers, body });
    if (!auth.ok) return failure(401, auth.code, auth.message);
    if (route.kind === 'card') {
      const card = index.get(route.assetCode);
      return card ? success(cardJson(card)) : failure(404, 'NOT_FOUND', 'unknown asset');
    }
    return listCards(index, new URLSearchParams(query), malformed);
  };

  // The signature covers the body's hash; a body over the limit drops the connection.
  const answer = async (req: IncomingMessage, target: Target): Promise<Reply> => {
    const body = await readBody(req);
    if (body === undefined) throw new Error('request body too large');
    return respond(req, target, body);
  };

  return {
    system: 'asset',
    listener: faultedListener(faults, protocolFault, answer),
    faults,
    apply: (wave) => index.upsert(wave.asset.map(checkedCard)),
    get data() {
      return index.items;
    },
  };
}

function listCards(index: PositionIndex<AssetCard>, params: URLSearchParams, malformed: boolean): Reply {
  const limit = intParam(params.get('limit'), DEFAULT_LIMIT);
  if (limit === undefined || limit < 1 || limit > MAX_LIMIT) {
    return failure(400, 'PARAM_INVALID', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  let since: number;
  let start: number;
  const cursorText = params.get('cursor');
  if (cursorText !== null) {
    const pos = cardCursor.decode(cursorText);
    if (!pos) return failure(400, 'CURSOR_INVALID', 'cursor was not issued by this API');
    since = pos.q;
    start = index.firstAfter(pos.u, pos.k);
  } else {
    const s = intParam(params.get('updatedSince'), 0);
    if (s === undefined) return failure(400, 'PARAM_INVALID', 'updatedSince must be epoch milliseconds');
    since = s;
    start = index.firstFrom(since);
  }
  const { items, hasMore } = index.page(start, limit);
  const bad = malformed ? Math.floor(items.length / 2) : -1;
  const itemsJson = items.map((c, i) => (i === bad ? cardJson(c, MALFORMED_VALUE) : cardJson(c))).join(',');
  const last = items.at(-1);
  const next = hasMore && last ? cardCursor.encode({ q: since, u: last.updatedAt, k: last.assetCode }) : null;
  return success(`{"items":[${itemsJson}],"hasMore":${hasMore},"nextCursor":${JSON.stringify(next)}}`);
}

function matchRoute(path: string): Route | undefined {
  if (path === ASSET_CARDS_PATH) return { kind: 'list' };
  const assetCode = pathParam(path, ASSET_CARDS_PATH);
  return assetCode === undefined ? undefined : { kind: 'card', assetCode };
}

/** A non-negative integer parameter; `fallback` when absent or empty, undefined when malformed. */
function intParam(text: string | null, fallback: number): number | undefined {
  if (text === null || text === '') return fallback;
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function envelope(status: number, code: string, message: string, dataJson: string): Reply {
  const text =
    `{"success":${code === 'OK'},"code":${JSON.stringify(code)},"message":${JSON.stringify(message)},` +
    `"requestId":"${randomUUID()}","data":${dataJson}}`;
  return makeReply(status, JSON_TYPE, text);
}

function success(dataJson: string): Reply {
  return envelope(200, 'OK', '', dataJson);
}

function failure(status: number, code: string, message: string): Reply {
  return envelope(status, code, message, 'null');
}

function protocolFault(fault: ProtocolFault): Reply {
  switch (fault) {
    case 'rateLimited':
      return failure(429, 'RATE_LIMITED', 'rate limit exceeded');
    case 'busy':
      return failure(503, 'SERVICE_UNAVAILABLE', 'service temporarily unavailable');
    case 'authExpired':
    case 'authFail':
      return failure(401, 'SIGNATURE_INVALID', 'signature mismatch');
  }
}
