import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONNECTORS } from '../../../connectors/index.js';
import { HubErrors } from '../../errors.js';
import { SystemId } from '../../model/systems.js';
import type { ApiDeps } from '../deps.js';

/** Connector status (last run, cursor, lag, errors) and on-demand runs. */
export function registerConnectorRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const admin = { config: { scope: 'admin' as const } };
  app.get('/api/v1/connectors', admin, async () => {
    const items = [];
    for (const id of Object.keys(CONNECTORS) as SystemId[]) {
      const cfg = deps.config.connectors[id] as { enabled?: boolean; schedule?: string } | undefined;
      const s = await deps.store.connectorState(id);
      const lastSuccess = s['lastSuccess'] || null;
      items.push({
        id,
        title: CONNECTORS[id].title,
        enabled: !!cfg?.enabled,
        schedule: cfg?.schedule ?? null,
        running: s['running'] || null,
        lastStart: s['lastStart'] || null,
        lastSuccess,
        lastDurationMs: s['lastDurationMs'] ? Number(s['lastDurationMs']) : null,
        lastFetched: s['lastFetched'] ? Number(s['lastFetched']) : null,
        lagSeconds: lastSuccess ? Math.round((Date.now() - Date.parse(lastSuccess)) / 1000) : null,
        lastError: s['lastError'] || null,
        lastErrorAt: s['lastErrorAt'] || null,
        consecutiveFailures: Number(s['consecutiveFailures'] ?? 0),
        cursor: s['state'] ? JSON.parse(s['state']) : null,
      });
    }
    return { items };
  });

  app.post('/api/v1/connectors/:id/sync', admin, async (req, reply) => {
    const { id } = z.object({ id: z.string() }).parse(req.params);
    const sys = SystemId.safeParse(id);
    if (!sys.success) throw HubErrors.CONNECTOR_UNKNOWN(id);
    const { full } = z.object({ full: z.coerce.boolean().default(false) }).parse(req.query);
    const cfg = deps.config.connectors[sys.data] as { enabled?: boolean } | undefined;
    if (!cfg?.enabled) throw HubErrors.CONNECTOR_DISABLED(id);
    const runId = randomUUID();
    await deps.queues.add('ingest', { system: sys.data, full, runId, trigger: 'api' }, { attempts: 1 });
    return reply.status(202).send({ system: sys.data, runId, full });
  });
}
