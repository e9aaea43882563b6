import { checkUscc } from '../../src/model/codes.js';
import { MoneyError, toFen } from '../../src/model/money.js';
import type { LinkKeys, NormalizeResult } from '../../src/model/record.js';
import { normalizeProjectName, textOrNull } from '../../src/model/text.js';
import { DateError, isoToEpochMs, isoUtc } from '../../src/model/time.js';
import { dateField, Invalid, issuesReason } from '../shared/invalid.js';
import { DISBURSEMENTS_STREAM, DisbursementRaw, REVOKED } from './records.js';

function sourceIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { applicationId?: unknown }).applicationId;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

/** 万元 → fen, exactly; a negative or non-numeric amount invalidates the record. */
function amountFen(name: string, value: string | number): number {
  let fen: number;
  try {
    fen = toFen(value, '万元');
  } catch (e) {
    if (e instanceof MoneyError) throw new Invalid(`${name} ${JSON.stringify(value)}: ${e.why}`);
    throw e;
  }
  if (fen < 0) throw new Invalid(`${name} ${JSON.stringify(value)}: negative`);
  return fen;
}

/**
 * The applicant-typed USCC (benefit.md §4): a well-formed one becomes a link key (flagged when its
 * check character fails, which early pilot codes legally do); anything else — typically a 15-digit
 * pre-2015 registration number — stays in the data only, flagged.
 */
function usccOf(raw: string | null | undefined): { stored: string | null; key?: string; warning?: string } {
  const text = textOrNull(raw);
  if (text === null) return { stored: null };
  const c = checkUscc(text);
  if (!c.shape) return { stored: text, warning: 'USCC_INVALID' };
  return c.checksum
    ? { stored: c.uscc, key: c.uscc }
    : { stored: c.uscc, key: c.uscc, warning: 'USCC_CHECKSUM' };
}

/**
 * Pure: one raw disbursement (benefit.md §3) → a `subsidy` record, or the reason to quarantine it.
 *
 * @example normalizeBenefit(rawRow, 'disbursements') // { ok: true, record: { kind: 'subsidy', … } }
 */
export function normalizeBenefit(raw: unknown, stream: string): NormalizeResult {
  const sourceId = sourceIdOf(raw);
  const reject = (reason: string): NormalizeResult => ({ ok: false, reason, kind: 'subsidy', sourceId });
  if (stream !== DISBURSEMENTS_STREAM) return reject(`unknown stream ${JSON.stringify(stream)}`);
  const parsed = DisbursementRaw.safeParse(raw);
  if (!parsed.success) return reject(issuesReason(parsed.error, 'record'));
  const row = parsed.data;
  try {
    const updatedAt = row.updatedAt.trim();
    let updatedMs: number;
    try {
      updatedMs = isoToEpochMs(updatedAt);
    } catch (e) {
      if (e instanceof DateError) throw new Invalid(`updatedAt ${JSON.stringify(row.updatedAt)}: ${e.why}`);
      throw e;
    }
    const uscc = usccOf(row.enterpriseUscc);
    const keys: LinkKeys = { name: normalizeProjectName(row.projectName) };
    if (uscc.key !== undefined) keys.uscc = uscc.key;
    return {
      ok: true,
      record: {
        system: 'benefit',
        kind: 'subsidy',
        sourceId: row.applicationId,
        version: updatedAt,
        order: updatedMs,
        state: row.state.trim() === REVOKED ? 'revoked' : 'active',
        sourceTime: isoUtc(updatedMs),
        keys,
        warnings: uscc.warning === undefined ? [] : [uscc.warning],
        data: {
          enterpriseName: textOrNull(row.enterpriseName),
          enterpriseUscc: uscc.stored,
          policyItemCode: textOrNull(row.policyItemCode),
          policyName: textOrNull(row.policyName),
          projectName: row.projectName,
          approvedFen: amountFen('approvedAmount', row.approvedAmount),
          paidFen: amountFen('paidAmount', row.paidAmount),
          paidDate: dateField('paidDate', row.paidDate),
          districtCode: textOrNull(row.districtCode),
          applyDate: dateField('applyDate', row.applyDate),
          status: textOrNull(row.state),
        },
      },
    };
  } catch (e) {
    if (e instanceof Invalid) return reject(e.message);
    throw e;
  }
}
