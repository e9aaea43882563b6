import type { Hub } from '../../src/hub.js';
import { deliverBudget } from '../helpers/hub.js';

import { xmk, zb, zf } from '../helpers/budgetRecords.js';

export { xmk, zb, zf };

/** The keys of the small ledger `populate` builds. */
export const LEDGER = {
  /** Survivor of a merge of two library entries sharing an investment code. */
  survivor: '150203202104000001',
  /** Merged into `survivor`: reading it redirects. */
  merged: '150203202304000517',
  /** A payment for a project nobody has sent: waits as anchor-missing. */
  orphanPayment: 'ZFPZ9',
  quarantined: 'ZB4',
};

/** A project with indicators and payments, a merge with redirect, an unlinked and a quarantined record. */
export async function populate(hub: Hub): Promise<void> {
  const inv = '2023-150203-48-01-000123';
  await deliverBudget(hub, 'XMK.QUERY', [xmk(LEDGER.merged, inv, '昆都仑区钢铁大街综合管廊建设项目')]);
  await deliverBudget(hub, 'ZB.QUERY', [
    zb('ZB1', LEDGER.merged, '17959838.00'),
    { ...zb(LEDGER.quarantined, LEDGER.merged, '1.00'), XDRQ: '2023-02-30' },
  ]);
  await deliverBudget(hub, 'ZF.QUERY', [
    zf('ZFPZ1', LEDGER.merged, '3500000.00'),
    zf(LEDGER.orphanPayment, '150203209904000042', '10.00'),
  ]);
  await deliverBudget(hub, 'XMK.QUERY', [xmk(LEDGER.survivor, inv, '昆都仑区钢铁大街综合管廊建设项目')]);
}
