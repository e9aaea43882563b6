import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Paths that may hold credentials anywhere in a logged object. pino removes them before a line
 * is written; `secretsCensor` additionally scrubs configured secret values from free text.
 */
export const REDACT_PATHS = [
  'auth',
  '*.auth',
  '*.*.auth',
  'connectors.*.auth',
  'password',
  '*.password',
  'token',
  '*.token',
  'Token',
  '*.Token',
  'secret',
  '*.secret',
  'pushSecret',
  '*.pushSecret',
  'AppSecret',
  '*.AppSecret',
  'client_secret',
  '*.client_secret',
  'accessKey',
  '*.accessKey',
  'apiKey',
  '*.apiKey',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-access-token"]',
  'config.headers',
  'redis.url',
];

export interface LogOptions {
  level?: string;
  /** Secret values (credentials from the config) that must never appear in any log line. */
  secrets?: string[];
  destination?: DestinationStream;
  pretty?: boolean;
}

/** pino JSON in production, pretty on a TTY; redaction always on. */
export function createLogger(o: LogOptions = {}): Logger {
  const secrets = (o.secrets ?? []).filter((s) => s.length >= 4);
  const scrub = (s: string) => secrets.reduce((acc, sec) => acc.split(sec).join('***'), s);
  const options = {
    level: o.level ?? process.env['LOG_LEVEL'] ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '***' },
    base: { pid: process.pid },
    hooks: {
      // Secrets can hide in messages and error texts (URLs with query keys); scrub the final line.
      streamWrite: secrets.length > 0 ? scrub : undefined,
    },
  };
  if (o.destination) return pino(options, o.destination);
  const pretty = o.pretty ?? (process.stdout.isTTY && process.env['LOG_FORMAT'] !== 'json');
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(options);
}

export type { Logger };
