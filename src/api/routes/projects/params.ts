import { z } from 'zod';

export const ProjectKeyParams = z.object({
  key: z.string().min(1).max(64).describe('Project key; a merged-away key redirects to its survivor.'),
});
