/**
 * Pure: one raw notice of a stream → a normalized tender/award/contract record, or the reason
 * to quarantine it.
 */
import type { z } from 'zod';
import { canonicalInvestmentCode, checkUscc, isContractNo, isSectionCode } from '../../src/model/codes.js';
import { toFen, type MoneyUnit } from '../../src/model/money.js';
import type { LinkKeys, NormalizeResult, NormalizedRecord } from '../../src/model/record.js';
import { normalizeProjectName, textOrNull } from '../../src/model/text.js';
import { beijingToIso, businessDateOrNull } from '../../src/model/time.js';
import { field, Invalid, issuesReason } from '../shared/invalid.js';
import { AwardRaw, ContractRaw, TenderRaw, conversionErrorId, type AmountRaw } from './records.js';
import { TRADING_STREAMS, type TradingStream } from './spec.js';

export const USCC_CHECKSUM = 'USCC_CHECKSUM';
export const CONVERSION_ERROR = 'conversion error item';

type Unit = { name: string | null; uscc: string | null };

function isStream(s: string): s is TradingStream {
  return (TRADING_STREAMS as readonly string[]).includes(s);
}

function idOf(raw: unknown): string | null {
  const id = (raw as { '@id'?: unknown } | null)?.['@id'];
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

function timestamp(name: string, v: string | undefined): string {
  const t = textOrNull(v);
  if (t === null) throw new Invalid(`${name}: missing`);
  return field(name, () => beijingToIso(t));
}

/** Amount in its own `unit` (元 or 万元, trading.md §4); null when the element is empty. */
function amount(name: string, v: AmountRaw): number | null {
  const text = textOrNull(typeof v === 'object' ? v['#text'] : v);
  if (text === null) return null;
  const unit = typeof v === 'object' ? v['@unit']?.trim() : undefined;
  if (unit !== '元' && unit !== '万元') {
    throw new Invalid(`${name}: unit ${JSON.stringify(unit ?? null)} is neither 元 nor 万元`);
  }
  const fen = field(name, () => toFen(text, unit satisfies MoneyUnit));
  if (fen < 0) throw new Invalid(`${name}: negative amount ${text} ${unit}`);
  return fen;
}

function requiredAmount(name: string, v: AmountRaw): number {
  const fen = amount(name, v);
  if (fen === null) throw new Invalid(`${name}: missing`);
  return fen;
}

function sectionCode(v: string | undefined): string {
  const s = textOrNull(v)?.toUpperCase() ?? '';
  if (!isSectionCode(s))
    throw new Invalid(`sectionCode: ${JSON.stringify(v ?? null)} is not a section number`);
  return s;
}

function contractNo(v: string | undefined): string {
  const s = textOrNull(v)?.toUpperCase() ?? '';
  if (!isContractNo(s)) throw new Invalid(`contractNo: ${JSON.stringify(v ?? null)} is not BTHT + 11 digits`);
  return s;
}

/**
 * USCCs are kept as entered: canonical when they have the shape of one (flagged when the check
 * character fails, which early pilot-region codes legally do), as typed otherwise.
 */
class Usccs {
  readonly warnings = new Set<string>();
  unit(name: string | undefined, code: string | undefined): Unit {
    return { name: textOrNull(name), uscc: this.code(code)?.value ?? null };
  }
  /** `key` is set only for a value of USCC shape: only such a value can name an organisation. */
  code(v: string | undefined): { value: string; key: string | null } | null {
    const text = textOrNull(v);
    if (text === null) return null;
    const c = checkUscc(text);
    if (!c.shape) return { value: text, key: null };
    if (!c.checksum) this.warnings.add(USCC_CHECKSUM);
    return { value: c.uscc, key: c.uscc };
  }
}

function base(raw: { '@id': string; '@version': string }) {
  const version = raw['@version'].trim();
  return { system: 'trading' as const, sourceId: raw['@id'].trim(), version, order: Number(version) };
}

function withOptional(keys: LinkKeys, name: keyof LinkKeys, v: string | null | undefined): LinkKeys {
  if (v !== null && v !== undefined && v !== '') keys[name] = v;
  return keys;
}

function tender(raw: TenderRaw): NormalizedRecord {
  const usccs = new Usccs();
  const tenderer = usccs.unit(raw.tenderer, raw.tendererCode);
  const keys: LinkKeys = { sectionCode: sectionCode(raw.sectionCode) };
  withOptional(keys, 'tenderProjectCode', textOrNull(raw.tenderProjectCode));
  const investment = textOrNull(raw.investmentProjectCode);
  if (investment !== null) {
    const code = canonicalInvestmentCode(investment);
    if (code === null)
      throw new Invalid(
        `investmentProjectCode: ${JSON.stringify(investment)} is not an investment project code`,
      );
    keys.investmentCode = code;
  }
  withOptional(keys, 'uscc', usccs.code(raw.tendererCode)?.key);
  const name = textOrNull(raw.tenderProjectName);
  withOptional(keys, 'name', name === null ? null : normalizeProjectName(name));
  const publishTime = timestamp('publishTime', raw.publishTime);
  return {
    ...base(raw),
    kind: 'tender',
    state: 'active',
    sourceTime: publishTime,
    keys,
    warnings: [...usccs.warnings],
    data: {
      sectionName: textOrNull(raw.sectionName),
      name,
      tenderer,
      tradeCategory: textOrNull(raw.tradeCategory),
      budgetFen: amount('budgetAmount', raw.budgetAmount),
      firstPublishTime: timestamp('firstPublishTime', raw.firstPublishTime),
      publishTime,
    },
  };
}

function award(raw: AwardRaw): NormalizedRecord {
  const usccs = new Usccs();
  const keys: LinkKeys = { sectionCode: sectionCode(raw.sectionCode) };
  withOptional(keys, 'tenderProjectCode', textOrNull(raw.tenderProjectCode));
  const status = textOrNull(raw.state);
  const publishTime = timestamp('publishTime', raw.publishTime);
  return {
    ...base(raw),
    kind: 'award',
    state: status === '已废标' ? 'revoked' : 'active',
    sourceTime: publishTime,
    keys,
    data: {
      winner: usccs.unit(raw.winnerName, raw.winnerCode),
      amountFen: requiredAmount('awardAmount', raw.awardAmount),
      firstPublishTime: timestamp('firstPublishTime', raw.firstPublishTime),
      publishTime,
      status,
    },
    warnings: [...usccs.warnings],
  };
}

function contract(raw: ContractRaw): NormalizedRecord {
  const usccs = new Usccs();
  const keys: LinkKeys = {
    contractNo: contractNo(raw.contractNo),
    sectionCode: sectionCode(raw.sectionCode),
  };
  withOptional(keys, 'tenderProjectCode', textOrNull(raw.tenderProjectCode));
  const status = textOrNull(raw.state);
  const publishTime = timestamp('publishTime', raw.publishTime);
  return {
    ...base(raw),
    kind: 'contract',
    state: status === '已作废' ? 'revoked' : 'active',
    sourceTime: publishTime,
    keys,
    data: {
      name: textOrNull(raw.contractName),
      amountFen: requiredAmount('contractAmount', raw.contractAmount),
      signDate: field('signDate', () => businessDateOrNull(raw.signDate)),
      buyer: usccs.unit(raw.buyerName, raw.buyerCode),
      supplier: usccs.unit(raw.supplierName, raw.supplierCode),
      publishTime,
      status,
    },
    warnings: [...usccs.warnings],
  };
}

function run<T>(
  schema: z.ZodType<T>,
  build: (r: T) => NormalizedRecord,
  raw: unknown,
  quarantine: (reason: string, sourceId: string | null) => NormalizeResult,
): NormalizeResult {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return quarantine(issuesReason(parsed.error, '(record)'), idOf(raw));
  try {
    return { ok: true, record: build(parsed.data) };
  } catch (e) {
    if (e instanceof Invalid) return quarantine(e.message, idOf(raw));
    throw e;
  }
}

/** The connector's `normalize`: the stream names the notice type, which is the record kind. */
export function normalizeTrading(raw: unknown, stream: string): NormalizeResult {
  if (!isStream(stream))
    return { ok: false, reason: `unknown stream ${JSON.stringify(stream)}`, kind: null, sourceId: idOf(raw) };
  const quarantine = (reason: string, sourceId: string | null): NormalizeResult => ({
    ok: false,
    reason,
    kind: stream,
    sourceId,
  });

  const failedId = conversionErrorId(raw);
  if (failedId !== undefined) return quarantine(CONVERSION_ERROR, failedId);

  switch (stream) {
    case 'tender':
      return run(TenderRaw, tender, raw, quarantine);
    case 'award':
      return run(AwardRaw, award, raw, quarantine);
    case 'contract':
      return run(ContractRaw, contract, raw, quarantine);
  }
}
