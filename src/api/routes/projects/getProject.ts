import { z } from 'zod';
import { HubErrors } from '../../../errors.js';
import { Project } from '../../../model/project.js';
import { beijingDateOf } from '../../../model/time.js';
import { defineRoute } from '../../route.js';
import { AsOf } from '../../schemas/query.js';
import { ProjectKeyParams } from './params.js';
import { isVisible, present, todayInBeijing, type StoredDoc } from './stored.js';
import { findingsOf } from '../../../../pipelines/merge/findings.js';
import { RawJson } from '../../rawJson.js';
import { mergeToken } from '../../../../pipelines/merge/token.js';

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
    if (q.knownAt) {
      const alias = await store.resolveAlias(key);
      const target = alias ?? key;
      const redirect = alias ? { redirectedFrom: key } : {};
      const at = Date.parse(q.knownAt);
      const known = (await store.history(target)).filter((h) => Date.parse(h.at) <= at).pop();
      if (!known || (known.doc as StoredDoc).redirectTo)
        throw HubErrors.API_NOT_FOUND(`project ${key} at ${q.knownAt}`);
      return {
        ...present(known.doc as StoredDoc, known.version, known.at, asOf, ledger.thresholds),
        ...redirect,
      };
    }
    const got = await store.getProjectBytes(key);
    if (!got) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    const appended = {
      version: got.version,
      updatedAt: got.updatedAt,
      redirectedFrom: got.aliasOf ?? undefined,
    };
    // Merged (or confirmed unchanged) under this very date and rules: the stored findings are the
    // findings as of today, and the stored bytes are sent as they are with version and updatedAt
    // appended, without parsing the document (same bytes as serializing present()'s record).
    if (got.listed && got.mergedAs.endsWith(`|${mergeToken(ledger, asOf)}`))
      return RawJson.extend(got.doc, appended);
    const doc = JSON.parse(got.doc.toString('utf8')) as StoredDoc;
    if (!isVisible(doc)) throw HubErrors.API_NOT_FOUND(`project ${key}`);
    const findings = findingsOf(doc, asOf, ledger.thresholds);
    // Findings computed on another day (or under other rules) usually still hold: then the bytes
    // can be sent as well.
    if (JSON.stringify(doc.findings) === JSON.stringify(findings)) return RawJson.extend(got.doc, appended);
    return { ...doc, findings, ...appended };
  },
});
