import { z } from 'zod';
import { RecordKind, SystemId } from './systems.js';

/**
 * The normalized source record: what every connector's `normalize` produces and what the
 * pipelines store, link and merge. Money is integer fen, dates `YYYY-MM-DD`, timestamps ISO UTC.
 */

const Fen = z.number().int().describe('integer fen');
const FenOrNull = Fen.nullable();
const Date_ = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('YYYY-MM-DD');
const DateOrNull = Date_.nullable();
const Iso = z.string().describe('ISO 8601 UTC');

export const Unit = z.object({ name: z.string().nullable(), uscc: z.string().nullable() });

/** OA document types mapped to the ledger's evidence names. */
export const DocType = z.enum([
  'feasibilityApproval',
  'projectApproval',
  'landUsePermit',
  'constructionPermit',
  'supervisionReport',
  'completionAcceptance',
  'handover',
  'performanceReport',
  'minutes',
]);
export type DocType = z.infer<typeof DocType>;

/** Kind-specific payloads. */
export const RecordData = {
  project: z.object({
    name: z.string(),
    investmentCode: z.string().nullable(),
    ownerUnit: z.object({
      name: z.string().nullable(),
      uscc: z.string().nullable(),
      unitCode: z.string().nullable(),
    }),
    district: z.object({ code: z.string().nullable(), name: z.string().nullable() }),
    sector: z.string().nullable(),
    sectorCode: z.string().nullable(),
    policyItem: z.string().nullable(),
    policyItemCode: z.string().nullable(),
    category: z.enum(['fixedAsset', 'equipment', 'nonFixed']),
    year: z.number().int().nullable(),
    declaredDate: DateOrNull,
    totalInvestmentFen: FenOrNull,
    requestedSubsidyFen: FenOrNull,
    reviewedFen: FenOrNull,
    status: z.string().nullable(),
  }),
  indicator: z.object({
    docNo: z.string().nullable(),
    amountFen: Fen,
    fundNature: z.string().nullable(),
    functionCode: z.string().nullable(),
    functionName: z.string().nullable(),
    year: z.number().int().nullable(),
    issueDate: DateOrNull,
    status: z.string().nullable(),
  }),
  payment: z.object({
    indicatorNo: z.string().nullable(),
    date: DateOrNull,
    amountFen: Fen,
    payee: Unit,
    status: z.string().nullable(),
  }),
  finalAccount: z.object({ amountFen: Fen, date: DateOrNull }),
  evaluation: z.object({
    year: z.number().int().nullable(),
    score: z.number().nullable(),
    grade: z.string().nullable(),
    date: DateOrNull,
    evaluator: z.string().nullable(),
  }),
  document: z.object({
    docNo: z.string().nullable(),
    docType: DocType,
    docTypeLabel: z.string(),
    title: z.string(),
    issuingUnit: z.string().nullable(),
    signDate: DateOrNull,
    attachments: z.number().int(),
    status: z.string().nullable(),
  }),
  assetCard: z.object({
    name: z.string(),
    categoryCode: z.string().nullable(),
    categoryName: z.string().nullable(),
    originalValueFen: Fen,
    quantity: z.number().int().nullable(),
    entryDate: DateOrNull,
    custodian: Unit,
    handoverDate: DateOrNull,
    status: z.string().nullable(),
  }),
  subsidy: z.object({
    enterpriseName: z.string().nullable(),
    enterpriseUscc: z.string().nullable(),
    policyItemCode: z.string().nullable(),
    policyName: z.string().nullable(),
    projectName: z.string(),
    approvedFen: Fen,
    paidFen: Fen,
    paidDate: DateOrNull,
    districtCode: z.string().nullable(),
    applyDate: DateOrNull,
    status: z.string().nullable(),
  }),
  site: z.object({
    name: z.string().nullable(),
    location: z.object({ lat: z.number(), lon: z.number() }).nullable(),
    address: z.string().nullable(),
    districtCode: z.string().nullable(),
  }),
  progress: z.object({
    percent: z.number().min(0).max(100),
    reporter: z.string().nullable(),
    eventTime: Iso,
  }),
  snapshot: z.object({
    cameraId: z.string().nullable(),
    imageRef: z.string().nullable(),
    imageSha256: z.string().nullable(),
    eventTime: Iso,
  }),
  dustAlert: z.object({
    pm10: z.number(),
    threshold: z.number().nullable(),
    level: z.string().nullable(),
    deviceId: z.string().nullable(),
    eventTime: Iso,
  }),
  tender: z.object({
    sectionName: z.string().nullable(),
    name: z.string().nullable(),
    tenderer: Unit,
    tradeCategory: z.string().nullable(),
    budgetFen: FenOrNull,
    firstPublishTime: Iso,
    publishTime: Iso,
  }),
  award: z.object({
    winner: Unit,
    amountFen: Fen,
    firstPublishTime: Iso,
    publishTime: Iso,
    status: z.string().nullable(),
  }),
  contract: z.object({
    name: z.string().nullable(),
    amountFen: Fen,
    signDate: DateOrNull,
    buyer: Unit,
    supplier: Unit,
    publishTime: Iso,
    status: z.string().nullable(),
  }),
} as const satisfies Record<RecordKind, z.ZodType>;

