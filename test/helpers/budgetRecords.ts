/**
 * Raw budget-platform records in the gateway's field layout (budget.md §4), for tests that feed
 * the pipelines directly. Defaults describe one project of 昆都仑区; versions and states vary.
 */
export function xmk(code: string, inv: string, name: string, bbh = 1, extra: Record<string, string> = {}) {
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
    BBH: String(bbh),
    XGSJ: `2023-06-0${bbh} 10:11:12`,
    ...extra,
  };
}
export function zb(no: string, code: string, je: string, bbh = 1, state = '正常') {
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
    ZBZT: state,
    BBH: String(bbh),
    XGSJ: `2023-05-0${bbh + 1} 09:00:00`,
  };
}
export function zf(no: string, code: string, je: string, bbh = 1, state = '已支付') {
  return {
    ZFPZH: no,
    XMDM: code,
    ZBBH: 'ZB20231502030000123',
    ZFRQ: '2023-07-21',
    JE: je,
    SKRMC: '中冶华美建设工程有限公司',
    SKRTYDM: '91150200MA0N2XY41P',
    ZFZT: state,
    BBH: String(bbh),
    XGSJ: `2023-07-2${bbh} 09:00:00`,
  };
}
