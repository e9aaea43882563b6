import { findingsOf, type FindingThresholds } from '../../../../pipelines/merge/findings.js';
import type { ProjectDoc } from '../../../../pipelines/merge/merge.js';
import type { Project } from '../../../model/project.js';
import { beijingDateOf } from '../../../model/time.js';

/** A project document as merge stores it: a golden record, a redirect to a survivor, or an orphan. */
export type StoredDoc = ProjectDoc & { redirectTo?: string; orphaned?: boolean };

export const todayInBeijing = () => beijingDateOf(Date.now());

/** Redirects and orphans are not projects a caller can see. */
export function isVisible(doc: StoredDoc): boolean {
  return !doc.redirectTo && !doc.orphaned;
}

/** The project record of ledger.md §3: the stored document plus version and findings as of a date. */
export function present(
  doc: StoredDoc,
  version: number,
  updatedAt: string,
  asOf: string,
  thresholds: FindingThresholds,
): Project {
  return { ...doc, version, updatedAt, findings: findingsOf(doc, asOf, thresholds) };
}
