import { z } from 'zod';
import {
  PUSH_HEADERS,
  PushBody,
  parsePushBody,
  replayKey,
  replayTtlSec,
  verifyPush,
} from '../../../../connectors/smartcity/push.js';
import type { SmartcityConfig } from '../../../../connectors/smartcity/spec.js';
import { HubErrors } from '../../../errors.js';
import type { ApiDeps } from '../../deps.js';
import { defineRoute } from '../../route.js';

export const PushAccepted = z.object({ accepted: z.number().int().min(0).describe('Events enqueued.') });

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_WINDOW_SEC = 300;

const smartcityConfig = (deps: ApiDeps) => deps.config.connectors.smartcity as SmartcityConfig | undefined;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : v);

/**
 * The smart-city push endpoint. It answers 2xx only once the batch is durably enqueued, so the
 * platform's retries are the only duplicates — and those are harmless (events are deduplicated
 * by eventId downstream). A byte-identical re-send of one signed delivery is a replay.
 */
export default defineRoute({
  method: 'POST',
  url: '/api/v1/inbound/smartcity',
  scope: 'signature',
  // Authenticated by its signature; the platform's bursts (up to 4 batches in flight, retries)
  // must not meet the per-caller API limit.
  rateLimit: false,
  summary: 'Smart-city platform push (signed webhook)',
  description:
    'Authenticated by the platform signature, not an API key: X-SC-Signature = ' +
    '`sha256=` + hex HMAC-SHA256(pushSecret, X-SC-Timestamp + "." + raw body). Timestamps more ' +
    'than push.windowSec away are refused; a byte-identical re-send is a replay. The body limit is ' +
    'push.maxBodyBytes.',
  tags: ['inbound'],
  rawBody: {
    schema: PushBody,
    contentType: 'application/json',
    limit: (deps) => smartcityConfig(deps)?.push?.maxBodyBytes ?? DEFAULT_MAX_BODY,
  },
  headers: [
    {
      name: 'X-SC-Timestamp',
      required: true,
      description: 'Unix seconds when this delivery attempt was signed.',
      schema: z.string().regex(/^\d{1,12}$/),
    },
    {
      name: 'X-SC-Signature',
      required: true,
      description: '`sha256=` followed by the hex HMAC-SHA256 of `<timestamp>.<raw body>`.',
      schema: z.string().regex(/^sha256=[0-9a-fA-F]{64}$/),
    },
    {
      name: 'X-SC-Batch-Id',
      required: false,
      description: 'Batch id (recorded as the position of the events; the body batchId otherwise).',
      schema: z.string(),
    },
  ],
  response: PushAccepted,
  status: 202,
  errors: [
    HubErrors.PUSH_SIGNATURE,
    HubErrors.PUSH_STALE,
    HubErrors.API_NOT_FOUND,
    HubErrors.PUSH_REPLAY,
    HubErrors.API_PAYLOAD_TOO_LARGE,
  ],
  handler: async ({ req, raw, deps }) => {
    const cfg = smartcityConfig(deps);
    if (!cfg || !cfg.enabled || cfg.push?.enabled === false) throw HubErrors.API_NOT_FOUND('push endpoint');
    const maxBody = cfg.push?.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const windowSec = cfg.push?.windowSec ?? DEFAULT_WINDOW_SEC;
    const ts = req.headers[PUSH_HEADERS.timestamp];
    const sig = req.headers[PUSH_HEADERS.signature];
    const v = verifyPush({
      timestampHeader: one(ts),
      signatureHeader: one(sig),
      rawBody: raw,
      secret: cfg.auth.pushSecret,
      nowMs: Date.now(),
      windowSec,
    });
    if (!v.ok) throw HubErrors[v.code]();
    const seen = deps.store.keys.pushReplay(replayKey(String(ts), String(sig)));
    const fresh = await deps.store.redis.set(seen, '1', 'EX', replayTtlSec(windowSec), 'NX');
    if (!fresh) throw HubErrors.PUSH_REPLAY();
    const parsed = parsePushBody(raw, maxBody);
    if (!parsed.ok) {
      await deps.store.redis.del(seen);
      throw HubErrors.API_BAD_REQUEST(parsed.reason);
    }
    try {
      await deps.queues.add('normalize', {
        system: 'smartcity',
        stream: 'events',
        position: { push: String(req.headers[PUSH_HEADERS.batchId] ?? parsed.body.batchId) },
        raws: parsed.body.events,
        runId: null,
        receivedAt: new Date().toISOString(),
        live: true,
      });
    } catch (e) {
      // Not enqueued: let the platform retry this exact delivery.
      await deps.store.redis.del(seen);
      throw e;
    }
    return { accepted: parsed.body.events.length };
  },
});
