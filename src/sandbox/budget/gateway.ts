/**
 * The gateway's logic (budget.md §1–§5) as a pure function of the log and the request: checks
 * in the platform's order (XML, credentials, ServiceCode, PageSize, token / sync point), then one
 * page of a pass.
 */
import type { BudgetLogEntry } from '../world/types.js';
import { RET_MSG, renderResponse, type Head, type RetCode } from './envelope.js';
import {
  decodeContinuation,
  decodeSyncPoint,
  encodeContinuation,
  encodeSyncPoint,
  isService,
  type ChangeLog,
} from './log.js';
import type { GatewayRequest } from './request.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

export interface BudgetCredentials {
  SysCode: string;
  Token: string;
}

export interface GatewayContext {
  log: ChangeLog;
  credentials: BudgetCredentials;
  /** `yyyyMMddHHmmss`, Beijing time. */
  respTime: string;
  /** Serve one record of the page with a field a consumer must set aside (budget.md §6). */
  corrupt: boolean;
}

function pageSize(raw: string | undefined): number | undefined {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= MAX_PAGE_SIZE ? n : undefined;
}

/** A copy of the entry's fields with an impossible date (or, lacking a date, a negative amount). */
export function corruptFields(fields: Record<string, string>): Record<string, string> {
  const copy = { ...fields };
  const dateField = Object.keys(copy).find((k) => /^\d{4}-\d{2}-\d{2}$/.test(copy[k]!));
  if (dateField) copy[dateField] = '2023-02-30';
  else copy['JE'] = '-1.00';
  return copy;
}

/** The response document (always HTTP 200: the gateway reports its errors in RetCode). */
export function answerGateway(ctx: GatewayContext, request: GatewayRequest | { invalid: string }): string {
  const serialNo = 'invalid' in request ? '' : (request.SerialNo ?? '');
  const head = (retCode: RetCode, retMsg?: string): Head => ({
    retCode,
    retMsg,
    serialNo,
    respTime: ctx.respTime,
  });
  const refuse = (retCode: RetCode, why?: string): string =>
    renderResponse(head(retCode, why === undefined ? undefined : `${RET_MSG[retCode]}${why}`));

  if ('invalid' in request) return refuse('2001', `：${request.invalid}`);
  if (request.SysCode !== ctx.credentials.SysCode || request.Token !== ctx.credentials.Token) {
    return refuse('1001');
  }
  const service = request.ServiceCode;
  if (!isService(service)) return refuse('2001', '：ServiceCode');
  const size = pageSize(request.PageSize);
  if (size === undefined) return refuse('2001', '：PageSize');

  const entries = ctx.log.entries(service);
  let from: number;
  let end: number;
  if (request.ContinuationToken !== undefined) {
    const c = decodeContinuation(request.ContinuationToken, service, entries.length);
    if (!c) return refuse('2002');
    ({ f: from, t: end } = c);
  } else {
    end = entries.length;
    if (request.SyncPoint !== undefined) {
      const at = decodeSyncPoint(request.SyncPoint, service, entries.length);
      if (at === undefined) return refuse('2003');
      from = at;
    } else {
      from = 0;
    }
  }

  const stop = Math.min(from + size, end);
  const records = entries.slice(from, stop).map((e: BudgetLogEntry) => e.fields);
  if (ctx.corrupt && records.length > 0) {
    const i = Math.floor(records.length / 2);
    records[i] = corruptFields(records[i]!);
  }
  const hasMore = stop < end;
  return renderResponse(head('0000'), {
    hasMore,
    records,
    ...(hasMore
      ? { continuationToken: encodeContinuation(service, { f: stop, t: end }) }
      : { syncPoint: encodeSyncPoint(service, end) }),
  });
}
