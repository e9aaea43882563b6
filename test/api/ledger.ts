import { waitForDrain } from '../../pipelines/sweep.js';
import type { Hub } from '../../src/hub.js';

/** Raw budget records in the gateway's field layout (budget.md §4), as the pipeline test uses them. */
export function xmk(code: string, inv: string, name: string) {
  return {
    XMDM: code,
    TZXMDM: inv,
    XMMC: name,
    DWMC: '包头市昆都仑区住房和城乡建设局',
    DWDM: '300094',
    TYSHXYDM: '11150203MB1234567R',
    XZQHDM: '150203',
    XZQHMC: '昆都仑区',
    ZDLYDM: '04',
    ZDLYMC: '基础设施',
    ZCSXDM: 'ZC0401',
    ZCSXMC: '城市基础设施建设补助',
    XMLB: '固投类',
    ND: '2023',
    SBRQ: '2023-03-14',
    ZTZ: '45798.545',
    SQBZ: '25256.219',
    SDJE: '',
    XMZT: '已入库',
    BBH: '1',
    XGSJ: '2023-06-01 10:11:12',
  };
}
export function zb(no: string, code: string, je: string) {
  return {
    ZBBH: no,
    XMDM: code,
    ZBWH: '包财预〔2023〕45号',
    JE: je,
    ZJXZ: '一般公共预算',
    GNFLDM: '2120301',
    GNFLMC: '城市公共设施',
    ND: '2023',
    XDRQ: '2023-05-08',
    ZBZT: '正常',
    BBH: '1',
    XGSJ: '2023-05-02 09:00:00',
  };
}
export function zf(no: string, code: string, je: string) {
  return {
    ZFPZH: no,
    XMDM: code,
    ZBBH: 'ZB20231502030000123',
    ZFRQ: '2023-07-21',
    JE: je,
    SKRMC: '中冶华美建设工程有限公司',
    SKRTYDM: '91150200MA0N2XY41P',
    ZFZT: '已支付',
    BBH: '1',
    XGSJ: '2023-07-21 09:00:00',
  };
}

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

/** Delivers one batch of raw records to normalize and waits until the pipeline is idle. */
export async function deliver(hub: Hub, stream: string, raws: unknown[]): Promise<void> {
  await hub.queues.add('normalize', {
    system: 'budget',
    stream,
    position: { test: stream },
    raws,
    runId: null,
    receivedAt: new Date().toISOString(),
  });
  await waitForDrain(hub.store, hub.queues, { timeoutMs: 30_000 });
}

/** A project with indicators and payments, a merge with redirect, an unlinked and a quarantined record. */
export async function populate(hub: Hub): Promise<void> {
  const inv = '2023-150203-48-01-000123';
  await deliver(hub, 'XMK.QUERY', [xmk(LEDGER.merged, inv, '昆都仑区钢铁大街综合管廊建设项目')]);
  await deliver(hub, 'ZB.QUERY', [
    zb('ZB1', LEDGER.merged, '17959838.00'),
    { ...zb(LEDGER.quarantined, LEDGER.merged, '1.00'), XDRQ: '2023-02-30' },
  ]);
  await deliver(hub, 'ZF.QUERY', [
    zf('ZFPZ1', LEDGER.merged, '3500000.00'),
    zf(LEDGER.orphanPayment, '150203209904000042', '10.00'),
  ]);
  await deliver(hub, 'XMK.QUERY', [xmk(LEDGER.survivor, inv, '昆都仑区钢铁大街综合管廊建设项目')]);
}
