import { beijingToEpochMs } from '../../model/time.js';
import { PositionIndex } from '../http/positionIndex.js';
import type { TradingNotice } from '../world/types.js';
import { NOTICE_TYPES, type NoticeType } from './pageToken.js';

/**
 * The current version of every notice, per type, in feed order (publishTime, then id). The
 * publish time is parsed once, on upsert, so pages and tokens compare numbers.
 */
export interface FeedEntry {
  ms: number;
  notice: TradingNotice;
}

export interface FeedPage {
  items: FeedEntry[];
  hasMore: boolean;
}

export class FeedIndex {
  private readonly types = new Map<NoticeType, PositionIndex<FeedEntry>>(
    NOTICE_TYPES.map((t) => [
      t,
      new PositionIndex<FeedEntry>(
        (e) => e.ms,
        (e) => e.notice.id,
      ),
    ]),
  );

  constructor(notices: readonly TradingNotice[]) {
    this.upsert(notices);
  }

  /** Replaces notices by (type, id), inserting new ones. */
  upsert(notices: readonly TradingNotice[]): void {
    for (const [type, index] of this.types) {
      index.upsert(
        notices
          .filter((n) => n.type === type)
          .map((notice) => ({ ms: beijingToEpochMs(notice.publishTime), notice })),
      );
    }
  }

  /** Every current notice, tenders then awards then contracts, each in feed order. */
  all(): TradingNotice[] {
    return [...this.types.values()].flatMap((t) => t.items.map((e) => e.notice));
  }

  /** The first `size` notices with publishTime >= sinceMs. */
  since(type: NoticeType, sinceMs: number, size: number): FeedPage {
    const t = this.types.get(type)!;
    return t.page(t.firstFrom(sinceMs), size);
  }

  /** The first `size` notices strictly after the position (u, k). */
  after(type: NoticeType, u: number, k: string, size: number): FeedPage {
    const t = this.types.get(type)!;
    return t.page(t.firstAfter(u, k), size);
  }
}
