import type { FastifyInstance } from 'fastify';
import { parsePushBody, replayKey, replayTtlSec, verifyPush } from '../../../connectors/smartcity/push.js';
import type { SmartcityConfig } from '../../../connectors/smartcity/spec.js';
import { HubErrors } from '../../errors.js';
import type { ApiDeps } from '../deps.js';

/**
 * The smart-city push endpoint. It answers 2xx only once the batch is durably enqueued, so the
 * platform's retries are the only duplicates — and those are harmless (events are deduplicated
 * by eventId downstream). A byte-identical re-send of one signed delivery is a replay.
 */
export function registerInboundRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const cfg = deps.config.connectors.smartcity as SmartcityConfig | undefined;
  const maxBody = cfg?.push?.maxBodyBytes ?? 1024 * 1024;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBody }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      '/api/v1/inbound/smartcity',
      { config: { scope: 'signature' }, bodyLimit: maxBody },
      async (req, reply) => {
        if (!cfg || !cfg.enabled || cfg.push?.enabled === false)
          throw HubErrors.API_NOT_FOUND('push endpoint');
        const raw = req.body as Buffer;
        const ts = req.headers['x-sc-timestamp'];
        const sig = req.headers['x-sc-signature'];
        const v = verifyPush({
          timestampHeader: Array.isArray(ts) ? ts.join(',') : ts,
          signatureHeader: Array.isArray(sig) ? sig.join(',') : sig,
          rawBody: raw,
          secret: cfg.auth.pushSecret,
          nowMs: Date.now(),
          windowSec: cfg.push?.windowSec ?? 300,
        } as Parameters<typeof verifyPush>[0]);
        if (!v.ok) throw HubErrors[v.code]();
        const key = replayKey(String(ts), String(sig));
        const fresh = await deps.store.redis.set(
          deps.store.keys.pushReplay(key),
          '1',
          'EX',
          replayTtlSec(cfg.push?.windowSec ?? 300),
          'NX',
        );
        if (!fresh) throw HubErrors.PUSH_REPLAY();
        const parsed = parsePushBody(raw, maxBody);
        if (!parsed.ok) {
          await deps.store.redis.del(deps.store.keys.pushReplay(key));
          throw HubErrors.API_BAD_REQUEST(parsed.reason);
        }
        try {
          await deps.queues.add('normalize', {
            system: 'smartcity',
            stream: 'events',
            position: { push: String(req.headers['x-sc-batch-id'] ?? parsed.body.batchId) },
            raws: parsed.body.events,
            runId: null,
            receivedAt: new Date().toISOString(),
          });
        } catch (e) {
          // Not enqueued: let the platform retry this exact delivery.
          await deps.store.redis.del(deps.store.keys.pushReplay(key));
          throw e;
        }
        return reply.status(202).send({ accepted: parsed.body.events.length });
      },
    );
  });
}
