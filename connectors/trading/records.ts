/**
 * Raw notices (trading.md §4) as `parseFeed` returns them: attributes as `@id`/`@version`,
 * child elements as strings (`''` when empty), amounts as `{'#text', '@unit'}` (or a bare string
 * when the element carries no unit).
 */
import { z } from 'zod';

const Leaf = z.string().optional();
const Amount = z
  .union([z.string(), z.object({ '#text': z.string().optional(), '@unit': z.string().optional() })])
  .optional();
export type AmountRaw = z.infer<typeof Amount>;

const Notice = z.object({
  '@id': z.string().trim().min(1),
  '@version': z.string().regex(/^\s*[1-9]\d{0,14}\s*$/, 'expected a positive integer'),
  publishTime: Leaf,
});

export const TenderRaw = Notice.extend({
  tenderProjectCode: Leaf,
  sectionCode: Leaf,
  sectionName: Leaf,
  tenderProjectName: Leaf,
  investmentProjectCode: Leaf,
  tenderer: Leaf,
  tendererCode: Leaf,
  tradeCategory: Leaf,
  budgetAmount: Amount,
  firstPublishTime: Leaf,
});
export type TenderRaw = z.infer<typeof TenderRaw>;

export const AwardRaw = Notice.extend({
  tenderProjectCode: Leaf,
  sectionCode: Leaf,
  winnerName: Leaf,
  winnerCode: Leaf,
  awardAmount: Amount,
  state: Leaf,
  firstPublishTime: Leaf,
});
export type AwardRaw = z.infer<typeof AwardRaw>;

export const ContractRaw = Notice.extend({
  contractNo: Leaf,
  contractName: Leaf,
  tenderProjectCode: Leaf,
  sectionCode: Leaf,
  contractAmount: Amount,
  signDate: Leaf,
  buyerName: Leaf,
  buyerCode: Leaf,
  supplierName: Leaf,
  supplierCode: Leaf,
  state: Leaf,
});
export type ContractRaw = z.infer<typeof ContractRaw>;

/**
 * An `<item>` holding text instead of fields: a notice the center failed to convert
 * (trading.md §5). Its `id` is still trustworthy.
 */
export function conversionErrorId(raw: unknown): string | null | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const text = r['#text'];
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const id = r['@id'];
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}
