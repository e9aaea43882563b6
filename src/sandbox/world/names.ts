/**
 * Vocabulary of the city: divisions, key areas, policy items, units, companies and the shapes
 * of project names per key area (budget.md §4.1, sources/README.md).
 */
import { DIVISIONS } from '../../model/systems.js';

export const DIVISION_CODES = Object.keys(DIVISIONS);
export function divisionName(code: string): string {
  return DIVISIONS[code]!;
}
/** Prefix used inside names: the city level is 包头市, districts are named as such. */
export function placePrefix(code: string): string {
  return code === '150200' ? '包头市' : DIVISIONS[code]!;
}

/** 重点领域 01–19 (budget.md §4.1). */
export const KEY_AREAS = [
  '两个稀土基地',
  '绿色发展',
  '乡村振兴',
  '基础设施',
  '现代服务业',
  '新能源',
  '先进制造业',
  '科技创新',
  '生态环境保护',
  '城市更新',
  '教育',
  '医疗卫生',
  '文化旅游',
  '现代农牧业',
  '数字经济',
  '民生保障',
  '交通物流',
  '水利',
  '中小企业发展',
] as const;

const AREA_CODES = KEY_AREAS.map((_, k) => String(k + 1).padStart(2, '0'));
export function areaCode(area: number): string {
  return AREA_CODES[area - 1] ?? String(area).padStart(2, '0');
}

/** Relative frequency of key areas among declared projects. */
export const AREA_WEIGHTS = [6, 5, 5, 10, 4, 6, 7, 5, 5, 7, 5, 5, 3, 4, 3, 6, 5, 4, 6];

/** Policy items per key area: `ZC` + area + nn. */
const POLICY_NAMES: readonly (readonly string[])[] = [
  ['稀土新材料产业发展专项资金', '稀土功能材料应用奖补'],
  ['绿色低碳发展专项资金', '节能改造补助'],
  ['乡村振兴衔接资金', '农村人居环境整治补助'],
  ['城市基础设施建设补助', '地下综合管廊建设补助'],
  ['现代服务业发展引导资金', '商贸流通体系建设补助'],
  ['新能源装备制造奖补', '新能源项目建设补助'],
  ['技术改造设备购置补助', '先进制造业集群发展资金'],
  ['研发投入后补助', '科技创新平台建设资金'],
  ['生态环境保护专项资金', '大气污染防治资金'],
  ['城镇老旧小区改造补助', '城市更新行动资金'],
  ['教育基础设施建设资金', '学校设备购置补助'],
  ['医疗卫生服务能力提升资金', '公立医院设备购置补助'],
  ['文化旅游发展专项资金', '景区提升改造补助'],
  ['现代农牧业发展资金', '高标准农田建设补助'],
  ['数字经济发展专项资金', '新型基础设施建设补助'],
  ['民生保障专项资金', '养老服务体系建设补助'],
  ['交通物流发展资金', '农村牧区公路建设补助'],
  ['水利发展资金', '农村牧区供水保障补助'],
  ['中小企业发展专项资金', '中小企业贷款贴息'],
];

export function policyItem(area: number, which: number): { code: string; name: string } {
  const names = POLICY_NAMES[area - 1]!;
  const i = which % names.length;
  return { code: `ZC${areaCode(area)}${String(i + 1).padStart(2, '0')}`, name: names[i]! };
}

/** Function classification (GNFL) per key area, for indicators. */
const FUNCTIONS: readonly (readonly [string, string])[] = [
  ['2150899', '其他支持中小企业发展和管理支出'],
  ['2110301', '大气'],
  ['2130505', '生产发展'],
  ['2120301', '城市公共设施'],
  ['2160299', '其他商业流通事务支出'],
  ['2110901', '可再生能源'],
  ['2150599', '其他工业和信息产业监管支出'],
  ['2060499', '其他技术研究与开发支出'],
  ['2110402', '农村环境保护'],
  ['2120399', '其他城乡社区公共设施支出'],
  ['2050202', '小学教育'],
  ['2100201', '综合医院'],
  ['2070199', '其他文化和旅游支出'],
  ['2130199', '其他农业农村支出'],
  ['2150599', '其他工业和信息产业监管支出'],
  ['2080299', '其他民政管理事务支出'],
  ['2140199', '其他公路水路运输支出'],
  ['2130399', '其他水利支出'],
  ['2150805', '中小企业发展专项'],
];
export function functionClass(area: number): readonly [string, string] {
  return FUNCTIONS[area - 1]!;
}

/** Areas in which declaring units are mostly enterprises. */
export const ENTERPRISE_AREAS = new Set([1, 2, 5, 6, 7, 8, 14, 15, 19]);

