import { canonicalInvestmentCode, isPermitNo } from '../../src/model/codes.js';
import type { LinkKeys, NormalizeResult } from '../../src/model/record.js';
import { normalizeText, textOrNull } from '../../src/model/text.js';
import { beijingToIso, DateError } from '../../src/model/time.js';
import { dateField, Invalid, issuesReason } from '../shared/invalid.js';
import { DOC_TYPES, DOCUMENTS_STREAM, DocumentRaw, VOIDED } from './records.js';

function sourceIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { docId?: unknown }).docId;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

function keysOf(doc: DocumentRaw, title: string): LinkKeys {
  const keys: LinkKeys = { title: normalizeText(title) };
  const projectCode = textOrNull(doc.projectCode);
  if (projectCode !== null) {
    const code = canonicalInvestmentCode(projectCode);
    // ledger.md §1: a code of the wrong shape makes the record invalid.
    if (code === null)
      throw new Invalid(`projectCode ${JSON.stringify(projectCode)} is not an investment project code`);
    keys.investmentCode = code;
  }
  const permitNo = textOrNull(doc.permitNo);
  if (permitNo !== null) {
    if (!isPermitNo(permitNo))
      throw new Invalid(`permitNo ${JSON.stringify(permitNo)} is not an 18-digit permit number`);
    keys.permitNo = permitNo;
  }
  return keys;
}

/**
 * Pure: one raw OA document (oa.md §4) → a `document` record, or the reason to quarantine it.
 *
 * @example normalizeOa(rawDoc, 'documents') // { ok: true, record: { kind: 'document', … } }
 */
export function normalizeOa(raw: unknown, stream: string): NormalizeResult {
  const sourceId = sourceIdOf(raw);
  const reject = (reason: string): NormalizeResult => ({ ok: false, reason, kind: 'document', sourceId });
  if (stream !== DOCUMENTS_STREAM) return reject(`unknown stream ${JSON.stringify(stream)}`);
  const parsed = DocumentRaw.safeParse(raw);
  if (!parsed.success) return reject(issuesReason(parsed.error, 'record'));
  const doc = parsed.data;
  try {
    const docType = DOC_TYPES.get(doc.docType.trim());
    if (docType === undefined) throw new Invalid(`unknown docType ${JSON.stringify(doc.docType)}`);
    const title = doc.title.trim();
    if (title === '') throw new Invalid('title is empty');
    let sourceTime: string;
    try {
      sourceTime = beijingToIso(doc.updateTime);
    } catch (e) {
      if (e instanceof DateError) throw new Invalid(`updateTime ${JSON.stringify(doc.updateTime)}: ${e.why}`);
      throw e;
    }
    return {
      ok: true,
      record: {
        system: 'oa',
        kind: 'document',
        sourceId: doc.docId,
        version: String(doc.version),
        order: doc.version,
        state: doc.status.trim() === VOIDED ? 'revoked' : 'active',
        sourceTime,
        keys: keysOf(doc, title),
        warnings: [],
        data: {
          docNo: textOrNull(doc.docNo),
          docType,
          docTypeLabel: doc.docType.trim(),
          title,
          issuingUnit: textOrNull(doc.issuingUnit),
          signDate: dateField('signDate', doc.signDate),
          attachments: doc.attachments?.length ?? 0,
          status: textOrNull(doc.status),
        },
      },
    };
  } catch (e) {
    if (e instanceof Invalid) return reject(e.message);
    throw e;
  }
}
