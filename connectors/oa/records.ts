import { z } from 'zod';
import type { DocType } from '../../src/model/record.js';

/** The only stream: the document listing of oa.md §3. */
export const DOCUMENTS_STREAM = 'documents';

/** oa.md §5 document types → the ledger's evidence names (a Map: `constructor` is no type). */
export const DOC_TYPES: ReadonlyMap<string, DocType> = new Map<string, DocType>([
  ['可研批复', 'feasibilityApproval'],
  ['立项批复', 'projectApproval'],
  ['用地规划许可', 'landUsePermit'],
  ['施工许可', 'constructionPermit'],
  ['监理报告', 'supervisionReport'],
  ['竣工验收报告', 'completionAcceptance'],
  ['移交确认书', 'handover'],
  ['绩效评价报告', 'performanceReport'],
  ['会议纪要', 'minutes'],
]);

/** `status` of a voided document; it stays in the API as an update (oa.md §4). */
export const VOIDED = '已作废';

const NullableText = z.string().nullable().optional();

/** A document record as oa.md §4 lays it out. Fields we do not use are not checked. */
export const DocumentRaw = z.object({
  docId: z.string().trim().min(1),
  docNo: NullableText,
  docType: z.string(),
  title: z.string(),
  issuingUnit: NullableText,
  signDate: NullableText,
  projectCode: NullableText,
  permitNo: NullableText,
  attachments: z.array(z.unknown()).nullable().optional(),
  status: z.string(),
  updateTime: z.string(),
  version: z.number().int().min(1),
});
export type DocumentRaw = z.infer<typeof DocumentRaw>;

/** The `data` of a listing response (oa.md §3). */
export const DocumentPage = z.object({
  total: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
  list: z.array(z.unknown()),
});
export type DocumentPage = z.infer<typeof DocumentPage>;
