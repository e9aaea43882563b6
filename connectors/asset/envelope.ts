/**
 * Classifies an asset-platform response (asset.md §2) into data, a rejected cursor, or a
 * HubError whose failure class decides whether the HTTP layer retries.
 */
import { HubErrors } from '../../src/errors.js';
import { jsonProblem } from '../shared/json.js';
import { parseExactJson } from './json.js';
import { Envelope } from './records.js';

const SYSTEM = 'asset';

/** 401s that a fresh signature cures: the HTTP layer re-signs on every attempt. */
const RESIGN_CODES = new Set(['NONCE_REUSED', 'TIMESTAMP_EXPIRED']);
const BUSY_CODES = new Set(['RATE_LIMITED', 'SERVICE_UNAVAILABLE']);

export type EnvelopeOutcome = { ok: true; data: unknown } | { ok: false; cursorInvalid: string };

function parseOrUndefined(text: string): unknown {
  try {
    return parseExactJson(text);
  } catch {
    return undefined;
  }
}

/**
 * A rejected cursor is returned, not thrown: SOURCE_CURSOR_INVALID is transient, and the HTTP
 * layer would otherwise resend the same dead cursor until its attempts ran out.
 */
export function readEnvelope(
  status: number,
  body: Buffer,
  redact: (s: string) => string = (s) => s,
): EnvelopeOutcome {
  const { text, problem } = jsonProblem(body);
  if (problem && status >= 200 && status < 300) throw HubErrors.SOURCE_PAYLOAD(SYSTEM, problem);
  const env = Envelope.safeParse(problem || text === null ? undefined : parseOrUndefined(text));
  if (!env.success) {
    // No envelope (a 500 may answer with HTML): the HTTP status is all there is.
    const what = `HTTP ${status} without the JSON envelope`;
    if (status === 429 || status >= 500) throw HubErrors.SOURCE_TRANSIENT(SYSTEM, what);
    if (status === 401) throw HubErrors.SOURCE_AUTH(SYSTEM, what);
    if (status >= 400) throw HubErrors.SOURCE_REJECTED(SYSTEM, what);
    throw HubErrors.SOURCE_PAYLOAD(SYSTEM, what);
  }
  const { success, code, message, data } = env.data;
  if (status >= 200 && status < 300 && success && code === 'OK') return { ok: true, data };

  const what = redact(`HTTP ${status} ${code}${message ? `: ${message}` : ''}`);
  if (code === 'CURSOR_INVALID') return { ok: false, cursorInvalid: what };
  if (RESIGN_CODES.has(code) || BUSY_CODES.has(code)) throw HubErrors.SOURCE_TRANSIENT(SYSTEM, what);
  if (status === 429 || status >= 500) throw HubErrors.SOURCE_TRANSIENT(SYSTEM, what);
  if (status === 401) throw HubErrors.SOURCE_AUTH(SYSTEM, what);
  throw HubErrors.SOURCE_REJECTED(SYSTEM, what);
}
