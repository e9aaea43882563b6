import { beijingToEpochMs, epochMsToBeijing } from '../../src/model/time.js';
import { SeenTimes } from './seenTimes.js';
import { BEIJING_SECOND, type OaState } from './spec.js';

/** `updateTime` of a raw document when it is well formed, else null (normalize quarantines it). */
function updateTimeOf(raw: unknown): { docId: string; updateTime: string; ms: number } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { docId, updateTime } = raw as { docId?: unknown; updateTime?: unknown };
  if (typeof docId !== 'string' || typeof updateTime !== 'string' || !BEIJING_SECOND.test(updateTime))
    return null;
  try {
    return { docId, updateTime, ms: beijingToEpochMs(updateTime) };
  } catch {
    return null;
  }
}

/**
 * Bookkeeping of one page-number walk over `updateTime >= bound` (oa.md §3), deciding the cursor
 * the next walk starts from.
 *
 * Normally that is the largest `updateTime` seen. But pages are re-evaluated per request: when a
 * document we already read is edited during the walk, it leaves its place for the end of the
 * list, everything behind it moves up one place, and the first document of the next page slides
 * onto a page we have already read — skipped. Such an edit always shows itself: the walk meets the
 * same docId again at the end with a newer `updateTime`. The skipped documents sort after the
 * moved document's old place, so the cursor is held back to its old `updateTime` and the next walk
 * reads them (the overlap is deduped downstream by version). A walk resumed after a crash cannot
 * know what moved before it resumed, so it keeps its bound.
 */
export class WalkTracker {
  private readonly seen = new SeenTimes();
  private max: string | null;
  /** Epoch ms of the `updateTime` the next walk must start from at the latest. */
  private holdBack: number | null = null;

  constructor(
    private readonly bound: string | null,
    private readonly resumed: boolean,
  ) {
    this.max = bound;
  }

  observe(records: readonly unknown[]): void {
    for (const raw of records) {
      const r = updateTimeOf(raw);
      if (r === null) continue;
      // Same-format Beijing timestamps order lexicographically as they do in time.
      if (this.max === null || r.updateTime > this.max) this.max = r.updateTime;
      const before = this.seen.firstSeen(r.docId, r.ms);
      if (before !== undefined && before !== r.ms && (this.holdBack === null || before < this.holdBack))
        this.holdBack = before;
    }
  }

  /** State to persist while the walk goes on: same bound, next page. */
  next(pageNo: number): OaState {
    return { updateTimeFrom: this.bound, pageNo: pageNo + 1 };
  }

  /** State to persist once the walk has reached the end of the list. */
  done(): OaState {
    if (this.resumed) return { updateTimeFrom: this.bound, pageNo: 1 };
    return {
      updateTimeFrom: this.holdBack === null ? this.max : epochMsToBeijing(this.holdBack),
      pageNo: 1,
    };
  }

  /** Documents that moved during the walk (for the log). */
  get moved(): boolean {
    return this.holdBack !== null;
  }
}