/** Bureaus that declare government projects, per key area. */
const BUREAUS: readonly (readonly string[])[] = [
  ['工业和信息化局'],
  ['生态环境局', '发展和改革委员会'],
  ['农牧局', '乡村振兴局'],
  ['住房和城乡建设局', '城市管理综合执法局'],
  ['商务局'],
  ['能源局', '发展和改革委员会'],
  ['工业和信息化局'],
  ['科学技术局'],
  ['生态环境局', '林业和草原局'],
  ['住房和城乡建设局'],
  ['教育局'],
  ['卫生健康委员会'],
  ['文化旅游广电局'],
  ['农牧局'],
  ['大数据管理局'],
  ['民政局', '退役军人事务局'],
  ['交通运输局'],
  ['水务局'],
  ['工业和信息化局'],
];
export function bureauFor(area: number, i: number): string {
  const b = BUREAUS[area - 1]!;
  return b[i % b.length]!;
}

/** Full unit name of a bureau in a division. */
export function govUnitName(division: string, bureau: string): string {
  return division === '150200' ? `包头市${bureau}` : `包头市${divisionName(division)}${bureau}`;
}

const BRAND_A = [
  '鑫',
  '华',
  '宏',
  '恒',
  '瑞',
  '博',
  '金',
  '天',
  '蒙',
  '阴',
  '鹿',
  '草',
  '青',
  '北',
  '中',
  '永',
  '盛',
  '泰',
  '嘉',
  '润',
  '远',
  '德',
  '昌',
  '兴',
  '丰',
  '达',
  '通',
  '安',
  '广',
  '益',
  '晟',
  '祥',
  '裕',
  '隆',
  '宇',
  '辰',
];
const BRAND_B = [
  '强新',
  '美',
  '盛',
  '德',
  '丰',
  '强',
  '泰',
  '和',
  '源',
  '山',
  '城',
  '原',
  '方',
  '华',
  '远',
  '创',
  '瑞',
  '达',
  '鑫',
  '宇',
  '安',
  '弘',
  '融',
  '信',
  '科',
  '能',
  '冶',
  '钢',
  '光',
  '磁',
  '驰',
  '耀',
  '晖',
  '川',
  '峰',
  '合',
];
export const INDUSTRIES: readonly { word: string; areas: readonly number[] }[] = [
  { word: '稀土高科', areas: [1, 7, 8] },
  { word: '稀土新材料', areas: [1, 8] },
  { word: '新能源', areas: [6, 2] },
  { word: '光伏科技', areas: [6, 2] },
  { word: '风电装备', areas: [6, 7] },
  { word: '钢铁制品', areas: [7, 2] },
  { word: '装备制造', areas: [7] },
  { word: '医药', areas: [5, 8] },
  { word: '物流', areas: [5, 17] },
  { word: '商贸', areas: [5] },
  { word: '农牧业', areas: [14, 3] },
  { word: '乳业', areas: [14] },
  { word: '数据科技', areas: [15, 8] },
  { word: '信息技术', areas: [15] },
  { word: '环保科技', areas: [2, 9] },
  { word: '建材', areas: [19, 2] },
  { word: '机械', areas: [19, 7] },
  { word: '化工', areas: [19, 2] },
];
export function industriesFor(area: number): readonly string[] {
  const own = INDUSTRIES.filter((i) => i.areas.includes(area)).map((i) => i.word);
  return own.length > 0 ? own : INDUSTRIES.map((i) => i.word);
}
export function brandOf(i: number, j: number): string {
  return BRAND_A[i % BRAND_A.length]! + BRAND_B[j % BRAND_B.length]!;
}
export const BRAND_SPACE = BRAND_A.length * BRAND_B.length;
export const COMPANY_PREFIXES = ['包头', '包头市', '内蒙古'] as const;
export const COMPANY_SUFFIXES = ['有限公司', '有限责任公司', '股份有限公司'] as const;

