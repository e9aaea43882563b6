import type { Milestones, Stage } from '../../src/model/project.js';

/**
 * Funding priority (以成熟度统筹项目建设): mature projects first. Band 1: under construction,
 * continuing (续建) or stalled half-finished works (半拉子工程); band 2: pre-approvals complete
 * (approval, land use, construction permit) and ready to start; band 3: the rest. The score
 * orders projects within and across bands; its weights are configuration.
 */
export interface PriorityWeights {
  band1: number;
  band2: number;
  band3: number;
  /** Per percentage point of construction progress (finishing what is started comes first). */
  progressPoint: number;
  /** When stalled: unfinished works lose value every month they stand. */
  stalled: number;
  /** Per pre-approval present (approval, land use, construction permit). */
  preApproval: number;
}

export const DEFAULT_WEIGHTS: PriorityWeights = {
  band1: 1000,
  band2: 500,
  band3: 0,
  progressPoint: 2,
  stalled: 150,
  preApproval: 50,
};

export interface Priority {
  score: number;
  band: 1 | 2 | 3;
  facts: {
    stage: Stage;
    underConstruction: boolean;
    continuing: boolean;
    stalled: boolean;
    approvals: { approval: boolean; landUse: boolean; constructionPermit: boolean };
    progressPercent: number | null;
  };
}

export function priorityOf(
  input: {
    stage: Stage;
    milestones: Milestones;
    progressPercent: number | null;
    continuing: boolean;
    stalled: boolean;
  },
  w: PriorityWeights = DEFAULT_WEIGHTS,
): Priority {
  const m = input.milestones;
  const approvals = {
    approval: !!(m.feasibilityApproved || m.projectApproved),
    landUse: !!m.landUsePermit,
    constructionPermit: !!m.constructionPermit,
  };
  const underConstruction = input.stage === 'construction';
  const band: 1 | 2 | 3 =
    underConstruction || input.continuing || input.stalled
      ? 1
      : approvals.approval &&
          approvals.landUse &&
          approvals.constructionPermit &&
          stageBeforeConstruction(input.stage)
        ? 2
        : 3;
  const present = Object.values(approvals).filter(Boolean).length;
  const score =
    (band === 1 ? w.band1 : band === 2 ? w.band2 : w.band3) +
    (input.progressPercent ?? 0) * w.progressPoint +
    (input.stalled ? w.stalled : 0) +
    present * w.preApproval;
  return {
    score: Math.round(score * 10) / 10,
    band,
    facts: {
      stage: input.stage,
      underConstruction,
      continuing: input.continuing,
      stalled: input.stalled,
      approvals,
      progressPercent: input.progressPercent,
    },
  };
}

function stageBeforeConstruction(s: Stage): boolean {
  return s === 'reserve' || s === 'approved' || s === 'funded' || s === 'tendering';
}
