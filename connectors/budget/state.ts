import { z } from 'zod';
import { BudgetService } from './records.js';

/**
 * Where one ServiceCode's change log was left. `syncPoint` is the end of the last complete pass;
 * `token` is set only while a pass is running and fetches its next page, so a crash resumes the
 * pass by re-sending it (budget.md §3 allows that).
 */
export const ServiceState = z.object({
  syncPoint: z
    .string()
    .min(1)
    .optional()
    .describe('SyncPoint returned by the last page of the last complete pass.'),
  token: z.string().min(1).optional().describe('ContinuationToken of the next page of the running pass.'),
});
export type ServiceState = z.infer<typeof ServiceState>;

export const BudgetState = z.partialRecord(BudgetService, ServiceState);
export type BudgetState = z.infer<typeof BudgetState>;
