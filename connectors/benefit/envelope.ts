import type { AxiosResponse } from 'axios';
import { HubErrors } from '../../src/errors.js';
import { parseRetryAfter } from '../../src/http/backoff.js';
import { parseJsonObject } from '../shared/json.js';
import { DisbursementPage } from './records.js';

function errorText(body: Record<string, unknown> | null): string {
  const error = body?.error;
  if (typeof error !== 'object' || error === null) return '';
  const { code, message } = error as { code?: unknown; message?: unknown };
  return [code, message].filter((s): s is string => typeof s === 'string').join(' ');
}

/**
 * Classifies one listing response (benefit.md §2): a page for `status: "ok"`, otherwise the
 * HubError that decides what the HTTP layer does — 401 is a configuration error, other 4xx a
 * rejected request, 429/5xx and unparseable pages are retried.
 */
export function interpretPage(
  res: AxiosResponse<Buffer>,
  system: string,
  redact: (s: string) => string,
): DisbursementPage {
  const body = parseJsonObject(res.data);
  const why = redact(`HTTP ${res.status} ${errorText(body)}`.trim());
  if (res.status === 429 || res.status >= 500) {
    const retryAfterSec = parseRetryAfter(res.headers['retry-after']);
    throw HubErrors.SOURCE_TRANSIENT.with(retryAfterSec === undefined ? {} : { retryAfterSec }, system, why);
  }
  if (res.status === 401) throw HubErrors.SOURCE_AUTH(system, why);
  if (res.status < 200 || res.status >= 300) throw HubErrors.SOURCE_REJECTED(system, why);
  if (body === null) throw HubErrors.SOURCE_PAYLOAD(system, 'response is not a JSON object');
  if (body.status !== 'ok')
    throw HubErrors.SOURCE_PAYLOAD(system, `status ${JSON.stringify(body.status)} with ${why}`);
  const page = DisbursementPage.safeParse(body);
  if (!page.success) throw HubErrors.SOURCE_PAYLOAD(system, 'listing without total/rows');
  return page.data;
}
