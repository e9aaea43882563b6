/**
 * Time conversions. Source times without an offset are Beijing time (UTC+8, no DST); the
 * ledger speaks ISO 8601 UTC with `Z` for timestamps and `YYYY-MM-DD` for business dates.
 */

const BEIJING_OFFSET_MS = 8 * 3600_000;

export class DateError extends Error {
  readonly code = 'HUB_DATE_INVALID';
  constructor(
    readonly input: unknown,
    readonly why: string,
  ) {
    super(`date ${JSON.stringify(input)}: ${why}`);
    this.name = 'DateError';
  }
}

function validYmd(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Validates a business date `YYYY-MM-DD` (a real calendar date) and returns it. */
export function businessDate(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) throw new DateError(s, 'expected YYYY-MM-DD');
  if (!validYmd(+m[1]!, +m[2]!, +m[3]!)) throw new DateError(s, 'not a calendar date');
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export function businessDateOrNull(s: string | null | undefined): string | null {
  if (s === null || s === undefined || s.trim() === '') return null;
  return businessDate(s);
}

/** `YYYY-MM-DD HH:mm:ss` Beijing time → epoch milliseconds. */
export function beijingToEpochMs(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) throw new DateError(s, 'expected yyyy-MM-dd HH:mm:ss');
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || se > 59) throw new DateError(s, 'not a valid time');
  return Date.UTC(y, mo - 1, d, h, mi, se) - BEIJING_OFFSET_MS;
}

/** `YYYY-MM-DD HH:mm:ss` Beijing time → ISO UTC `…Z`. */
export function beijingToIso(s: string): string {
  return new Date(beijingToEpochMs(s)).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms → `YYYY-MM-DD HH:mm:ss` Beijing time (for source query parameters). */
export function epochMsToBeijing(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)}`;
}

/** Epoch ms → ISO UTC without milliseconds when they are zero. */
export function isoUtc(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? s.replace('.000Z', 'Z') : s;
}

/** Parses an ISO 8601 timestamp with an offset or `Z`; throws on anything else. */
export function isoToEpochMs(s: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s.trim())) {
    throw new DateError(s, 'expected ISO 8601 with offset');
  }
  const [y, mo, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (!validYmd(y, mo, d)) throw new DateError(s, 'not a calendar date');
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new DateError(s, 'not a valid time');
  return ms;
}

/** The Beijing calendar date of an instant. */
export function beijingDateOf(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}
