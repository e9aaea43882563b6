import { PositionToken } from '../http/positionToken.js';
import type { TradingNotice } from '../world/types.js';

export type NoticeType = TradingNotice['type'];
export const NOTICE_TYPES: readonly NoticeType[] = ['tender', 'award', 'contract'];

/** The feed's page token: `y` = the notice type, then (publishTime in epoch ms, id) of the last notice. */
export const pageToken = new PositionToken('y', (v): v is NoticeType =>
  NOTICE_TYPES.includes(v as NoticeType),
);
