import { z } from 'zod';

/** The only stream: the disbursement listing of benefit.md §1. */
export const DISBURSEMENTS_STREAM = 'disbursements';

/** `state` of a withdrawn approval; it grants nothing any more (benefit.md §3). */
export const REVOKED = '已撤销';

const NullableText = z.string().nullable().optional();
const Amount = z.union([z.string(), z.number()]);

/** A disbursement record as benefit.md §3 lays it out. */
export const DisbursementRaw = z.object({
  applicationId: z.string().trim().min(1),
  enterpriseName: NullableText,
  enterpriseUscc: NullableText,
  policyItemCode: NullableText,
  policyName: NullableText,
  projectName: z.string().trim().min(1),
  approvedAmount: Amount,
  paidAmount: Amount,
  paidDate: NullableText,
  districtCode: NullableText,
  state: z.string(),
  applyDate: NullableText,
  updatedAt: z.string(),
});
export type DisbursementRaw = z.infer<typeof DisbursementRaw>;

/** A listing response (benefit.md §1); rows stay raw for the pipelines. */
export const DisbursementPage = z.object({
  status: z.literal('ok'),
  total: z.number().int().nonnegative(),
  rows: z.array(z.unknown()),
});
export type DisbursementPage = z.infer<typeof DisbursementPage>;
