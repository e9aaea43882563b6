/**
 * Raw budget-platform records in the gateway's field layout (budget.md §4), for tests that need a
 * project and many money records of it without a whole sandbox world.
 */

const OWNER = {
  DWMC: '包头市昆都仑区住房和城乡建设局',
  DWDM: '300094',
  TYSHXYDM: '11150203MB1234567R',
  XZQHDM: '150203',
  XZQHMC: '昆都仑区',
};

/** A project-library entry (XMK.QUERY). */
export function libraryEntry(code: string, investmentCode: string, name: string): Record<string, string> {
  return {
    XMDM: code,
    TZXMDM: investmentCode,
    XMMC: name,
    ...OWNER,
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

/** A budget indicator (ZB.QUERY): money allocated to the project, in yuan. */
export function indicator(no: string, code: string, yuan: string): Record<string, string> {
  return {
    ZBBH: no,
    XMDM: code,
    ZBWH: '包财预〔2023〕45号',
    JE: yuan,
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

/** A payment (ZF.QUERY): money disbursed for the project, in yuan. */
export function payment(no: string, code: string, yuan: string): Record<string, string> {
  return {
    ZFPZH: no,
    XMDM: code,
    ZBBH: 'ZB20231502030000123',
    ZFRQ: '2023-07-21',
    JE: yuan,
    SKRMC: '中冶华美建设工程有限公司',
    SKRTYDM: '91150200MA0N2XY41P',
    ZFZT: '已支付',
    BBH: '1',
    XGSJ: '2023-07-21 09:00:00',
  };
}
