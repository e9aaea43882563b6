import type { AxiosResponse } from 'axios';
import { HubErrors } from '../../src/errors.js';
import { parseRetryAfter } from '../../src/http/backoff.js';
import { parseJsonObject } from '../shared/json.js';

/** Envelope codes of oa.md §2. */
export const OA_CODES = {
  ok: 0,
  tokenInvalid: 40001,
  badParameter: 40002,
  wrongMethod: 40005,
  badClient: 40013,
  noEndpoint: 40400,
  notFound: 40404,
  rateLimited: 45009,
  busy: 50001,
} as const;

export interface OaEnvelope {
  code: number;
  msg: string;
  data: unknown;
}

function asEnvelope(o: Record<string, unknown> | null): OaEnvelope | null {
  if (o === null || typeof o.code !== 'number' || !Number.isInteger(o.code)) return null;
  return { code: o.code, msg: typeof o.msg === 'string' ? o.msg : '', data: o.data };
}

/**
 * Classifies one OA response (oa.md §2): returns `data` for code 0, otherwise throws the HubError
 * that decides what the HTTP layer does — refresh the token and repeat (40001), give up (bad
 * credentials, bad request) or back off (rate limit, busy, unparseable).
 */
export function interpretEnvelope(
  res: AxiosResponse<Buffer>,
  system: string,
  redact: (s: string) => string,
): unknown {
  const env = asEnvelope(parseJsonObject(res.data));
  if (env === null) {
    if (res.status === 401) throw HubErrors.SOURCE_AUTH_EXPIRED(system);
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      throw HubErrors.SOURCE_REJECTED(system, `HTTP ${res.status}`);
    }
    throw HubErrors.SOURCE_PAYLOAD(system, `HTTP ${res.status} without a {code,msg,data} JSON envelope`);
  }
  const why = redact(`code ${env.code} ${env.msg}`.trim());
  switch (env.code) {
    case OA_CODES.ok:
      if (res.status < 200 || res.status >= 300) {
        throw HubErrors.SOURCE_PAYLOAD(system, `code 0 with HTTP ${res.status}`);
      }
      return env.data;
    case OA_CODES.tokenInvalid:
      throw HubErrors.SOURCE_AUTH_EXPIRED(system);
    case OA_CODES.badClient:
      throw HubErrors.SOURCE_AUTH(system, why);
    case OA_CODES.rateLimited:
    case OA_CODES.busy: {
      const retryAfterSec = parseRetryAfter(res.headers['retry-after']);
      throw HubErrors.SOURCE_TRANSIENT.with(
        retryAfterSec === undefined ? {} : { retryAfterSec },
        system,
        why,
      );
    }
    default:
      // 40002, 40005, 40400, 40404 and codes the document does not list: retrying cannot help.
      throw HubErrors.SOURCE_REJECTED(system, why);
  }
}
