import { z } from 'zod';
import { HubErrors } from '../../../errors.js';
import { Project } from '../../../model/project.js';
import { beijingDateOf } from '../../../model/time.js';
import { defineRoute } from '../../route.js';
import { AsOf } from '../../schemas/query.js';
import { ProjectKeyParams } from './params.js';
import { isVisible, present, todayInBeijing, type StoredDoc } from './stored.js';

export const GetProjectQuery = z.object({
  asOf: AsOf,
  knownAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Answer with the project as the hub knew it at this moment (audits).'),
});

/** The project record; `redirectedFrom` names the requested key when it was merged away. */
export const ProjectRecord = Project.extend({
  redirectedFrom: z.string().optional().describe('The requested key, when it was merged into this one.'),
});

export default defineRoute({
  method: 'GET',
  url: '/api/v1/projects/:key',
  scope: 'ledger:read',
  summary: 'One project record, now or as known at a moment',
  tags: ['projects'],
  params: ProjectKeyParams,
  query: GetProjectQuery,
  response: ProjectRecord,
  errors: [HubErrors.API_NOT_FOUND],
  handler: async ({ params: { key }, query: q, deps: { store, ledger } }) => {
    const asOf = q.asOf ?? (q.knownAt ? beijingDateOf(Date.parse(q.knownAt)) : todayInBeijing());
    const alias = await store.resolveAlias(key);
    const target = alias ?? key;
    const redirect = alias ? { redirectedFrom: key } : {};
    if (q.knownAt) {
      const at = Date.parse(q.knownAt);
      const known = (await store.history(target)).filter((h) => Date.parse(h.at) <= at).pop();
      if (!known || (known.doc as StoredDoc).redirectTo)
        throw HubErrors.API_NOT_FOUND(`project ${key} at ${q.knownAt}`);
      return {
        ...present(known.doc as StoredDoc, known.version, known.at, asOf, ledger.thresholds),
        ...redirect,
      };
    }
    const raw = await store.getProjectRaw(target);
    if (!raw) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    const doc = JSON.parse(raw.doc) as StoredDoc;
    if (!isVisible(doc)) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    return { ...present(doc, raw.version, raw.updatedAt, asOf, ledger.thresholds), ...redirect };
  },
});
