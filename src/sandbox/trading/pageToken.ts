import type { TradingNotice } from '../world/types.js';

/**
 * The feed's page token: base64url JSON of the notice type `y` and the last position
 * delivered, `u` = publishTime in epoch ms and `k` = id (the query travels with the token).
 */
export type NoticeType = TradingNotice['type'];
export const NOTICE_TYPES: readonly NoticeType[] = ['tender', 'award', 'contract'];

export interface FeedPosition {
  y: NoticeType;
  u: number;
  k: string;
}

export function encodePageToken(p: FeedPosition): string {
  return Buffer.from(JSON.stringify({ y: p.y, u: p.u, k: p.k })).toString('base64url');
}

/** The position, or undefined when the text is not a token this feed issued. */
export function decodePageToken(text: string): FeedPosition | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { y, u, k } = v as Record<string, unknown>;
  if (
    !NOTICE_TYPES.includes(y as NoticeType) ||
    !Number.isSafeInteger(u) ||
    typeof k !== 'string' ||
    k === ''
  ) {
    return undefined;
  }
  return { y: y as NoticeType, u: u as number, k };
}
