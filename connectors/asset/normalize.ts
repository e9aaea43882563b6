/**
 * Pure: one raw asset card → a normalized `assetCard` record, or the reason to quarantine it.
 */
import { canonicalInvestmentCode, checkUscc, isContractNo } from '../../src/model/codes.js';
import { toFen } from '../../src/model/money.js';
import type { LinkKeys, NormalizeResult, RecordOfKind } from '../../src/model/record.js';
import { textOrNull } from '../../src/model/text.js';
import { businessDateOrNull, isoUtc } from '../../src/model/time.js';
import { field, Invalid, issuesReason } from '../shared/invalid.js';
import { AssetCardRaw } from './records.js';

export const USCC_CHECKSUM = 'USCC_CHECKSUM';

function quarantine(reason: string, sourceId: string | null): NormalizeResult {
  return { ok: false, reason, kind: 'assetCard', sourceId };
}

function sourceIdOf(raw: unknown): string | null {
  const code = (raw as { assetCode?: unknown } | null)?.assetCode;
  return typeof code === 'string' && code.trim() !== '' ? code.trim() : null;
}

/** Entry errors of zero or negative value are set aside (asset.md §5). */
function originalValueFen(v: string | number): number {
  const fen = field('originalValue', () => toFen(v, '元'));
  if (fen <= 0) throw new Invalid(`originalValue: ${String(v)} is not a positive amount`);
  return fen;
}

function linkKeys(card: AssetCardRaw): LinkKeys {
  const keys: LinkKeys = {};
  const contractNo = textOrNull(card.sourceContractNo);
  if (contractNo !== null) {
    if (!isContractNo(contractNo))
      throw new Invalid(`sourceContractNo: ${JSON.stringify(contractNo)} is not BTHT + 11 digits`);
    keys.contractNo = contractNo;
  }
  const projectCode = textOrNull(card.projectCode);
  if (projectCode !== null) {
    const code = canonicalInvestmentCode(projectCode);
    if (code === null)
      throw new Invalid(`projectCode: ${JSON.stringify(projectCode)} is not an investment project code`);
    keys.investmentCode = code;
  }
  return keys;
}

/** Canonical USCC when the value has the shape of one; anything else is kept as entered. */
function custodianUscc(raw: string | null | undefined, warnings: Set<string>): string | null {
  const text = textOrNull(raw);
  if (text === null) return null;
  const check = checkUscc(text);
  if (!check.shape) return text;
  if (!check.checksum) warnings.add(USCC_CHECKSUM);
  return check.uscc;
}

export function normalizeAssetCard(raw: unknown): NormalizeResult {
  const parsed = AssetCardRaw.safeParse(raw);
  if (!parsed.success) return quarantine(issuesReason(parsed.error, '(record)'), sourceIdOf(raw));
  const card = parsed.data;
  try {
    const warnings = new Set<string>();
    const record: RecordOfKind<'assetCard'> = {
      system: 'asset',
      kind: 'assetCard',
      sourceId: card.assetCode,
      version: String(card.version),
      order: card.version,
      // Disposal (已处置), lease and idleness do not void what the project formed (ledger.md §2).
      state: 'active',
      sourceTime: isoUtc(card.updatedAt),
      keys: linkKeys(card),
      warnings: [],
      data: {
        name: card.assetName,
        categoryCode: textOrNull(card.categoryCode),
        categoryName: textOrNull(card.categoryName),
        originalValueFen: originalValueFen(card.originalValue),
        quantity: card.quantity ?? null,
        entryDate: field('entryDate', () => businessDateOrNull(card.entryDate)),
        custodian: {
          name: textOrNull(card.custodianUnit?.name),
          uscc: custodianUscc(card.custodianUnit?.uscc, warnings),
        },
        handoverDate: field('handoverDate', () => businessDateOrNull(card.handoverDate)),
        status: textOrNull(card.status),
      },
    };
    record.warnings = [...warnings];
    return { ok: true, record };
  } catch (e) {
    if (e instanceof Invalid) return quarantine(e.message, card.assetCode);
    throw e;
  }
}

/** The connector's `normalize`: the asset platform has one stream of one kind. */
export function normalizeAsset(raw: unknown, _stream: string): NormalizeResult {
  return normalizeAssetCard(raw);
}
