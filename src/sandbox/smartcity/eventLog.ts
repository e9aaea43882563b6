import type { SmartcityEvent } from '../world/types.js';

/**
 * The platform's append-only event log (smartcity.md §3). Arrival assigns `seq` (consecutive
 * from 1) and `receivedAt`: the event time plus a small delay derived from the eventId, never
 * earlier than the previous arrival (seq is arrival order, so receivedAt never goes back), and
 * for a re-uploaded event strictly later than its previous arrival. Appending is O(1) per event
 * and keeps no per-eventId state, so a log of millions of events builds in about a second.
 */
export interface LoggedEvent extends SmartcityEvent {
  seq: number;
  receivedAt: string;
}

export interface EventPage {
  events: LoggedEvent[];
  lastSeq: number;
  hasMore: boolean;
  headSeq: number;
}

/** Current attributes of a site: its latest `site.upsert` by eventTime. */
export type SiteView = Record<string, unknown> & { lastEventTime: string };

const MIN_DELAY_SEC = 5;
const DELAY_SPREAD_SEC = 175;

export class EventLog {
  private readonly entries: LoggedEvent[] = [];
  private lastArrivalSec = -Infinity;
  /**
   * Events that arrived in the second `lastArrivalSec`. Arrivals never go back, so an earlier
   * copy of an event is either in this set or arrived in an earlier second already.
   */
  private readonly arrivedInLastSecond = new Set<string>();
  private readonly iso = new IsoSeconds();
  private readonly sites = new Map<string, { eventTimeMs: number; event: SmartcityEvent }>();

  /** Every logged event; entry i has seq i + 1. Read-only: the log owns it. */
  get events(): LoggedEvent[] {
    return this.entries;
  }

  get headSeq(): number {
    return this.entries.length;
  }

  append(events: readonly SmartcityEvent[]): void {
    for (const e of events) {
      const eventTimeMs = Date.parse(e.eventTime);
      if (Number.isNaN(eventTimeMs))
        throw new Error(`smartcity event ${e.eventId}: eventTime ${e.eventTime} is not ISO 8601`);
      let arrival = Math.max(Math.ceil(eventTimeMs / 1000) + delaySec(e.eventId), this.lastArrivalSec);
      if (arrival === this.lastArrivalSec && this.arrivedInLastSecond.has(e.eventId)) arrival += 1;
      if (arrival !== this.lastArrivalSec) this.arrivedInLastSecond.clear();
      this.lastArrivalSec = arrival;
      this.arrivedInLastSecond.add(e.eventId);
      // Built field by field so that JSON.stringify writes the order of §1.
      this.entries.push({
        seq: this.entries.length + 1,
        receivedAt: this.iso.format(arrival),
        eventId: e.eventId,
        type: e.type,
        eventTime: e.eventTime,
        siteId: e.siteId,
        payload: e.payload,
      });
      if (e.type === 'site.upsert') this.noteSite(e, eventTimeMs);
    }
  }

  /** Events with seq > afterSeq, at most `limit`. */
  page(afterSeq: number, limit: number): EventPage {
    const headSeq = this.entries.length;
    const events = afterSeq >= headSeq ? [] : this.entries.slice(afterSeq, afterSeq + limit);
    const lastSeq = events.at(-1)?.seq ?? afterSeq;
    return { events, lastSeq, hasMore: lastSeq < headSeq, headSeq };
  }

  site(siteId: string): SiteView | undefined {
    const s = this.sites.get(siteId);
    return s && { ...s.event.payload, lastEventTime: s.event.eventTime };
  }

  private noteSite(e: SmartcityEvent, eventTimeMs: number): void {
    const current = this.sites.get(e.siteId);
    // On equal eventTime the later arrival wins, as a re-sent registration would.
    if (!current || eventTimeMs >= current.eventTimeMs) this.sites.set(e.siteId, { eventTimeMs, event: e });
  }
}

/** 5–179 s, a stable function of the eventId (FNV-1a), so worlds replay identically. */
function delaySec(eventId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return MIN_DELAY_SEC + ((h >>> 0) % DELAY_SPREAD_SEC);
}

/** Epoch seconds → `YYYY-MM-DDTHH:mm:ssZ`; remembers the last day, as log arrivals cluster. */
class IsoSeconds {
  private day = NaN;
  private dayText = '';

  format(sec: number): string {
    const day = Math.floor(sec / 86_400);
    if (day !== this.day) {
      this.day = day;
      this.dayText = new Date(day * 86_400_000).toISOString().slice(0, 11);
    }
    const s = sec - day * 86_400;
    return `${this.dayText}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}Z`;
  }
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
