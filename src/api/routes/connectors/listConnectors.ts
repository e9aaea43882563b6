import { z } from 'zod';
import { CONNECTORS } from '../../../../connectors/index.js';
import { SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';

const At = z.string().nullable();

export const ConnectorStatus = z.object({
  id: SystemId,
  title: z.string(),
  enabled: z.boolean(),
  schedule: z.string().nullable().describe('Cron expression of scheduled runs.'),
  running: z.string().nullable().describe('Run id of the run in progress.'),
  lastStart: At,
  lastSuccess: At,
  lastDurationMs: z.number().nullable(),
  lastFetched: z.number().nullable().describe('Records fetched by the last run.'),
  lagSeconds: z.number().int().nullable().describe('Seconds since the last successful run.'),
  lastError: z.string().nullable(),
  lastErrorAt: At,
  consecutiveFailures: z.number().int().min(0),
  cursor: z.unknown().describe('The saved incremental position, as the connector keeps it.'),
});

export const ConnectorList = z.object({ items: z.array(ConnectorStatus) });

export default defineRoute({
  method: 'GET',
  url: '/api/v1/connectors',
  scope: 'admin',
  summary: 'Connector status: last run, cursor, lag, errors',
  tags: ['connectors'],
  response: ConnectorList,
  handler: async ({ deps }) => {
    const items: z.output<typeof ConnectorStatus>[] = [];
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
  },
});
