import { STAGES, type Category, type Stage } from '../../src/model/project.js';

/**
 * Archive completeness (立档建册): each evidence item belongs to a stage and is required once
 * the project has reached it, if the category's checklist lists it. Checklists come from
 * configuration (config/checklists.yaml); these are the defaults of ledger.md §3.
 */
export interface ChecklistItem {
  evidence: string;
  stage: Stage;
  categories: Category[];
}
export type Checklists = ChecklistItem[];

export const DEFAULT_CHECKLISTS: Checklists = [
  { evidence: 'feasibilityApproved', stage: 'approved', categories: ['fixedAsset'] },
  { evidence: 'projectApproved', stage: 'approved', categories: ['equipment', 'nonFixed'] },
  { evidence: 'tenderPublished', stage: 'tendering', categories: ['fixedAsset', 'equipment'] },
  { evidence: 'landUsePermit', stage: 'construction', categories: ['fixedAsset'] },
  { evidence: 'constructionPermit', stage: 'construction', categories: ['fixedAsset'] },
  { evidence: 'contractSigned', stage: 'construction', categories: ['fixedAsset', 'equipment'] },
  { evidence: 'payment', stage: 'construction', categories: ['fixedAsset', 'equipment', 'nonFixed'] },
  { evidence: 'siteImages', stage: 'construction', categories: ['fixedAsset'] },
  { evidence: 'supervisionReport', stage: 'completed', categories: ['fixedAsset'] },
  { evidence: 'completionAccepted', stage: 'completed', categories: ['fixedAsset', 'equipment'] },
  { evidence: 'finalAccounts', stage: 'finalAccounted', categories: ['fixedAsset'] },
  { evidence: 'handedOver', stage: 'handedOver', categories: ['fixedAsset'] },
  { evidence: 'assetCard', stage: 'handedOver', categories: ['fixedAsset', 'equipment'] },
  {
    evidence: 'performanceEvaluated',
    stage: 'evaluated',
    categories: ['fixedAsset', 'equipment', 'nonFixed'],
  },
];

export function archiveOf(
  checklists: Checklists,
  category: Category | null,
  stage: Stage,
  present: Record<string, boolean>,
): { required: string[]; present: string[]; missing: string[]; complete: boolean } {
  const reached = STAGES.indexOf(stage);
  const required = category
    ? checklists
        .filter((i) => i.categories.includes(category) && STAGES.indexOf(i.stage) <= reached)
        .map((i) => i.evidence)
    : [];
  const have = required.filter((e) => present[e]);
  const missing = required.filter((e) => !present[e]);
  return { required, present: have, missing, complete: missing.length === 0 };
}
