/**
 * Errors with stable codes. Each code says how the hub reacts: `config` failures never retry
 * (a person must fix something), `transient` ones back off and retry, `data` ones quarantine the
 * record and go on, `auth` ones refresh credentials once and then become `config`.
 * `docs/errors.md` is generated from this table (`npm run docs`), and a test fails on drift.
 */
import { format } from 'node:util';

export type Failure = 'config' | 'transient' | 'data' | 'auth' | 'client' | 'internal';

export interface ErrorSpec {
  code: string;
  template: string;
  failure: Failure;
  /** HTTP status when the error reaches an API caller. */
  status: number;
  meaning: string;
  fix: string;
}

export class HubError extends Error {
  readonly code: string;
  readonly failure: Failure;
  readonly status: number;
  /** Seconds the peer asked us to wait (Retry-After), when it did. */
  retryAfterSec?: number;
  constructor(spec: ErrorSpec, message: string, options?: { cause?: unknown; retryAfterSec?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HubError';
    this.code = spec.code;
    this.failure = spec.failure;
    this.status = spec.status;
    if (options?.retryAfterSec !== undefined) this.retryAfterSec = options.retryAfterSec;
  }
  get retryable(): boolean {
    return this.failure === 'transient';
  }
}

export interface ErrorFactory {
  (...args: unknown[]): HubError;
  spec: ErrorSpec;
  with(options: { cause?: unknown; retryAfterSec?: number }, ...args: unknown[]): HubError;
  is(e: unknown): e is HubError;
}

function defineError(
  code: string,
  template: string,
  opts: { failure: Failure; status?: number; meaning: string; fix: string },
): ErrorFactory {
  const spec: ErrorSpec = { code, template, ...opts, status: opts.status ?? 500 };
  const make = (options: { cause?: unknown; retryAfterSec?: number } | undefined, args: unknown[]) =>
    new HubError(spec, format(template, ...args), options);
  const f = ((...args: unknown[]) => make(undefined, args)) as ErrorFactory;
  f.spec = spec;
  f.with = (options, ...args) => make(options, args);
  f.is = (e: unknown): e is HubError => e instanceof HubError && e.code === code;
  return f;
}

export const HubErrors = {
  CONFIG_INVALID: defineError('HUB_CONFIG_INVALID', '%s', {
    failure: 'config',
    status: 400,
    meaning: 'The configuration file or a value in it does not match the schema.',
    fix: 'Correct the field named in the message (see docs/configuration.md); run `hub config check`.',
  }),
  CONFIG_NOT_FOUND: defineError('HUB_CONFIG_NOT_FOUND', 'configuration file %s not found', {
    failure: 'config',
    meaning: 'The file given by --config or HUB_CONFIG does not exist.',
    fix: 'Pass an existing file, or start from config/hub.example.yaml.',
  }),
  REDIS_MISSING: defineError(
    'HUB_REDIS_MISSING',
    'redis-server not found on PATH: install it (Debian: apt-get install -y redis-server) or set REDIS_URL',
    {
      failure: 'config',
      meaning:
        'No REDIS_URL is configured and the embedded Redis cannot start because redis-server is missing.',
      fix: 'apt-get install -y redis-server, or point REDIS_URL / redis.url at a Redis server.',
    },
  ),
  REDIS_UNSAFE: defineError(
    'HUB_REDIS_UNSAFE',
    'Redis at %s has maxmemory-policy %s: queue data could be evicted',
    {
      failure: 'config',
      meaning:
        'The configured Redis may evict keys under memory pressure, which would silently drop jobs and ledger data.',
      fix: 'Set `maxmemory-policy noeviction` on that server (CONFIG SET or redis.conf).',
    },
  ),
  REDIS_UNAVAILABLE: defineError('HUB_REDIS_UNAVAILABLE', 'Redis is not reachable: %s', {
    failure: 'transient',
    status: 503,
    meaning: 'The hub cannot reach its Redis server.',
    fix: 'Check that Redis runs and REDIS_URL is right; the hub retries by itself.',
  }),
  CONNECTOR_UNKNOWN: defineError('HUB_CONNECTOR_UNKNOWN', 'unknown connector %s', {
    failure: 'client',
    status: 404,
    meaning: 'The named system is not one of the registered connectors.',
    fix: 'Use one of: budget, oa, asset, benefit, smartcity, trading.',
  }),
  CONNECTOR_DISABLED: defineError(
    'HUB_CONNECTOR_DISABLED',
    'connector %s is not enabled in the configuration',
    {
      failure: 'config',
      status: 409,
      meaning: 'A run was requested for a connector whose configuration is missing or has enabled: false.',
      fix: 'Configure connectors.<system> with enabled: true.',
    },
  ),
  CONNECTOR_BUSY: defineError('HUB_CONNECTOR_BUSY', 'connector %s is already running (lock held by %s)', {
    failure: 'client',
    status: 409,
    meaning: 'Another run of the same connector holds its lock; two runs never overlap.',
    fix: 'Wait for the running sync to finish; `GET /api/v1/connectors` shows it.',
  }),
  CONNECTOR_INTERRUPTED: defineError(
    'HUB_CONNECTOR_INTERRUPTED',
    'connector %s stopped: the hub is shutting down',
    {
      failure: 'internal',
      status: 503,
      meaning:
        'The process shut down while a connector run waited for the pipeline to take its next page (workers.ingestBacklog).',
      fix: 'Nothing: the page was not enqueued and its cursor not saved, so the next run reads it again.',
    },
  ),
  SOURCE_UNREACHABLE: defineError('HUB_SOURCE_UNREACHABLE', '%s: cannot connect to %s (%s)', {
    failure: 'transient',
    status: 502,
    meaning: 'DNS, TCP or TLS failure, a reset connection or a timeout talking to a source system.',
    fix: 'Check the baseUrl and the network path to the source; the hub retries with backoff.',
  }),
  SOURCE_TLS: defineError('HUB_SOURCE_TLS', '%s: TLS failure talking to %s (%s)', {
    failure: 'config',
    status: 502,
    meaning: 'The TLS handshake with a source failed (certificate invalid, expired or for another host).',
    fix: "Fix the source's certificate or the configured CA; the hub does not disable verification.",
  }),
  SOURCE_AUTH: defineError('HUB_SOURCE_AUTH', '%s: authentication failed (%s)', {
    failure: 'config',
    status: 502,
    meaning: 'The source rejected our credentials.',
    fix: 'Check the connector’s auth fields in the configuration with the source operator.',
  }),
  SOURCE_AUTH_EXPIRED: defineError('HUB_SOURCE_AUTH_EXPIRED', '%s: access token expired', {
    failure: 'auth',
    status: 502,
    meaning: 'The source says our access token is no longer valid (it can expire early).',
    fix: 'None: the connector fetches a new token and repeats the call once.',
  }),
  SOURCE_TRANSIENT: defineError('HUB_SOURCE_TRANSIENT', '%s answered %s', {
    failure: 'transient',
    status: 502,
    meaning: 'The source answered with a temporary error (5xx, busy, rate limited).',
    fix: 'None needed; the hub backs off and retries. Persistent ones show up in connector status.',
  }),
  SOURCE_REJECTED: defineError('HUB_SOURCE_REJECTED', '%s rejected the request: %s', {
    failure: 'config',
    status: 502,
    meaning: 'The source says our request is malformed (4xx or an envelope error code).',
    fix: 'Usually a configuration error (page size, paths); otherwise a connector bug — report it.',
  }),
  SOURCE_PAYLOAD: defineError('HUB_SOURCE_PAYLOAD', '%s: unexpected payload: %s', {
    failure: 'transient',
    status: 502,
    meaning: 'A response could not be parsed (malformed XML/JSON, wrong encoding, missing envelope).',
    fix: 'Retried with backoff; if it persists, capture the payload and report it to the source operator.',
  }),
  SOURCE_TOO_LARGE: defineError('HUB_SOURCE_TOO_LARGE', '%s: response larger than %s bytes was cut off', {
    failure: 'config',
    status: 502,
    meaning: 'A response exceeded the configured size cap (maxResponseBytes).',
    fix: 'Lower the page size or raise maxResponseBytes for this connector.',
  }),
  SOURCE_REDIRECT: defineError('HUB_SOURCE_REDIRECT', '%s: redirect to %s refused', {
    failure: 'config',
    status: 502,
    meaning: 'The source answered with a redirect; base URLs come only from configuration.',
    fix: 'Configure the final URL as baseUrl.',
  }),
  SOURCE_CURSOR_INVALID: defineError(
    'HUB_SOURCE_CURSOR_INVALID',
    '%s: saved cursor rejected (%s); restarting',
    {
      failure: 'transient',
      status: 502,
      meaning: 'The source no longer accepts the saved cursor or token.',
      fix: 'None: the connector restarts from its last sync point or a full load, as its document says.',
    },
  ),
  RECORD_INVALID: defineError('HUB_RECORD_INVALID', '%s', {
    failure: 'data',
    status: 422,
    meaning: 'A source record failed validation and was quarantined with this reason.',
    fix: 'Correct it in the source system; it is re-read on the next sync. See GET /api/v1/quarantine.',
  }),
  PUSH_SIGNATURE: defineError('HUB_PUSH_SIGNATURE', 'push signature invalid', {
    failure: 'client',
    status: 401,
    meaning: 'A smart-city push did not carry a valid signature for its timestamp and body.',
    fix: 'Check that pushSecret matches the secret registered with the platform.',
  }),
  PUSH_STALE: defineError('HUB_PUSH_STALE', 'push timestamp outside the allowed window', {
    failure: 'client',
    status: 401,
    meaning: 'A push was signed more than the allowed window away from our clock (replay protection).',
    fix: 'Synchronize clocks (NTP) on both sides.',
  }),
  PUSH_REPLAY: defineError('HUB_PUSH_REPLAY', 'push already seen (replay)', {
    failure: 'client',
    status: 409,
    meaning: 'The same signed delivery was received twice.',
    fix: 'None; replays are refused by design.',
  }),
  API_UNAUTHORIZED: defineError('HUB_API_UNAUTHORIZED', 'a valid API key is required', {
    failure: 'client',
    status: 401,
    meaning: 'The request carried no API key, or one the hub does not know.',
    fix: 'Send Authorization: Bearer <key> with a key configured under api.keys.',
  }),
  API_FORBIDDEN: defineError('HUB_API_FORBIDDEN', 'this API key lacks the %s scope', {
    failure: 'client',
    status: 403,
    meaning: 'The API key is valid but lacks the scope this endpoint requires.',
    fix: 'Use a key with the scope named in the message.',
  }),
  API_BAD_REQUEST: defineError('HUB_API_BAD_REQUEST', '%s', {
    failure: 'client',
    status: 400,
    meaning: 'A parameter or body does not match the endpoint’s schema.',
    fix: 'Correct the parameter named in the message (see /api/v1/openapi.json).',
  }),
  API_PAYLOAD_TOO_LARGE: defineError('HUB_API_PAYLOAD_TOO_LARGE', 'request body larger than %s bytes', {
    failure: 'client',
    status: 413,
    meaning: 'The request body exceeds the limit of the endpoint (smart-city pushes: push.maxBodyBytes).',
    fix: 'Send smaller batches (the platform sends at most 200 events per batch).',
  }),
  API_NOT_FOUND: defineError('HUB_API_NOT_FOUND', '%s not found', {
    failure: 'client',
    status: 404,
    meaning: 'The project, record or route does not exist.',
    fix: 'Check the key; GET /api/v1/projects lists projects.',
  }),
  API_RATE_LIMITED: defineError('HUB_API_RATE_LIMITED', 'rate limit exceeded', {
    failure: 'client',
    status: 429,
    meaning: 'This API key sent more requests than api.rateLimit allows.',
    fix: 'Wait for the number of seconds in Retry-After.',
  }),
  INTERNAL: defineError('HUB_INTERNAL', 'internal error', {
    failure: 'internal',
    status: 500,
    meaning: 'An unexpected error; details are in the hub’s log, never in the response.',
    fix: 'Report it with the log line (search for the request id).',
  }),
} as const;

export type HubErrorName = keyof typeof HubErrors;
