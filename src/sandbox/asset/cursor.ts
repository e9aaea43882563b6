import { PositionToken } from '../http/positionToken.js';

/** The listing cursor: `s` = the walk's updatedSince, then (updatedAt, assetCode) of the last card. */
export const cardCursor = new PositionToken('s', (v): v is number => Number.isSafeInteger(v));
