import { Readable } from 'node:stream';
import { z } from 'zod';
import { exportLines } from '../../../export/export.js';
import { defineRoute } from '../../route.js';

export const ExportQuery = z.object({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
  bom: z
    .stringbool()
    .default(false)
    .describe('CSV only: start with a UTF-8 byte-order mark (for spreadsheets).'),
});

export default defineRoute({
  method: 'GET',
  url: '/api/v1/export',
  scope: 'ledger:read',
  summary: 'The whole ledger, streamed (NDJSON project records, or CSV with money in fen and yuan)',
  tags: ['projects'],
  query: ExportQuery,
  produces: 'text/plain',
  response: z.string(),
  handler: async ({ query, deps, reply }) => {
    const type = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
    void reply.type(type).header('content-disposition', `attachment; filename="ledger.${query.format}"`);
    // Streamed page by page: memory stays flat whatever the ledger's size.
    return reply.send(Readable.from(exportLines(deps.store, query.format, { bom: query.bom }))) as never;
  },
});
