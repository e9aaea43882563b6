import { describe, expect, it } from 'vitest';
import type { ProjectDoc } from '../../pipelines/merge/merge.js';
import type { ChangeEntry } from '../ledger/store.js';
import { matchesFilter, needsProject } from './filter.js';

const entry = (events: unknown[] = []): ChangeEntry => ({
  seq: 1,
  projectKey: 'P1',
  version: 1,
  kind: 'upsert',
  at: '2024-06-01T00:00:00Z',
  events,
});

const money = {
  totalInvestmentFen: null,
  requestedSubsidyFen: null,
  reviewedFen: null,
  allocatedFen: 100,
  disbursedFen: 100,
  contractFen: null,
  subsidyPaidFen: null,
  assetValueFen: null,
};

function doc(over: {
  district?: [string | null, string | null];
  sector?: string | null;
  disbursed?: number;
}) {
  const [code, name] = over.district ?? ['150203', '昆都仑区'];
  return {
    projectKey: 'P1',
    district: { code, name },
    sector: over.sector === undefined ? '基础设施' : over.sector,
    category: 'fixedAsset',
    stage: 'funded',
    money: { ...money, disbursedFen: over.disbursed ?? 100 },
    dimensions: { construction: {}, funds: {}, archive: { missing: [] } },
    conflicts: [],
    milestones: {},
  } as unknown as ProjectDoc;
}

const ASOF = '2024-06-01';

describe('webhook filters', () => {
  it('passes everything without a filter, even with no project', () => {
    expect(matchesFilter(undefined, entry(), null, ASOF)).toBe(true);
    expect(needsProject(undefined)).toBe(false);
    expect(needsProject({ sector: ['x'] })).toBe(true);
  });

  it('matches a district by code or by name, any listed value', () => {
    expect(matchesFilter({ district: ['150203'] }, entry(), doc({}), ASOF)).toBe(true);
    expect(matchesFilter({ district: ['青山区', '昆都仑区'] }, entry(), doc({}), ASOF)).toBe(true);
    expect(matchesFilter({ district: ['150204'] }, entry(), doc({}), ASOF)).toBe(false);
    expect(matchesFilter({ district: ['150203'] }, entry(), doc({ district: [null, null] }), ASOF)).toBe(
      false,
    );
    expect(matchesFilter({ district: ['150203'] }, entry(), null, ASOF)).toBe(false);
  });

  it('matches a sector and requires every given field', () => {
    expect(matchesFilter({ sector: ['基础设施'] }, entry(), doc({}), ASOF)).toBe(true);
    expect(matchesFilter({ sector: ['教育'] }, entry(), doc({}), ASOF)).toBe(false);
    expect(matchesFilter({ sector: ['基础设施'] }, entry(), doc({ sector: null }), ASOF)).toBe(false);
    expect(matchesFilter({ district: ['150203'], sector: ['教育'] }, entry(), doc({}), ASOF)).toBe(false);
    expect(matchesFilter({ district: ['150203'], sector: ['基础设施'] }, entry(), doc({}), ASOF)).toBe(true);
  });

  it('matches a finding the project has now, or one the change opens or closes', () => {
    const over = doc({ disbursed: 200 });
    expect(matchesFilter({ finding: ['OVER_DISBURSED'] }, entry(), over, ASOF)).toBe(true);
    expect(matchesFilter({ finding: ['OVER_DISBURSED'] }, entry(), doc({}), ASOF)).toBe(false);
    const closed = entry([{ type: 'findingClosed', code: 'OVER_DISBURSED' }]);
    expect(matchesFilter({ finding: ['OVER_DISBURSED'] }, closed, doc({}), ASOF)).toBe(true);
    const other = entry([{ type: 'findingOpened', code: 'STALLED' }]);
    expect(matchesFilter({ finding: ['OVER_DISBURSED'] }, other, doc({}), ASOF)).toBe(false);
  });
});
