import { z } from 'zod';
import { CommonConnectorSpec } from '../../src/connector/spec.js';

/** `connectors.budget` in the hub configuration. Credential names are those of budget.md §1. */
export const BudgetSpec = CommonConnectorSpec.extend({
  auth: z
    .object({
      SysCode: z
        .string()
        .min(1)
        .describe('Consumer system code issued by the platform operator (Head/SysCode).'),
      Token: z
        .string()
        .min(1)
        .describe('Static access token issued with the SysCode (Head/Token); a secret.'),
    })
    .describe('Credentials sent in the head of every request.'),
  rateLimit: CommonConnectorSpec.shape.rateLimit
    .default({ rps: 10, burst: 20 })
    .describe('Client-side token bucket; the platform allows 10 requests/second per SysCode, burst 20.'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(500)
    .describe('Records per page (Body/PageSize), 1–500; the largest page means the fewest requests.'),
});
export type BudgetConfig = z.infer<typeof BudgetSpec>;
