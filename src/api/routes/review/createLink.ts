import { z } from 'zod';
import { HubErrors } from '../../../errors.js';
import { parseRecordId, recordId } from '../../../model/record.js';
import { RecordKind, SystemId } from '../../../model/systems.js';
import { defineRoute } from '../../route.js';

export const LinkBody = z.object({
  system: SystemId,
  kind: RecordKind,
  sourceId: z.string().min(1),
  projectKey: z.string().min(1).describe('Target project; a merged-away key means its survivor.'),
});

export const LinkAccepted = LinkBody.extend({
  projectKey: z.string().describe('The project the record will be linked to (aliases resolved).'),
  status: z.literal('accepted'),
});

export default defineRoute({
  method: 'POST',
  url: '/api/v1/links',
  scope: 'admin',
  summary: 'Link a record to a project by hand',
  description: 'The link is applied asynchronously by the link stage; the manual link wins over every rule.',
  tags: ['review'],
  body: LinkBody,
  response: LinkAccepted,
  status: 202,
  errors: [HubErrors.API_NOT_FOUND],
  handler: async ({ body: b, deps }) => {
    const { store } = deps;
    const id = recordId(b);
    parseRecordId(id);
    const target = (await store.resolveAlias(b.projectKey)) ?? b.projectKey;
    if (!(await store.getProjectRaw(target))) throw HubErrors.API_NOT_FOUND(`project ${b.projectKey}`);
    await store.setManualLink(id, target);
    await deps.queues.addIds('link', [id], { live: true });
    return { ...b, projectKey: target, status: 'accepted' as const };
  },
});
