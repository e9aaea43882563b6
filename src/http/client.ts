import axios, {
  type AxiosError,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
} from 'axios';
import type { Logger } from 'pino';
import { HubError, HubErrors } from '../errors.js';
import { backoffDelay, parseRetryAfter, sleep, type BackoffPolicy } from './backoff.js';
import { TokenBucket } from './rateLimit.js';

/**
 * The one HTTP layer every connector uses: timeouts (connect + whole response), retries with
 * exponential backoff and jitter that honour Retry-After, a per-system token bucket, a response
 * size cap, no redirects (base URLs come only from configuration), and errors classified into
 * the hub's codes. Protocol specifics (auth, envelopes, encodings) stay in the connectors: they
 * pass `prepare` (re-run before every attempt, so signatures and tokens are fresh) and
 * `interpret` (turns a response into data, or throws a HubError whose `failure` decides whether
 * it is retried).
 */
export interface HttpOptions {
  system: string;
  baseUrl: string;
  timeoutMs: number;
  rateLimit: { rps: number; burst: number };
  maxResponseBytes: number;
  retry: BackoffPolicy;
  log: Logger;
  /** Strings that must never reach a log line or an error message (credentials). */
  secrets?: string[];
}

export interface CallOptions<T> {
  request: AxiosRequestConfig;
  /** Runs before each attempt; returns the request to send (sign, add a token). */
  prepare?: (req: AxiosRequestConfig, attempt: number) => AxiosRequestConfig | Promise<AxiosRequestConfig>;
  /** Turns a 2xx–4xx response into data or throws (HubError decides retry). */
  interpret: (res: AxiosResponse<Buffer>) => T | Promise<T>;
  /** Called when interpret throws an `auth` HubError: refresh credentials; one retry follows. */
  onAuthExpired?: () => Promise<void>;
  signal?: AbortSignal;
}

export interface HttpClient {
  readonly system: string;
  readonly baseUrl: string;
  call<T>(opts: CallOptions<T>): Promise<T>;
  /** Redacts configured secrets from a string (for messages that quote URLs or bodies). */
  redact(s: string): string;
}

export function createHttpClient(o: HttpOptions): HttpClient {
  const bucket = new TokenBucket(o.rateLimit.rps, o.rateLimit.burst);
  const base = new URL(o.baseUrl);
  const secrets = (o.secrets ?? []).filter((s) => s.length >= 4);
  const redact = (s: string) => secrets.reduce((acc, sec) => acc.split(sec).join('***'), s);
  const ax: AxiosInstance = axios.create({
    baseURL: o.baseUrl.replace(/\/+$/, ''),
    timeout: o.timeoutMs,
    maxRedirects: 0,
    maxContentLength: o.maxResponseBytes,
    maxBodyLength: 16 * 1024 * 1024,
    responseType: 'arraybuffer',
    decompress: true,
    // Statuses are classified below; axios must not throw on them.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    proxy: false,
  });

  function classify(e: unknown, url: string): HubError {
    if (e instanceof HubError) return e;
    const ax = e as AxiosError;
    const code = ax.code ?? '';
    const msg = redact(ax.message ?? String(e));
    if (/ERR_FR_MAX_BODY_LENGTH_EXCEEDED|maxContentLength/i.test(code + msg)) {
      return HubErrors.SOURCE_TOO_LARGE.with({ cause: undefined }, o.system, o.maxResponseBytes);
    }
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code + msg)) {
      return HubErrors.SOURCE_TLS(o.system, base.host, code || msg);
    }
    return HubErrors.SOURCE_UNREACHABLE(o.system, redact(url), code || msg);
  }

  async function attempt<T>(c: CallOptions<T>, n: number): Promise<T> {
    await bucket.take(c.signal);
    const req = c.prepare ? await c.prepare({ ...c.request }, n) : c.request;
    const deadline = AbortSignal.timeout(o.timeoutMs);
    const signal = c.signal ? AbortSignal.any([c.signal, deadline]) : deadline;
    const url = `${req.method ?? 'GET'} ${req.url ?? ''}`;
    let res: AxiosResponse<Buffer>;
    try {
      res = await ax.request<Buffer>({ ...req, signal });
    } catch (e) {
      if (c.signal?.aborted) throw c.signal.reason;
      throw classify(e, url);
    }
    if (res.status >= 300 && res.status < 400) {
      throw HubErrors.SOURCE_REDIRECT(o.system, String(res.headers['location'] ?? '?'));
    }
    const retryAfter = parseRetryAfter(res.headers['retry-after']);
    if (res.status === 429 || res.status >= 500) {
      // Let the connector read an envelope first (it may name auth or a better reason) …
      try {
        await c.interpret(res);
      } catch (e) {
        if (e instanceof HubError && e.failure !== 'transient') throw e;
      }
      // … but a 429/5xx is always transient.
      throw HubErrors.SOURCE_TRANSIENT.with(
        retryAfter === undefined ? {} : { retryAfterSec: retryAfter },
        o.system,
        `HTTP ${res.status}`,
      );
    }
    return c.interpret(res);
  }

  async function call<T>(c: CallOptions<T>): Promise<T> {
    let authRefreshed = false;
    for (let n = 1; ; n++) {
      try {
        return await attempt(c, n);
      } catch (e) {
        if (c.signal?.aborted) throw e;
        const err = e instanceof HubError ? e : classify(e, c.request.url ?? '');
        if (err.failure === 'auth' && c.onAuthExpired && !authRefreshed) {
          authRefreshed = true;
          o.log.info({ system: o.system, code: err.code }, 'credentials expired; refreshing');
          await c.onAuthExpired();
          n--; // a token refresh is not a failed attempt
          continue;
        }
        if (err.failure === 'auth') {
          throw HubErrors.SOURCE_AUTH.with({ cause: err }, o.system, err.message);
        }
        if (!err.retryable || n >= o.retry.attempts) throw err;
        const wait = backoffDelay(n, o.retry, err.retryAfterSec);
        o.log.warn(
          { system: o.system, attempt: n, waitMs: wait, code: err.code, err: redact(err.message) },
          'source request failed; retrying',
        );
        await sleep(wait, c.signal);
      }
    }
  }

  return { system: o.system, baseUrl: o.baseUrl, call, redact };
}
