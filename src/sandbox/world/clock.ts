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

interface Day {
  /** `YYYY-MM-DD`, one shared string per day (a big world holds millions of dates). */
  text: string;
  year: number;
  month: number;
}
const days = new Map<number, Day>();
const times: string[] = [];

function dayOf(dayNumber: number): Day {
  let day = days.get(dayNumber);
  if (day === undefined) {
    const [y, m, d] = civil(dayNumber);
    const text = `${y}-${pad2(m)}-${pad2(d)}`;
    day = { text, year: Number(text.slice(0, 4)), month: Number(text.slice(5, 7)) };
    days.set(dayNumber, day);
  }
  return day;
}

/** `HH:mm:ss` of a second of the day. */
function timeOf(second: number): string {
  const cached = times[second];
  if (cached !== undefined) return cached;
  const h = Math.floor(second / 3600);
  const mi = Math.floor((second % 3600) / 60);
  const s = second % 60;
  const text = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
  if (Number.isInteger(second) && second >= 0 && second < 86_400) times[second] = text;
  return text;
}

/** The day and second of the day of an instant shifted by `offset` ms (formatting without Date objects: hot path). */
function split(ms: number, offset: number): { day: Day; second: number } {
  const t = ms + offset;
  const dayNumber = Math.floor(t / 86_400_000);
  return { day: dayOf(dayNumber), second: Math.floor((t - dayNumber * 86_400_000) / 1000) };
}

/** A concatenation as one flat string (see flat.ts). */
function join(a: string, sep: string, b: string, tail = ''): string {
  const s = a + sep + b + tail;
  s.charCodeAt(0);
  return s;
}

let lastInstant = NaN;
let lastDateTime = '';

/** `YYYY-MM-DD HH:mm:ss` Beijing (budget XGSJ, OA times, trading publishTime). */
export function bjDateTime(ms: number): string {
  // A notice writes one instant two or three times (publishTime, firstPublishTime): one string.
  if (ms === lastInstant) return lastDateTime;
  const { day, second } = split(ms, BEIJING);
  lastInstant = ms;
  lastDateTime = join(day.text, ' ', timeOf(second));
  return lastDateTime;
}

/** `YYYY-MM-DD` Beijing calendar date. */
export function bjDate(ms: number): string {
  return split(ms, BEIJING).day.text;
}

/** Beijing year of an instant. */
export function bjYear(ms: number): number {
  return split(ms, BEIJING).day.year;
}

/** Beijing month (1–12) of an instant. */
export function bjMonth(ms: number): number {
  return split(ms, BEIJING).day.month;
}

/** `YYYY-MM-DDTHH:mm:ss+08:00` (benefit updatedAt). */
export function bjIsoOffset(ms: number): string {
  const { day, second } = split(ms, BEIJING);
  return join(day.text, 'T', timeOf(second), '+08:00');
}

/** `YYYY-MM-DDTHH:mm:ssZ` UTC (smart-city eventTime). */
export function isoZ(ms: number): string {
  const { day, second } = split(ms, 0);
  return join(day.text, 'T', timeOf(second), 'Z');
}

/** Epoch ms of a Beijing calendar day at a given hour. */
export function bjDayStart(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - BEIJING;
}

/** Truncates to whole seconds, the resolution of every source. */
export function sec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
