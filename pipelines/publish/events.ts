import { MONEY_FIELDS, type Money, type Stage } from '../../src/model/project.js';

/** The part of a published project that the next change's events are computed against. */
export interface PublishedSummary {
  stage: Stage | null;
  money: Partial<Money>;
  records: string[];
  findings: string[];
}

export type ChangeEvent =
  | { type: 'stageChanged'; from: Stage | null; to: Stage }
  | { type: 'findingOpened'; code: string }
  | { type: 'findingClosed'; code: string }
  | { type: 'moneyChanged'; field: string; from: number | null; to: number | null }
  | { type: 'recordLinked'; system: string; kind: string; sourceId: string };

export function summarize(doc: {
  stage?: Stage;
  money?: Money;
  records?: Array<{ system: string; kind: string; sourceId: string }>;
  findings?: Array<{ code: string }>;
}): PublishedSummary {
  return {
    stage: doc.stage ?? null,
    money: doc.money ?? {},
    records: (doc.records ?? []).map((r) => `${r.system}|${r.kind}|${r.sourceId}`).sort(),
    findings: (doc.findings ?? []).map((f) => f.code).sort(),
  };
}

/** What changed in ledger terms between two published states (ledger.md §4 `events`). Pure. */
export function diffEvents(before: PublishedSummary | null, after: PublishedSummary): ChangeEvent[] {
  const ev: ChangeEvent[] = [];
  if (after.stage && before?.stage !== after.stage)
    ev.push({ type: 'stageChanged', from: before?.stage ?? null, to: after.stage });
  const prevF = new Set(before?.findings ?? []);
  const nextF = new Set(after.findings);
  for (const c of after.findings) if (!prevF.has(c)) ev.push({ type: 'findingOpened', code: c });
  for (const c of before?.findings ?? []) if (!nextF.has(c)) ev.push({ type: 'findingClosed', code: c });
  for (const f of MONEY_FIELDS) {
    const a = before?.money[f] ?? null;
    const b = after.money[f] ?? null;
    if (a !== b) ev.push({ type: 'moneyChanged', field: f, from: a, to: b });
  }
  const prevR = new Set(before?.records ?? []);
  for (const id of after.records) {
    if (prevR.has(id)) continue;
    const [system, kind, ...rest] = id.split('|');
    ev.push({ type: 'recordLinked', system: system!, kind: kind!, sourceId: rest.join('|') });
  }
  return ev;
}
