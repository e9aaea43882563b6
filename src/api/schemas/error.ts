import { z } from 'zod';

/** Every error the API answers: a stable code and a message, never a stack or internal detail. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('Stable error code (docs/errors.md).'),
    message: z.string().describe('What went wrong, for people.'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
