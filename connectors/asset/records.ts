import { z } from 'zod';

/** The response envelope of every endpoint (asset.md §2). */
export const Envelope = z.object({
  success: z.boolean(),
  code: z.string(),
  message: z.string().nullish(),
  requestId: z.string().nullish(),
  data: z.unknown(),
});

/** `data` of the listing (asset.md §3); items stay unknown until normalize validates each. */
export const AssetCardsPage = z.object({
  items: z.array(z.unknown()),
  hasMore: z.boolean(),
  nextCursor: z.string().min(1).nullable(),
});
export type AssetCardsPage = z.infer<typeof AssetCardsPage>;

const Text = z.string().nullish();

/**
 * One asset card (asset.md §4) as `parseExactJson` returns it: `originalValue` is decimal text
 * (a plain number is accepted too, for payloads that reached us through ordinary JSON).
 */
export const AssetCardRaw = z.object({
  assetCode: z.string().trim().min(1),
  assetName: z.string().trim().min(1),
  categoryCode: Text,
  categoryName: Text,
  originalValue: z.union([z.string(), z.number()]),
  quantity: z.number().int().nullish(),
  entryDate: Text,
  custodianUnit: z.object({ name: Text, uscc: Text }).nullish(),
  sourceContractNo: Text,
  projectCode: Text,
  status: Text,
  handoverDate: Text,
  updatedAt: z.number().int().nonnegative(),
  version: z.number().int().positive(),
});
export type AssetCardRaw = z.infer<typeof AssetCardRaw>;
