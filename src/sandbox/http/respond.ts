/**
 * Delivers one request's answer through the fault rule it drew, building the answer only when
 * it is sent (a slow answer sees the state at the time it goes out). The transport-level faults
 * (reset, slow, stall, truncated, tooLarge, 5xx gateway pages) are the same on every system; the
 * protocol-level ones (429, busy, auth) and the record-level ones (malformed, badEncoding) are
 * rendered by the simulator's `Exchange`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultMode, FaultRule } from '../faults.js';
import { gatewayPage } from './errorPages.js';
import { DEFAULT_TOO_LARGE_BYTES, streamOversized, type Oversize } from './oversized.js';
import type { Reply } from './reply.js';
import { send, sendLater, sendStalled, sendTruncated } from './send.js';

/** How the normal answer should deviate: one corrupted record, or bytes that contradict the declared charset. */
export interface Variant {
  corrupt: boolean;
  mislabel: boolean;
}
export const NORMAL: Variant = { corrupt: false, mislabel: false };

export type RefusalMode = Extract<FaultMode, 'http429' | 'envelopeBusy' | 'authFail' | 'authExpired'>;

export interface Exchange {
  /** The protocol's answer to this request, possibly deviating as asked. */
  answer(variant: Variant): Reply;
  /** The protocol's own refusal for a protocol-level fault. */
  refuse(mode: RefusalMode, rule: FaultRule): Reply;
  oversize: Oversize;
}

const DEFAULT_SLOW_MS = 1000;

export function retryAfter(rule: FaultRule): string {
  return String(rule.retryAfterSec ?? 1);
}

export function respond(
  req: IncomingMessage,
  res: ServerResponse,
  rule: FaultRule | undefined,
  x: Exchange,
): void {
  if (!rule) return send(res, x.answer(NORMAL));
  switch (rule.mode) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'slow':
      return sendLater(res, rule.delayMs ?? DEFAULT_SLOW_MS, () => x.answer(NORMAL));
    case 'stall':
      return sendStalled(res, x.answer(NORMAL));
    case 'truncated':
      // FAULT_MODES: a cut-off body with status 200, whatever the answer would have been.
      return sendTruncated(res, { ...x.answer(NORMAL), status: 200 });
    case 'malformed':
      return send(res, x.answer({ corrupt: true, mislabel: false }));
    case 'badEncoding':
      return send(res, x.answer({ corrupt: false, mislabel: true }));
    case 'tooLarge':
      return streamOversized(res, rule.sizeBytes ?? DEFAULT_TOO_LARGE_BYTES, x.oversize);
    case 'http500':
      return send(res, gatewayPage(500));
    case 'http503':
      return send(res, gatewayPage(503, rule.retryAfterSec ?? 1));
    case 'http429':
    case 'envelopeBusy':
    case 'authFail':
    case 'authExpired':
      return send(res, x.refuse(rule.mode, rule));
    default: {
      const unknown: never = rule.mode;
      throw new Error(`unknown fault mode ${String(unknown)}`);
    }
  }
}

/** Runs an async request handler; a crash becomes a 500 rather than a hung client. */
export function guarded(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, gatewayPage(500));
      else res.destroy();
    });
  };
}
