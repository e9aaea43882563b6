import type { z } from 'zod';
import { canonicalInvestmentCode, checkUscc, isBudgetCode } from '../../src/model/codes.js';
import { MoneyError, toFen, toFenOrNull, type MoneyUnit } from '../../src/model/money.js';
import { NormalizedRecord, type NormalizeResult, type RecordDataOf } from '../../src/model/record.js';
import { normalizeProjectName, textOrNull } from '../../src/model/text.js';
import { beijingToIso, businessDateOrNull, DateError } from '../../src/model/time.js';
import {
  BudgetService,
  SERVICES,
  type EvaluationRaw,
  type FinalAccountRaw,
  type IndicatorRaw,
  type PaymentRaw,
  type ProjectRaw,
} from './records.js';

/**
 * Pure: one raw `<Record>` of a ServiceCode → a normalized ledger record, or the reason to
 * quarantine it (budget.md §4 layouts, §6 data quality; ledger.md §1 conventions). Never throws.
 */

/** Thrown inside this module only, to carry a quarantine reason up to `normalizeBudget`. */
class Reject extends Error {}

const q = (v: unknown) => JSON.stringify(v);

function reject(reason: string): never {
  throw new Reject(reason);
}

function budgetCode(v: string): string {
  const s = v.trim();
  if (!isBudgetCode(s)) reject(`XMDM ${q(v)} is not an 18-digit budget project code`);
  return s;
}

function date(field: string, v: string | undefined): string | null {
  try {
    return businessDateOrNull(v);
  } catch (e) {
    if (e instanceof DateError) reject(`${field} ${q(v)} is not a calendar date (${e.why})`);
    throw e;
  }
}

function money<T>(field: string, v: string | undefined, unit: MoneyUnit, convert: () => T): T {
  try {
    return convert();
  } catch (e) {
    if (e instanceof MoneyError) reject(`${field} ${q(v)} is not a decimal amount in ${unit} (${e.why})`);
    throw e;
  }
}

function fenOrNull(field: string, v: string | undefined, unit: MoneyUnit): number | null {
  return money(field, v, unit, () => toFenOrNull(v, unit));
}

function fen(field: string, v: string, unit: MoneyUnit): number {
  return money(field, v, unit, () => toFen(v, unit));
}

function positiveFen(field: string, v: string, unit: MoneyUnit): number {
  const n = fen(field, v, unit);
  if (n <= 0) reject(`${field} ${q(v)} is zero or negative`);
  return n;
}

function year(field: string, v: string | undefined): number | null {
  const s = textOrNull(v);
  if (s === null) return null;
  if (!/^\d{4}$/.test(s)) reject(`${field} ${q(v)} is not a year`);
  return Number(s);
}

function score(field: string, v: string | undefined): number | null {
  const s = textOrNull(v);
  if (s === null) return null;
  if (!/^\d{1,3}(\.\d+)?$/.test(s) || Number(s) > 100)
    reject(`${field} ${q(v)} is not a score from 0 to 100`);
  return Number(s);
}

function investmentCode(v: string | undefined): string | null {
  const s = textOrNull(v);
  if (s === null) return null;
  return canonicalInvestmentCode(s) ?? reject(`TZXMDM ${q(v)} is not an investment project code`);
}

/**
 * A USCC as the ledger stores it: upper-cased when it has the USCC shape (flagged when its check
 * character fails — legal for early pilot-region codes), else the text as entered (often a
 * pre-2015 registration number), which links nothing.
 */
function uscc(v: string | undefined, warnings: Set<string>): { value: string | null; shaped: boolean } {
  const s = textOrNull(v);
  if (s === null) return { value: null, shaped: false };
  const c = checkUscc(s);
  if (!c.shape) return { value: s, shaped: false };
  if (!c.checksum) warnings.add('USCC_CHECKSUM');
  return { value: c.uscc, shaped: true };
}

const CATEGORIES: Record<string, RecordDataOf<'project'>['category']> = {
  固投类: 'fixedAsset',
  设备类: 'equipment',
  非固投类: 'nonFixed',
};

function category(v: string): RecordDataOf<'project'>['category'] {
  return (
    (Object.hasOwn(CATEGORIES, v.trim()) ? CATEGORIES[v.trim()] : undefined) ??
    reject(`XMLB ${q(v)} is not one of 固投类, 设备类, 非固投类`)
  );
}

function versionOf(bbh: string): { version: string; order: number } {
  const s = bbh.trim();
  const order = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(order) || order < 1)
    reject(`BBH ${q(bbh)} is not a positive integer`);
  return { version: s, order };
}

function sourceTime(xgsj: string): string {
  try {
    return beijingToIso(xgsj);
  } catch (e) {
    if (e instanceof DateError) reject(`XGSJ ${q(xgsj)} is not a timestamp (${e.why})`);
    throw e;
  }
}

type Kind = 'project' | 'indicator' | 'payment' | 'finalAccount' | 'evaluation';

interface Parts<K extends Kind> {
  data: RecordDataOf<K>;
  keys: NormalizedRecord['keys'];
  state?: 'active' | 'revoked';
}

