import { findingsOf } from '../../pipelines/merge/findings.js';
import type { ProjectDoc } from '../../pipelines/merge/merge.js';
import type { ChangeEntry } from '../ledger/store.js';
import type { WebhookFilter } from './spec.js';

/**
 * Whether a change entry goes to a subscriber with this filter. `doc` is the project as it is
 * now (for a `merged` entry: the survivor it was merged into), null when there is none. Every
 * given filter field must match, any one value of a field suffices. Pure.
 *
 * The finding filter also matches a change that opens or closes one of the findings, so a
 * subscriber learns that a finding it watches went away.
 */
export function matchesFilter(
  filter: WebhookFilter | undefined,
  entry: ChangeEntry,
  doc: ProjectDoc | null,
  asOf: string,
): boolean {
  if (!filter) return true;
  const { district, sector, finding } = filter;
  if (district && !(has(district, doc?.district?.code) || has(district, doc?.district?.name))) return false;
  if (sector && !has(sector, doc?.sector)) return false;
  if (finding) {
    const touched = entry.events.some(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        ['findingOpened', 'findingClosed'].includes((e as { type?: string }).type ?? '') &&
        finding.includes((e as { code?: string }).code ?? ''),
    );
    const holds = () => !!doc?.money && findingsOf(doc, asOf).some((f) => finding.includes(f.code));
    if (!touched && !holds()) return false;
  }
  return true;
}

const has = (list: string[], v: string | null | undefined) =>
  v !== null && v !== undefined && list.includes(v);

/** True when the filter needs the project record at all (saves reads for unfiltered subscribers). */
export function needsProject(filter: WebhookFilter | undefined): boolean {
  return !!filter && !!(filter.district || filter.sector || filter.finding);
}
