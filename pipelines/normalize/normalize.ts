import type { NormalizeResult, NormalizedRecord } from '../../src/model/record.js';
import { NormalizedRecord as RecordSchema } from '../../src/model/record.js';

export interface Rejected {
  index: number;
  reason: string;
  kind: string | null;
  sourceId: string | null;
  raw: unknown;
}

/**
 * Normalizes one page: every raw record ends as a valid normalized record or a rejection with
 * its reason — never dropped, never allowed to take the rest of the page down with it. The
 * connector's output is validated against the canonical schema too, so a connector bug
 * quarantines instead of poisoning the ledger.
 */
export function normalizeBatch(
  raws: unknown[],
  stream: string,
  normalize: (raw: unknown, stream: string) => NormalizeResult,
): { records: NormalizedRecord[]; rejected: Rejected[] } {
  const records: NormalizedRecord[] = [];
  const rejected: Rejected[] = [];
  raws.forEach((raw, index) => {
    let res: NormalizeResult;
    try {
      res = normalize(raw, stream);
    } catch (e) {
      res = { ok: false, reason: `normalizer failed: ${(e as Error).message}`, kind: null, sourceId: null };
    }
    if (!res.ok) {
      rejected.push({ index, reason: res.reason, kind: res.kind, sourceId: res.sourceId, raw });
      return;
    }
    const check = RecordSchema.safeParse(res.record);
    if (!check.success) {
      const issue = check.error.issues[0]!;
      rejected.push({
        index,
        reason: `normalized record invalid at ${issue.path.join('.')}: ${issue.message}`,
        kind: res.record.kind ?? null,
        sourceId: res.record.sourceId ?? null,
        raw,
      });
      return;
    }
    records.push(check.data);
  });
  return { records, rejected };
}
