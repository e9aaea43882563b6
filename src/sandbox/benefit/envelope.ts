/** The platform's answers (benefit.md §1–§2): `{status:'ok', …}` pages and `{status:'error', error}` failures. */
import { toJsonReply, type Reply } from '../http/reply.js';

export type BenefitErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE';

const STATUS: Record<BenefitErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

const MESSAGE: Record<BenefitErrorCode, string> = {
  BAD_REQUEST: 'malformed parameter',
  UNAUTHORIZED: 'access token missing or invalid',
  NOT_FOUND: 'no such endpoint',
  METHOD_NOT_ALLOWED: 'method not allowed',
  TOO_MANY_REQUESTS: 'rate limit exceeded',
  SERVICE_UNAVAILABLE: 'service under maintenance',
};

/** A status and JSON body, before it becomes bytes. */
export interface BenefitAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function failure(
  code: BenefitErrorCode,
  detail?: string,
  headers?: Record<string, string>,
): BenefitAnswer {
  const message = detail === undefined ? MESSAGE[code] : `${MESSAGE[code]}: ${detail}`;
  return { status: STATUS[code], body: { status: 'error', error: { code, message } }, headers };
}

/** UTF-8 JSON; `mislabel` keeps the bytes but declares them GBK. */
export function jsonReply(a: BenefitAnswer, mislabel = false): Reply {
  return toJsonReply(a.status, a.body, a.headers, mislabel);
}
