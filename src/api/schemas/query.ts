import { z } from 'zod';

/** Query parameters several endpoints share. */

export const AsOf = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected YYYY-MM-DD' })
  .optional()
  .describe('Date (Beijing, YYYY-MM-DD) findings are computed for; today when absent.');

export const Limit = (max: number, def: number) =>
  z.coerce.number().int().min(1).max(max).default(def).describe(`Page size, at most ${max}.`);

export const Cursor = z
  .string()
  .optional()
  .describe('The nextCursor of the previous page; absent for the first page.');

export const NextCursor = z.string().nullable().describe('Cursor of the next page; null on the last page.');
