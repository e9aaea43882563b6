import { z } from 'zod';
import { RecordKind, SystemId } from './systems.js';

/** The golden project record (ledger.md §3). Field names and units are the downstream contract. */

const FenOrNull = z.number().int().nullable();
const DateOrNull = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .nullable();

export const STAGES = [
  'reserve',
  'approved',
  'funded',
  'tendering',
  'construction',
  'completed',
  'finalAccounted',
  'handedOver',
  'evaluated',
] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

export const Category = z.enum(['fixedAsset', 'equipment', 'nonFixed']);
export type Category = z.infer<typeof Category>;

export const MONEY_FIELDS = [
  'totalInvestmentFen',
  'requestedSubsidyFen',
  'reviewedFen',
  'allocatedFen',
  'disbursedFen',
  'contractFen',
  'awardFen',
  'finalAccountFen',
  'assetValueFen',
  'subsidyApprovedFen',
  'subsidyPaidFen',
] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];
export const Money = z.object(
  Object.fromEntries(MONEY_FIELDS.map((f) => [f, FenOrNull])) as {
    [K in MoneyField]: typeof FenOrNull;
  },
);
export type Money = z.infer<typeof Money>;

export const MILESTONES = [
  'feasibilityApproved',
  'projectApproved',
  'landUsePermit',
  'constructionPermit',
  'tenderPublished',
  'awarded',
  'contractSigned',
  'constructionStarted',
  'completionAccepted',
  'finalAccounts',
  'handedOver',
  'performanceEvaluated',
] as const;
export type Milestone = (typeof MILESTONES)[number];
export const Milestones = z.object(
  Object.fromEntries(MILESTONES.map((m) => [m, DateOrNull])) as {
    [K in Milestone]: typeof DateOrNull;
  },
);
export type Milestones = z.infer<typeof Milestones>;

export const LinkedBy = z.enum([
  'budgetCode',
  'investmentCode',
  'transitive',
  'ownerAndName',
  'title',
  'manual',
]);
export type LinkedBy = z.infer<typeof LinkedBy>;

export const ProjectRecordRef = z.object({
  system: SystemId,
  kind: RecordKind,
  sourceId: z.string(),
  version: z.string(),
  linkedBy: LinkedBy,
  state: z.enum(['active', 'revoked']),
});
export type ProjectRecordRef = z.infer<typeof ProjectRecordRef>;

export const Provenance = z.object({
  system: SystemId,
  kind: RecordKind,
  sourceId: z.string(),
  at: z.string().nullable(),
});

export const Conflict = z.object({
  field: z.string(),
  values: z.array(z.object({ system: SystemId, sourceId: z.string(), value: z.unknown() })),
});

export const Finding = z.object({
  code: z.string(),
  severity: z.enum(['high', 'medium', 'low']),
  detail: z.string(),
});
export type Finding = z.infer<typeof Finding>;

export const Archive = z.object({
  required: z.array(z.string()),
  present: z.array(z.string()),
  missing: z.array(z.string()),
  complete: z.boolean(),
});

export const Project = z.object({
  projectKey: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  codes: z.object({
    budget: z.array(z.string()),
    investment: z.array(z.string()),
    tender: z.array(z.string()),
    contract: z.array(z.string()),
    permit: z.array(z.string()),
    site: z.array(z.string()),
  }),
  name: z.string().nullable(),
  ownerUnit: z.object({
    name: z.string().nullable(),
    uscc: z.string().nullable(),
    unitCode: z.string().nullable(),
  }),
  district: z.object({ code: z.string().nullable(), name: z.string().nullable() }),
  sector: z.string().nullable(),
  policyItem: z.string().nullable(),
  category: Category.nullable(),
  stage: Stage,
  money: Money,
  milestones: Milestones,
  progress: z.object({ percent: z.number(), at: z.string(), siteId: z.string() }).nullable(),
  location: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  performance: z
    .object({ score: z.number().nullable(), grade: z.string().nullable(), date: DateOrNull })
    .nullable(),
  dimensions: z.object({
    application: z.record(z.string(), z.unknown()),
    review: z.record(z.string(), z.unknown()),
    construction: z.record(z.string(), z.unknown()),
    funds: z.record(z.string(), z.unknown()),
    performance: z.record(z.string(), z.unknown()),
    archive: Archive,
  }),
  records: z.array(ProjectRecordRef),
  provenance: z.record(z.string(), Provenance),
  conflicts: z.array(Conflict),
  findings: z.array(Finding),
  priority: z
    .object({
      score: z.number(),
      band: z.union([z.literal(1), z.literal(2), z.literal(3)]),
      facts: z.record(z.string(), z.unknown()),
    })
    .optional(),
  redirectedFrom: z.string().optional(),
});
export type Project = z.infer<typeof Project>;

/** The list form of `GET /projects` (ledger.md §4). */
export const ProjectSummary = Project.pick({
  projectKey: true,
  name: true,
  district: true,
  category: true,
  stage: true,
  money: true,
  updatedAt: true,
});
export type ProjectSummary = z.infer<typeof ProjectSummary>;
