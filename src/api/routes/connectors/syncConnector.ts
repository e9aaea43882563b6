import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HubErrors } from '../../../errors.js';
import { SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';

export const SyncParams = z.object({ id: z.string().describe('Connector id (a system id).') });
export const SyncQuery = z.object({
  full: z.stringbool().default(false).describe('true: a full load instead of incremental.'),
});

export const SyncAccepted = z.object({
  system: SystemId,
  runId: z.string().describe('Id of the queued run (shown in connector status and logs).'),
  full: z.boolean(),
});

export default defineRoute({
  method: 'POST',
  url: '/api/v1/connectors/:id/sync',
  scope: 'admin',
  summary: 'Queue a connector run now',
  tags: ['connectors'],
  params: SyncParams,
  query: SyncQuery,
  response: SyncAccepted,
  status: 202,
  errors: [HubErrors.CONNECTOR_UNKNOWN, HubErrors.CONNECTOR_DISABLED],
  handler: async ({ params, query: { full }, deps }) => {
    const sys = SystemId.safeParse(params.id);
    if (!sys.success) throw HubErrors.CONNECTOR_UNKNOWN(params.id);
    const cfg = deps.config.connectors[sys.data] as { enabled?: boolean } | undefined;
    if (!cfg?.enabled) throw HubErrors.CONNECTOR_DISABLED(params.id);
    const runId = randomUUID();
    await deps.queues.add('ingest', { system: sys.data, full, runId, trigger: 'api' }, { attempts: 1 });
    return { system: sys.data, runId, full };
  },
});
