import { docHash } from './merge.js';

const rulesTags = new WeakMap<object, string>();

/**
 * What a golden record depends on besides its members: the as-of date (findings and stage are
 * time-based) and the ledger rules from configuration. A project merged from the same member
 * revision under the same token would come out identical, so its merge can be skipped.
 */
export function mergeToken(ledger: object, asOf: string): string {
  let tag = rulesTags.get(ledger);
  if (tag === undefined) {
    tag = docHash(ledger).slice(0, 12);
    rulesTags.set(ledger, tag);
  }
  return `${asOf}|${tag}`;
}
