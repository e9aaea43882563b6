import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_CHECKLISTS, type Checklists } from '../../pipelines/merge/archive.js';
import { HubErrors } from '../errors.js';
import { Category, Stage } from '../model/project.js';
import { formatIssues } from './load.js';
import type { HubConfig } from './schema.js';

export const ChecklistFile = z.object({
  checklists: z
    .array(
      z.object({
        evidence: z.string().min(1),
        stage: Stage,
        categories: z.array(Category),
      }),
    )
    .min(1),
});

/** The archive checklists: from `ledger.checklists` when configured, else the ledger.md defaults. */
export function loadChecklists(path: string | undefined): Checklists {
  if (!path) return DEFAULT_CHECKLISTS;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw HubErrors.CONFIG_INVALID(
      `ledger.checklists: cannot read ${path} (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const res = ChecklistFile.safeParse(raw);
  if (!res.success)
    throw HubErrors.CONFIG_INVALID(
      formatIssues(res.error.issues)
        .map((l) => `${path}: ${l}`)
        .join('\n'),
    );
  return res.data.checklists;
}

/** Everything the merge and the API take from the `ledger` block. */
export function ledgerRules(cfg: HubConfig) {
  return {
    checklists: loadChecklists(cfg.ledger.checklists),
    thresholds: cfg.ledger.findings,
    weights: cfg.ledger.priority,
  };
}
