/** The time spellings of the six systems, from epoch milliseconds. Sources run on Beijing time. */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
const BEIJING = 8 * HOUR;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Civil date of a day number since 1970-01-01 (H. Hinnant's days_from_civil inverse). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** `YYYY-MM-DDTHH:mm:ss` of an instant shifted by `offset` ms; formatting without Date objects (hot path). */
function bjAt(ms: number, offset: number): string {
  const t = ms + offset;
  const days = Math.floor(t / 86_400_000);
  const rest = Math.floor((t - days * 86_400_000) / 1000);
  const [y, m, d] = civil(days);
  const h = Math.floor(rest / 3600);
  const mi = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}

function bj(ms: number): string {
  return bjAt(ms, BEIJING);
}

/** `YYYY-MM-DD HH:mm:ss` Beijing (budget XGSJ, OA times, trading publishTime). */
export function bjDateTime(ms: number): string {
  const s = bj(ms);
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

/** `YYYY-MM-DD` Beijing calendar date. */
export function bjDate(ms: number): string {
  return bj(ms).slice(0, 10);
}

/** Beijing year of an instant. */
export function bjYear(ms: number): number {
  return Number(bj(ms).slice(0, 4));
}

/** Beijing month (1–12) of an instant. */
export function bjMonth(ms: number): number {
  return Number(bj(ms).slice(5, 7));
}

/** `YYYY-MM-DDTHH:mm:ss+08:00` (benefit updatedAt). */
export function bjIsoOffset(ms: number): string {
  const s = bj(ms);
  return `${s.slice(0, 19)}+08:00`;
}

/** `YYYY-MM-DDTHH:mm:ssZ` UTC (smart-city eventTime). */
export function isoZ(ms: number): string {
  return `${bjAt(ms, 0)}Z`;
}

/** Epoch ms of a Beijing calendar day at a given hour. */
export function bjDayStart(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - BEIJING;
}

/** Truncates to whole seconds, the resolution of every source. */
export function sec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
