import { z } from 'zod';
import type { RecordKind } from '../../src/model/systems.js';

/**
 * Raw record layouts of budget.md §4, exactly as the gateway sends them: every field is the text
 * of one child element of `<Record>` ("" for an empty element). Only the fields without which a
 * record means nothing are required; an optional element that is absent reads as empty.
 */

const required = z.string().refine((s) => s.trim() !== '', { message: 'empty' });
const optional = z.string().optional();

const versioned = { BBH: required, XGSJ: required };

export const ProjectRaw = z.object({
  XMDM: required,
  TZXMDM: optional,
  XMMC: required,
  DWMC: optional,
  DWDM: optional,
  TYSHXYDM: optional,
  XZQHDM: optional,
  XZQHMC: optional,
  ZDLYDM: optional,
  ZDLYMC: optional,
  ZCSXDM: optional,
  ZCSXMC: optional,
  XMLB: required,
  ND: optional,
  SBRQ: optional,
  ZTZ: optional,
  SQBZ: optional,
  SDJE: optional,
  XMZT: optional,
  ...versioned,
});
export type ProjectRaw = z.infer<typeof ProjectRaw>;

export const IndicatorRaw = z.object({
  ZBBH: required,
  XMDM: required,
  ZBWH: optional,
  JE: required,
  ZJXZ: optional,
  GNFLDM: optional,
  GNFLMC: optional,
  ND: optional,
  XDRQ: optional,
  ZBZT: optional,
  ...versioned,
});
export type IndicatorRaw = z.infer<typeof IndicatorRaw>;

export const PaymentRaw = z.object({
  ZFPZH: required,
  XMDM: required,
  ZBBH: optional,
  ZFRQ: optional,
  JE: required,
  SKRMC: optional,
  SKRTYDM: optional,
  ZFZT: optional,
  ...versioned,
});
export type PaymentRaw = z.infer<typeof PaymentRaw>;

export const FinalAccountRaw = z.object({
  JSBH: required,
  XMDM: required,
  JSJE: required,
  JSRQ: optional,
  ...versioned,
});
export type FinalAccountRaw = z.infer<typeof FinalAccountRaw>;

export const EvaluationRaw = z.object({
  PJBH: required,
  XMDM: required,
  PJND: optional,
  PJDF: optional,
  PJDJ: optional,
  PJRQ: optional,
  PJJG: optional,
  ...versioned,
});
export type EvaluationRaw = z.infer<typeof EvaluationRaw>;

/** The gateway's ServiceCodes, in the order a run reads them (projects first: they anchor the rest). */
export const BUDGET_SERVICES = ['XMK.QUERY', 'ZB.QUERY', 'ZF.QUERY', 'JS.QUERY', 'JX.QUERY'] as const;
export const BudgetService = z.enum(BUDGET_SERVICES);
export type BudgetService = z.infer<typeof BudgetService>;

/** Per ServiceCode: the ledger record kind, the key field (budget.md §4) and the raw layout. */
export const SERVICES = {
  'XMK.QUERY': { kind: 'project', key: 'XMDM', schema: ProjectRaw },
  'ZB.QUERY': { kind: 'indicator', key: 'ZBBH', schema: IndicatorRaw },
  'ZF.QUERY': { kind: 'payment', key: 'ZFPZH', schema: PaymentRaw },
  'JS.QUERY': { kind: 'finalAccount', key: 'JSBH', schema: FinalAccountRaw },
  'JX.QUERY': { kind: 'evaluation', key: 'PJBH', schema: EvaluationRaw },
} as const satisfies Record<BudgetService, { kind: RecordKind; key: string; schema: z.ZodType }>;
