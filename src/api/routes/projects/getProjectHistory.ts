import { z } from 'zod';
import { HubErrors } from '../../../errors.js';
import { RecordKind, SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';
import { ProjectKeyParams } from './params.js';

/** A record version that changed the project in this version. */
export const ChangedRecord = z.object({
  system: SystemId,
  kind: RecordKind,
  sourceId: z.string(),
  version: z.string(),
  state: z.enum(['active', 'revoked']),
});

export const ProjectHistory = z.object({
  projectKey: z.string(),
  versions: z.array(z.object({ version: z.number().int(), at: z.string(), records: z.array(ChangedRecord) })),
});

export default defineRoute({
  method: 'GET',
  url: '/api/v1/projects/:key/history',
  scope: 'ledger:read',
  summary: "A project's versions, each with the records that changed it",
  tags: ['projects'],
  params: ProjectKeyParams,
  response: ProjectHistory,
  errors: [HubErrors.API_NOT_FOUND],
  handler: async ({ params: { key }, deps: { store } }) => {
    const target = (await store.resolveAlias(key)) ?? key;
    const hist = await store.history(target);
    if (hist.length === 0) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    return {
      projectKey: target,
      versions: hist.map((h) => ({
        version: h.version,
        at: h.at,
        records: (h.entry as { records?: z.infer<typeof ChangedRecord>[] }).records ?? [],
      })),
    };
  },
});
