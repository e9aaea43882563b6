import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../../src/model/record.js';
import { KINDS, SYSTEMS, type SystemId } from '../../src/model/systems.js';
import { providesOf, referencesOf, usesTitle } from '../link/link.js';
import { LINKS_THROUGH, loadPlan, loadWaves } from './waves.js';

/** A record of every kind with every link key set: what it can read and publish at most. */
function fullRecord(system: SystemId, kind: string): NormalizedRecord {
  const keys = {
    budgetCode: 'b',
    investmentCode: 'i',
    sectionCode: 's',
    tenderProjectCode: 't',
    contractNo: 'c',
    permitNo: 'p',
    siteId: 'x',
    uscc: 'u',
    name: 'n',
    title: 'title',
  };
  return { system, kind, sourceId: 'id', keys, data: { docType: 'constructionPermit' } } as never;
}

const allKinds = SYSTEMS.flatMap((s) => KINDS[s].map((k) => ({ system: s, kind: k })));

describe('load waves', () => {
  it('orders the six systems as their records link: library first, then what reads only it, then the rest', () => {
    expect(loadWaves(SYSTEMS)).toEqual([['budget'], ['oa', 'benefit', 'trading'], ['asset', 'smartcity']]);
  });

  it('keeps only the systems given, a system whose upstream is absent in the first wave', () => {
    expect(loadWaves(['smartcity', 'oa'])).toEqual([['oa'], ['smartcity']]);
    expect(loadWaves(['asset', 'smartcity'])).toEqual([['asset', 'smartcity']]);
    expect(loadWaves(['trading'])).toEqual([['trading']]);
    expect(loadWaves([])).toEqual([]);
  });

  it('tells each run of a load the systems of every earlier wave', () => {
    expect(loadPlan(['smartcity', 'budget', 'oa'])).toEqual([
      { system: 'budget', after: [] },
      { system: 'oa', after: ['budget'] },
      { system: 'smartcity', after: ['budget', 'oa'] },
    ]);
  });

  it('puts every system after the systems it links through, for any subset', () => {
    fc.assert(
      fc.property(fc.subarray([...SYSTEMS]), (systems) => {
        const waves = loadWaves(systems);
        expect(waves.flat().sort()).toEqual([...systems].sort());
        const waveOf = new Map(waves.flatMap((w, i) => w.map((s) => [s, i] as const)));
        for (const s of systems)
          for (const u of LINKS_THROUGH[s])
            if (waveOf.has(u)) expect(waveOf.get(u)!).toBeLessThan(waveOf.get(s)!);
        // Nothing waits without a reason: a system in a later wave links through one just before it.
        for (const [i, wave] of waves.entries())
          if (i > 0)
            for (const s of wave) expect(LINKS_THROUGH[s].some((u) => waves[i - 1]!.includes(u))).toBe(true);
      }),
    );
  });

  // The table is written by hand; this holds it to what the link stage reads and publishes.
  it('names, for every system, each other system whose records publish a key its records read', () => {
    const providers = new Map<string, Set<SystemId>>();
    for (const { system, kind } of allKinds)
      for (const p of providesOf(fullRecord(system, kind), 'P'))
        (providers.get(p.type) ?? providers.set(p.type, new Set()).get(p.type)!).add(system);
    for (const { system, kind } of allKinds) {
      const r = fullRecord(system, kind);
      const read = new Set<SystemId>();
      for (const ref of referencesOf(r)) for (const s of providers.get(ref.type) ?? []) read.add(s);
      // Rule 5 matches titles against the library's project names.
      if (usesTitle({ ...r, keys: { title: 'title' } } as NormalizedRecord)) read.add('budget');
      read.delete(system);
      expect([...LINKS_THROUGH[system]].sort(), `${system} ${kind}`).toEqual(
        expect.arrayContaining([...read]),
      );
    }
  });
});