export const ROADS = [
  '钢铁大街',
  '阿尔丁大街',
  '建设路',
  '科学路',
  '幸福路',
  '富强路',
  '民族东路',
  '团结大街',
  '青年路',
  '友谊大街',
  '巴彦塔拉大街',
  '包头大街',
  '黄河大街',
  '劳动路',
  '和平路',
  '南门外大街',
  '环城路',
  '文化路',
  '少先路',
  '林荫路',
  '兵工路',
  '沼潭路',
  '校园路',
  '呼得木林大街',
  '工业路',
  '站北路',
  '乌素图路',
  '赛音道',
  '白云路',
  '健康路',
  '光明路',
  '公园路',
  '育才路',
  '银河路',
  '北梁大道',
  '万青路',
  '昆河路',
  '沙河路',
  '神华路',
  '新都市路',
];
export const RIVERS = ['昆都仑河', '四道沙河', '二道沙河', '东河', '黄河包头段', '美岱沟', '水涧沟'];
export const VILLAGES = [
  '哈业胡同',
  '萨拉齐',
  '沙尔沁',
  '麻池',
  '兴胜',
  '阿嘎如泰',
  '哈林格尔',
  '古城湾',
  '苏波盖',
  '沟门',
];
export const COMMUNITIES = ['友谊', '团结', '钢铁', '青山', '北梁', '铁西', '少先', '文化', '环城', '和平'];
export const SCENIC = ['五当召', '南海湿地', '赛汗塔拉', '春坤山', '希拉穆仁', '美岱召', '九峰山'];
export const PHASES = ['一期', '二期', '三期', '四期', '五期', '六期', '七期', '八期', '九期'];
export const CHINESE_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Name shapes of government projects per key area: `{p}` place, `{r}` road/river/village…, `{n}` number. */
export const GOV_TEMPLATES: readonly (readonly string[])[] = [
  ['{p}稀土产业园区{r}标准化厂房建设项目', '{p}稀土新材料产业园基础设施配套项目'],
  ['{p}{r}节能改造工程', '{p}固体废物综合利用处置中心建设项目'],
  ['{p}{v}村人居环境整治项目', '{p}{v}嘎查高标准农田建设项目'],
  [
    '{p}{r}综合管廊建设项目',
    '{p}{r}市政道路改造工程',
    '{p}{r}雨污分流管网改造项目',
    '{p}{r}供热管网改造工程',
  ],
  ['{p}{r}商业街区提升改造项目', '{p}{r}农贸市场新建项目'],
  ['{p}{r}公共充电基础设施建设项目', '{p}公共建筑屋顶分布式光伏项目'],
  ['{p}装备制造产业园{r}基础设施项目'],
  ['{p}科技创新中心{r}建设项目', '{p}稀土研究院实验平台设备购置项目'],
  ['{p}{w}生态修复工程', '{p}大气环境在线监测设备购置项目'],
  ['{p}{c}小区老旧小区改造项目', '{p}{r}城市更新改造项目'],
  ['{p}第{n}中学教学楼新建项目', '{p}{r}小学改扩建项目', '{p}中小学教学设备购置项目'],
  ['{p}人民医院门诊综合楼建设项目', '{p}中医医院检测检验仪器设备购置项目', '{p}{r}社区卫生服务中心新建项目'],
  ['{p}{s}景区提升改造项目', '{p}{s}旅游公路建设项目'],
  ['{p}{v}肉羊养殖基地建设项目', '{p}{v}设施农业产业园项目'],
  ['{p}智慧城市运营中心建设项目', '{p}政务云平台扩容设备购置项目'],
  ['{p}{r}退役军人服务站新建项目', '{p}{r}养老服务中心建设项目', '{p}{r}停车场新建项目'],
  ['{p}{r}道路提升改造工程', '{p}{r}桥梁新建工程'],
  ['{p}{w}防洪治理工程', '{p}{v}农村牧区供水保障工程'],
  ['{p}中小企业公共服务平台建设项目'],
];

/** Name shapes of enterprise projects per key area: `{e}` company short name. */
export const ENT_TEMPLATES: readonly (readonly string[])[] = [
  ['{e}年产{n}吨稀土永磁材料项目', '{e}年产{n}吨稀土抛光粉项目', '{e}年产{n}吨钕铁硼毛坯项目'],
  ['{e}{n}万吨固废综合利用项目', '{e}余热回收节能改造项目'],
  ['{e}{n}亩特色种植基地项目'],
  ['{e}厂区配套道路建设项目'],
  ['{e}物流仓储中心项目', '{e}冷链配送中心建设项目'],
  ['{e}{n}MW光伏发电项目', '{e}{n}万千瓦风电场项目', '{e}年产{n}套风电装备制造项目'],
  ['{e}智能化生产线改造项目', '{e}年产{n}台(套)数控装备项目'],
  ['{e}{y}年度研发投入后补助项目', '{e}稀土新材料研发中心建设项目'],
  ['{e}环保在线监测设备购置项目', '{e}超低排放改造项目'],
  ['{e}厂区更新改造项目'],
  ['{e}职业技能实训基地项目'],
  ['{e}医疗器械生产线项目'],
  ['{e}文旅综合体项目'],
  ['{e}肉羊养殖基地建设项目', '{e}年产{n}吨乳制品项目'],
  ['{e}数据中心建设项目', '{e}工业互联网平台项目'],
  ['{e}职工服务中心项目'],
  ['{e}多式联运物流园项目'],
  ['{e}节水改造项目'],
  ['{e}技术改造设备购置项目', '{e}{y}年度贷款贴息项目'],
];

export const CONTRACTOR_WORDS = [
  '建设工程',
  '路桥',
  '建筑安装',
  '市政工程',
  '科技',
  '设备',
  '环境工程',
  '电气',
];

export const MEETING_BODIES = [
  '市政府',
  '市政府常务',
  '市重大项目推进',
  '市财政局党组',
  '市发展和改革委员会',
];
