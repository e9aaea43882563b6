import type { AssetCard } from '../world/types.js';

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The card, after checking that its originalValue can be written verbatim as a JSON number. */
export function checkedCard(c: AssetCard): AssetCard {
  if (!JSON_NUMBER.test(c.originalValue)) {
    throw new Error(
      `asset card ${c.assetCode}: originalValue ${JSON.stringify(c.originalValue)} is not a JSON number`,
    );
  }
  return c;
}

/**
 * A card as JSON text in the field order of asset.md §4. `originalValue` is spliced in as the
 * stored decimal text, never through a JS number, so `8234100.5` stays `8234100.5` and a
 * 2-decimal value never picks up binary noise.
 */
export function cardJson(c: AssetCard, originalValue: string = c.originalValue): string {
  const s = JSON.stringify;
  return (
    `{"assetCode":${s(c.assetCode)},"assetName":${s(c.assetName)},"categoryCode":${s(c.categoryCode)},` +
    `"categoryName":${s(c.categoryName)},"originalValue":${originalValue},"quantity":${s(c.quantity)},` +
    `"entryDate":${s(c.entryDate)},"custodianUnit":{"name":${s(c.custodianUnit.name)},"uscc":${s(c.custodianUnit.uscc)}},` +
    `"sourceContractNo":${s(c.sourceContractNo)},"projectCode":${s(c.projectCode)},"status":${s(c.status)},` +
    `"handoverDate":${s(c.handoverDate)},"updatedAt":${s(c.updatedAt)},"version":${s(c.version)}}`
  );
}
