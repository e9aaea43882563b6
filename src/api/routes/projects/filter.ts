import { findingsOf, type FindingThresholds } from '../../../../pipelines/merge/findings.js';
import type { Category, Stage } from '../../../model/project.js';
import { normalizeText } from '../../../model/text.js';
import type { StoredDoc } from './stored.js';

export interface ProjectFilter {
  district?: string | undefined;
  sector?: string | undefined;
  category?: Category | undefined;
  stage?: Stage | undefined;
  finding?: string | undefined;
  q?: string | undefined;
}

/** Whether a visible project matches the list filters; `q` matches the name and every code. */
export function matchesFilter(
  doc: StoredDoc,
  f: ProjectFilter,
  asOf: string,
  thresholds: FindingThresholds,
): boolean {
  if (f.district && doc.district.code !== f.district && doc.district.name !== f.district) return false;
  if (f.sector && doc.sector !== f.sector) return false;
  if (f.category && doc.category !== f.category) return false;
  if (f.stage && doc.stage !== f.stage) return false;
  if (f.q) {
    const needle = normalizeText(f.q);
    const hay = [doc.name ?? '', ...Object.values(doc.codes).flat()].map(normalizeText);
    if (!hay.some((h) => h.includes(needle))) return false;
  }
  if (f.finding && !findingsOf(doc, asOf, thresholds).some((x) => x.code === f.finding)) return false;
  return true;
}