export type RecordDataOf<K extends RecordKind> = z.infer<(typeof RecordData)[K]>;

/**
 * Keys a record carries, in canonical form; the link stage reads them. Which of them a kind
 * *provides* to others (a tender provides its section) and which it *refers to* (an award refers
 * to a section) is the link stage's knowledge, not the connector's.
 */
export const LinkKeys = z.object({
  budgetCode: z.string().optional(),
  investmentCode: z.string().optional(),
  sectionCode: z.string().optional(),
  tenderProjectCode: z.string().optional(),
  contractNo: z.string().optional(),
  permitNo: z.string().optional(),
  siteId: z.string().optional(),
  uscc: z.string().optional(),
  /** normalized project name (normalizeProjectName) */
  name: z.string().optional(),
  /** normalized document title (normalizeText), for rule 5 */
  title: z.string().optional(),
});
export type LinkKeys = z.infer<typeof LinkKeys>;

const RecordBase = z.object({
  system: SystemId,
  sourceId: z.string().min(1),
  /** The version as the source states it (BBH, version, event time), for people. */
  version: z.string(),
  /**
   * Total order of versions of one identity: a number that grows with every newer version
   * (version number, or epoch ms of the modification/event time). Equal orders with different
   * content are resolved by content hash, so any delivery order gives the same winner.
   */
  order: z.number(),
  state: z.enum(['active', 'revoked']),
  /** Source modification or event time, ISO UTC; null when the source has none. */
  sourceTime: Iso.nullable(),
  keys: LinkKeys,
  warnings: z.array(z.string()),
});

function variant<K extends RecordKind>(kind: K) {
  return RecordBase.extend({ kind: z.literal(kind), data: RecordData[kind] });
}

export const NormalizedRecord = z.discriminatedUnion('kind', [
  variant('project'),
  variant('indicator'),
  variant('payment'),
  variant('finalAccount'),
  variant('evaluation'),
  variant('document'),
  variant('assetCard'),
  variant('subsidy'),
  variant('site'),
  variant('progress'),
  variant('snapshot'),
  variant('dustAlert'),
  variant('tender'),
  variant('award'),
  variant('contract'),
]);
export type NormalizedRecord = z.infer<typeof NormalizedRecord>;
export type RecordOfKind<K extends RecordKind> = Extract<NormalizedRecord, { kind: K }>;

/** `system|kind|sourceId` — the one string form of a record identity. */
export function recordId(r: { system: string; kind: string; sourceId: string }): string {
  return `${r.system}|${r.kind}|${r.sourceId}`;
}

export function parseRecordId(id: string): { system: SystemId; kind: RecordKind; sourceId: string } {
  const [system, kind, ...rest] = id.split('|');
  return { system: SystemId.parse(system), kind: RecordKind.parse(kind), sourceId: rest.join('|') };
}

/** What `normalize` returns: a record, or the reason to quarantine the raw input. */
export type NormalizeResult =
  | { ok: true; record: NormalizedRecord }
  | { ok: false; reason: string; kind: RecordKind | null; sourceId: string | null };
