/** What one project's emitters share: its plan, ledger key, random stream and cross-system facts. */
import type { OwnerBook } from '../owners.js';
import type { ProjectPlan } from '../plan.js';
import type { Rng } from '../rng.js';
import type { Sink } from '../sink.js';

export interface ContractFact {
  no: string;
  amountFen: number;
  supplier: { name: string; uscc: string };
  active: boolean;
  /** The contract's tender carries a usable investment code, so it links. */
  linked: boolean;
  signDate: number;
}

export interface PermitFact {
  permitNo: string;
  signDate: number;
}

export interface ProjectCtx {
  plan: ProjectPlan;
  /** The survivor plan (projectKey owner). */
  survivor: ProjectPlan;
  /** projectKey of the survivor. */
  key: string;
  rng: Rng;
  sink: Sink;
  book: OwnerBook;
  now: number;
  contracts: ContractFact[];
  permit: PermitFact | null;
}
