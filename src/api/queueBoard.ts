import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { Queues } from '../../pipelines/runtime.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over the five pipeline queues at /admin/queues. Its routes declare no scope, so the
 * guard treats them as admin routes (a key with the admin scope, as Bearer or Basic credentials).
 */
export async function registerQueueBoard(app: FastifyInstance, queues: Queues): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(queues.q).map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Ledger hub queues' } },
  });
  await app.register(adapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
}
