/** The disbursement listing (benefit.md §1) as a function of the store and the query. */
import { beijingToEpochMs, isoToEpochMs } from '../../model/time.js';
import type { Disbursement } from '../world/types.js';
import type { DisbursementStore } from './disbursements.js';
import { failure, type BenefitAnswer } from './envelope.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `updatedFrom` in epoch seconds: ISO 8601 with offset or `Z`, or naive Beijing `YYYY-MM-DD HH:mm:ss`. */
export function parseUpdatedFrom(s: string): number | undefined {
  try {
    const ms = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s) ? beijingToEpochMs(s) : isoToEpochMs(s);
    return Math.floor(ms / 1000);
  } catch {
    return undefined;
  }
}

function integer(raw: string | null, fallback: number, min: number, max: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

/** A copy whose approved amount is not a number (a record a consumer must set aside). */
export function corruptDisbursement(d: Disbursement): Disbursement {
  return { ...d, approvedAmount: 'abc' };
}

export function listDisbursements(
  store: DisbursementStore,
  q: URLSearchParams,
  corrupt: boolean,
): BenefitAnswer {
  const rawFrom = q.get('updatedFrom');
  const from = rawFrom === null || rawFrom === '' ? undefined : parseUpdatedFrom(rawFrom);
  if (rawFrom !== null && rawFrom !== '' && from === undefined) return failure('BAD_REQUEST', 'updatedFrom');
  const offset = integer(q.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset === undefined) return failure('BAD_REQUEST', 'offset');
  const limit = integer(q.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT);
  if (limit === undefined) return failure('BAD_REQUEST', 'limit');

  const { total, rows } = store.query(from, offset, limit);
  if (corrupt && rows.length > 0) {
    const i = Math.floor(rows.length / 2);
    rows[i] = corruptDisbursement(rows[i]!);
  }
  return { status: 200, body: { status: 'ok', total, offset, limit, rows } };
}
