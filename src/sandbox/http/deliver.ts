/**
 * Fault delivery for simulators that build their answer before it is sent (asset, smart city,
 * trading): the faults that replace the whole response are answered up front, before the
 * request is even read, and the rest bend the finished reply on its way out. The protocol says
 * what "rate limited", "busy" and "auth rejected" look like in its own envelope.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { FaultInjector, FaultRule } from '../faults.js';
import { internalErrorPage, unavailablePage } from './errorPages.js';
import { DEFAULT_TOO_LARGE_BYTES, streamPadded } from './oversized.js';
import { mislabelled, withRetryAfter, type Reply } from './reply.js';
import { splitUrl } from './requestTarget.js';
import { send, sendLater, sendStalled, sendTruncated } from './send.js';

/** The faults whose body only the protocol can write. */
export type ProtocolFault = 'rateLimited' | 'busy' | 'authExpired' | 'authFail';

const DEFAULT_SLOW_MS = 2000;

/**
 * Answers the faults that replace the whole response. Returns true when it did, so the
 * simulator must not answer the request itself.
 */
export function answerFault(
  req: IncomingMessage,
  res: ServerResponse,
  rule: FaultRule | undefined,
  protocol: (fault: ProtocolFault) => Reply,
): boolean {
  if (!rule) return false;
  const retryAfter = rule.retryAfterSec ?? 1;
  switch (rule.mode) {
    case 'reset':
      req.socket.destroy();
      return true;
    case 'http500':
      send(res, internalErrorPage());
      return true;
    case 'http503':
      send(res, unavailablePage(retryAfter));
      return true;
    case 'http429':
      send(res, withRetryAfter(protocol('rateLimited'), retryAfter));
      return true;
    case 'envelopeBusy':
      send(res, withRetryAfter(protocol('busy'), retryAfter));
      return true;
    case 'authExpired':
      send(res, protocol('authExpired'));
      return true;
    case 'authFail':
      send(res, protocol('authFail'));
      return true;
    default:
      return false;
  }
}

/** Writes a reply, bent by the fault that shapes a response rather than replacing it. */
export function deliver(res: ServerResponse, r: Reply, rule?: FaultRule): void {
  if (res.destroyed) return;
  switch (rule?.mode) {
    case 'slow':
      return sendLater(res, rule.delayMs ?? DEFAULT_SLOW_MS, () => r);
    case 'stall':
      return sendStalled(res, r);
    case 'truncated':
      return sendTruncated(res, r);
    case 'tooLarge':
      return streamPadded(res, r, rule.sizeBytes ?? DEFAULT_TOO_LARGE_BYTES);
    case 'badEncoding':
      return send(res, mislabelled(r));
    default:
      return send(res, r);
  }
}

/** What a simulator's own answer gets to know of a request. */
export interface Target {
  /** The path exactly as sent. */
  path: string;
  /** The raw query string. */
  query: string;
  /** The `malformed` fault drew this request: one record of the answer must be bad. */
  malformed: boolean;
}

/**
 * The listener of a simulator in this style: draws the request's fault rule, answers the faults
 * that replace the response, and delivers the protocol's answer bent by the others. An answer
 * that needs the request body is async; if it fails, the connection is dropped.
 */
export function faultedListener(
  faults: FaultInjector,
  protocol: (fault: ProtocolFault) => Reply,
  answer: (req: IncomingMessage, target: Target) => Reply | Promise<Reply>,
): RequestListener {
  return (req, res) => {
    const { path, query } = splitUrl(req.url);
    const rule = faults.next(path);
    if (answerFault(req, res, rule, protocol)) return;
    const reply = answer(req, { path, query, malformed: rule?.mode === 'malformed' });
    if (reply instanceof Promise) {
      reply.then(
        (r) => deliver(res, r, rule),
        () => req.socket.destroy(),
      );
    } else deliver(res, reply, rule);
  };
}
