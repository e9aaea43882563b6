/**
 * The sandbox world: one deterministic, seeded city of projects as the six systems hold it,
 * in each system's own wire shapes (field names, units, spellings of the source documents).
 * The generator (generate.ts) builds it; the simulators (src/sandbox/<system>/) serve it; the
 * end-to-end tests compare the ledger with `expectations`.
 */

/** Budget platform change log entry: the complete record (all fields as strings, "" = empty element). */
export type BudgetService = 'XMK.QUERY' | 'ZB.QUERY' | 'ZF.QUERY' | 'JS.QUERY' | 'JX.QUERY';
export interface BudgetLogEntry {
  service: BudgetService;
  /** Field name → text, in the order of budget.md §4 tables (insertion order is serialization order). */
  fields: Record<string, string>;
}

/** OA document exactly as oa.md §4 (the current version; edits replace it with a higher version). */
export interface OaDocument {
  docId: string;
  docNo: string;
  docType: string;
  title: string;
  issuingUnit: string;
  signDate: string;
  projectCode: string | null;
  permitNo: string | null;
  attachments: Array<{ name: string; size: number; sha256: string }>;
  status: string;
  createTime: string;
  updateTime: string;
  version: number;
}

/** Asset card as asset.md §4. `originalValue` is kept as decimal text so the simulator writes it verbatim as a JSON number. */
export interface AssetCard {
  assetCode: string;
  assetName: string;
  categoryCode: string;
  categoryName: string;
  originalValue: string;
  quantity: number;
  entryDate: string;
  custodianUnit: { name: string; uscc: string };
  sourceContractNo: string | null;
  projectCode: string | null;
  status: string;
  handoverDate: string | null;
  updatedAt: number;
  version: number;
}

/** Benefit disbursement as benefit.md §3. */
export interface Disbursement {
  applicationId: string;
  enterpriseName: string;
  enterpriseUscc: string;
  policyItemCode: string;
  policyName: string;
  projectName: string;
  approvedAmount: string;
  paidAmount: string;
  paidDate: string | null;
  districtCode: string;
  state: string;
  applyDate: string;
  updatedAt: string;
}

/** Smart-city event as smartcity.md §1 (without `seq`/`receivedAt`, which the simulator's log assigns). */
export interface SmartcityEvent {
  eventId: string;
  type: 'site.upsert' | 'progress.report' | 'camera.snapshot' | 'dust.alert';
  eventTime: string;
  siteId: string;
  payload: Record<string, unknown>;
}

/** Trading notice as trading.md §4: id/version attributes plus child elements; amounts carry a unit. */
export interface TradingNotice {
  type: 'tender' | 'award' | 'contract';
  id: string;
  version: number;
  /** Child elements in document order. An amount is `{ unit, value }`; null = empty element. */
  fields: Record<string, string | null | { unit: '元' | '万元'; value: string }>;
  /** When set, the item is a conversion-error item with this text instead of child elements. */
  brokenText?: string;
  /** Sort key of the feed: publishTime (Beijing `yyyy-MM-dd HH:mm:ss`). */
  publishTime: string;
}

/** What a planted linking case must end as in the ledger. */
export interface ExpectedLink {
  case:
    | 'direct'
    | 'transitive-award'
    | 'transitive-contract'
    | 'transitive-asset'
    | 'transitive-site'
    | 'transitive-event'
    | 'late-anchor'
    | 'alias-merge'
    | 'ambiguous-subsidy'
    | 'fullwidth-code'
    | 'name-variant'
    | 'title-match'
    | 'no-match';
  record: { system: string; kind: string; sourceId: string };
  /** The survivor projectKey it must be linked to, or null when it must stay unlinked. */
  projectKey: string | null;
  /** For unlinked expectations: the reason. */
  reason?: 'no-match' | 'ambiguous' | 'anchor-missing';
}

/** Expected golden values of one project (exact fen), for end-to-end assertions. */
export interface ExpectedProject {
  projectKey: string;
  aliases: string[];
  name: string;
  category: 'fixedAsset' | 'equipment' | 'nonFixed';
  districtCode: string;
  sector: string;
  investmentCode: string | null;
  money: {
    totalInvestmentFen: number;
    requestedSubsidyFen: number;
    reviewedFen: number | null;
    allocatedFen: number;
    disbursedFen: number;
    contractFen: number;
    awardFen: number;
    assetValueFen: number;
    subsidyApprovedFen: number;
    subsidyPaidFen: number;
    finalAccountFen: number | null;
  };
}

export interface SystemData {
  budget: BudgetLogEntry[];
  oa: OaDocument[];
  asset: AssetCard[];
  benefit: Disbursement[];
  smartcity: SmartcityEvent[];
  trading: TradingNotice[];
}

export interface World {
  seed: number;
  /** Reference "now" of the world (epoch ms); all generated times are before it. */
  now: number;
  data: SystemData;
  expectations: { projects: ExpectedProject[]; links: ExpectedLink[] };
}

/**
 * A second wave of source changes applied on top of a world: corrections with higher versions,
 * revocations, new payments. `changedProjects` are the projectKeys whose golden record must get
 * a new version after an incremental sync; every other project must not.
 */
export interface Wave {
  /** Appended to the budget change log / smart-city event log. */
  budget: BudgetLogEntry[];
  smartcity: SmartcityEvent[];
  /** Upserted (replace by id) into the current-state systems. */
  oa: OaDocument[];
  asset: AssetCard[];
  benefit: Disbursement[];
  trading: TradingNotice[];
  changedProjects: string[];
  expectations: { projects: ExpectedProject[] };
}
