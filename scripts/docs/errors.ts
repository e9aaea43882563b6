import { HubErrors, type ErrorSpec, type Failure } from '../../src/errors.js';
import { cell, code, generatedBanner, table } from './markdown.js';

/**
 * How the hub reacts to each failure class. A `Record<Failure, …>` so that a new class in
 * src/errors.ts cannot be added without saying here whether it is retried.
 */
export const FAILURE_CLASSES: Record<Failure, { retried: string; reaction: string }> = {
  config: {
    retried: 'no',
    reaction:
      'Something a person must fix (configuration, credentials, certificates, a request the source refuses). Never retried: repeating the call cannot succeed, so the request or run fails at once with the code.',
  },
  transient: {
    retried: 'yes, with backoff',
    reaction:
      'A temporary condition (network, 5xx, rate limit, busy source, unreachable Redis). Retried with exponential backoff and jitter; a `Retry-After` from the peer is honoured.',
  },
  auth: {
    retried: 'once, after a credential refresh',
    reaction:
      'An access token the source no longer accepts. The connector fetches a new token and repeats the call once; if that fails too, it becomes a `config` failure.',
  },
  data: {
    retried: 'no (record quarantined)',
    reaction:
      'One source record is invalid. It is quarantined with the reason and the run goes on; it is read again after it is corrected in the source.',
  },
  client: {
    retried: 'no (caller must fix)',
    reaction:
      'An error of the API caller or push sender (authentication, scope, parameters, rate limit, replay). Answered with a 4xx status; nothing in the hub is wrong.',
  },
  internal: {
    retried: 'no',
    reaction: 'A bug. Answered with 500 and logged with the request id; the response never carries details.',
  },
};

type ErrorTable = Record<string, { spec: ErrorSpec }>;

/** `docs/errors.md`: the failure classes, then one row per entry of the error table. */
export function errorsMarkdown(errors: ErrorTable = HubErrors): string {
  const classes = table(
    ['Class', 'Retried', 'What the hub does'],
    (Object.keys(FAILURE_CLASSES) as Failure[]).map((failure) => {
      const { retried, reaction } = FAILURE_CLASSES[failure];
      return [code(failure), cell(retried), cell(reaction)];
    }),
  );
  const rows = table(
    ['Code', 'Message', 'Failure', 'Retried', 'HTTP', 'Meaning', 'Fix'],
    Object.values(errors).map(({ spec }) => [
      code(spec.code),
      cell(code(spec.template)),
      code(spec.failure),
      cell(FAILURE_CLASSES[spec.failure].retried),
      String(spec.status),
      cell(spec.meaning),
      cell(spec.fix),
    ]),
  );
  return [
    generatedBanner('src/errors.ts'),
    '',
    '# Errors',
    '',
    'Every error the hub raises has a stable code (`HUB_…`), which appears in logs, in connector status',
    'and in API error bodies (`{ "error": { "code", "message" } }`). The code is what to search for and what to match',
    'on; the message text may change. `%s` in a message stands for a detail filled in at run time.',
    '',
    '## Failure classes',
    '',
    'The failure class of a code decides how the hub reacts to it:',
    '',
    classes,
    '',
    '## Codes',
    '',
    '"HTTP" is the status an API caller receives when the error reaches the API.',
    '',
    rows,
    '',
  ].join('\n');
}