function project(r: ProjectRaw, warnings: Set<string>): Parts<'project'> {
  const budget = budgetCode(r.XMDM);
  const invest = investmentCode(r.TZXMDM);
  const owner = uscc(r.TYSHXYDM, warnings);
  const name = r.XMMC.trim();
  return {
    data: {
      name,
      investmentCode: invest,
      ownerUnit: { name: textOrNull(r.DWMC), uscc: owner.value, unitCode: textOrNull(r.DWDM) },
      district: { code: textOrNull(r.XZQHDM), name: textOrNull(r.XZQHMC) },
      sector: textOrNull(r.ZDLYMC),
      sectorCode: textOrNull(r.ZDLYDM),
      policyItem: textOrNull(r.ZCSXMC),
      policyItemCode: textOrNull(r.ZCSXDM),
      category: category(r.XMLB),
      year: year('ND', r.ND),
      declaredDate: date('SBRQ', r.SBRQ),
      totalInvestmentFen: fenOrNull('ZTZ', r.ZTZ, '万元'),
      requestedSubsidyFen: fenOrNull('SQBZ', r.SQBZ, '万元'),
      reviewedFen: fenOrNull('SDJE', r.SDJE, '万元'),
      status: textOrNull(r.XMZT),
    },
    keys: {
      budgetCode: budget,
      ...(invest ? { investmentCode: invest } : {}),
      ...(owner.shaped && owner.value ? { uscc: owner.value } : {}),
      name: normalizeProjectName(name),
    },
  };
}

function indicator(r: IndicatorRaw): Parts<'indicator'> {
  const status = textOrNull(r.ZBZT);
  return {
    data: {
      docNo: textOrNull(r.ZBWH),
      amountFen: positiveFen('JE', r.JE, '元'),
      fundNature: textOrNull(r.ZJXZ),
      functionCode: textOrNull(r.GNFLDM),
      functionName: textOrNull(r.GNFLMC),
      year: year('ND', r.ND),
      issueDate: date('XDRQ', r.XDRQ),
      status,
    },
    keys: { budgetCode: budgetCode(r.XMDM) },
    state: status === '已收回' ? 'revoked' : 'active',
  };
}

function payment(r: PaymentRaw, warnings: Set<string>): Parts<'payment'> {
  const status = textOrNull(r.ZFZT);
  const payee = uscc(r.SKRTYDM, warnings);
  return {
    data: {
      indicatorNo: textOrNull(r.ZBBH),
      date: date('ZFRQ', r.ZFRQ),
      amountFen: positiveFen('JE', r.JE, '元'),
      payee: { name: textOrNull(r.SKRMC), uscc: payee.value },
      status,
    },
    keys: { budgetCode: budgetCode(r.XMDM) },
    state: status === '已退回' ? 'revoked' : 'active',
  };
}

function finalAccount(r: FinalAccountRaw): Parts<'finalAccount'> {
  const amountFen = fen('JSJE', r.JSJE, '元');
  if (amountFen < 0) reject(`JSJE ${q(r.JSJE)} is negative`);
  return { data: { amountFen, date: date('JSRQ', r.JSRQ) }, keys: { budgetCode: budgetCode(r.XMDM) } };
}

function evaluation(r: EvaluationRaw): Parts<'evaluation'> {
  return {
    data: {
      year: year('PJND', r.PJND),
      score: score('PJDF', r.PJDF),
      grade: textOrNull(r.PJDJ),
      date: date('PJRQ', r.PJRQ),
      evaluator: textOrNull(r.PJJG),
    },
    keys: { budgetCode: budgetCode(r.XMDM) },
  };
}

/** Names the first failing field of a raw layout, with what was found there. */
function layoutReason(error: z.ZodError, raw: Record<string, unknown>): string {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? '?');
  const v = raw[field];
  if (v === undefined) return `required field ${field} is missing`;
  if (typeof v === 'string') return `required field ${field} is empty`;
  return `field ${field} is not text: ${q(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Normalizes one raw record of `stream` (a ServiceCode). */
export function normalizeBudget(raw: unknown, stream: string): NormalizeResult {
  const service = BudgetService.safeParse(stream);
  if (!service.success)
    return { ok: false, reason: `unknown stream ${q(stream)}`, kind: null, sourceId: null };
  const { kind, key, schema } = SERVICES[service.data];
  if (!isObject(raw)) {
    return { ok: false, reason: `record is not an element with fields: ${q(raw)}`, kind, sourceId: null };
  }
  const keyValue = raw[key];
  const sourceId = typeof keyValue === 'string' && keyValue.trim() !== '' ? keyValue.trim() : null;
  const quarantine = (reason: string): NormalizeResult => ({ ok: false, reason, kind, sourceId });
  try {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return quarantine(layoutReason(parsed.error, raw));
    const r = parsed.data;
    const warnings = new Set<string>();
    const parts: Parts<Kind> =
      kind === 'project'
        ? project(r as ProjectRaw, warnings)
        : kind === 'indicator'
          ? indicator(r as IndicatorRaw)
          : kind === 'payment'
            ? payment(r as PaymentRaw, warnings)
            : kind === 'finalAccount'
              ? finalAccount(r as FinalAccountRaw)
              : evaluation(r as EvaluationRaw);
    const record = {
      system: 'budget',
      kind,
      sourceId: sourceId!,
      ...versionOf(r.BBH),
      state: parts.state ?? 'active',
      sourceTime: sourceTime(r.XGSJ),
      keys: parts.keys,
      warnings: [...warnings],
      data: parts.data,
    };
    // The model is the contract with the pipelines; a record that misses it must not pass.
    const checked = NormalizedRecord.safeParse(record);
    if (!checked.success)
      return quarantine(`normalized record does not fit the model: ${checked.error.message}`);
    return { ok: true, record: checked.data };
  } catch (e) {
    if (e instanceof Reject) return quarantine(e.message);
    return quarantine(`unexpected: ${(e as Error)?.message ?? String(e)}`);
  }
}
