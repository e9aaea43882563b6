import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../../src/model/record.js';
import {
  decideLink,
  flat,
  matchTitle,
  providesOf,
  referencesOf,
  TitleIndex,
  usesTitle,
  type LinkInputs,
} from './link.js';

const base = { version: '1', order: 1, state: 'active' as const, sourceTime: null, warnings: [] };
const inputs = (lookups: Record<string, string[]>, extra: Partial<LinkInputs> = {}): LinkInputs => ({
  lookups: new Map(Object.entries(lookups)),
  manual: null,
  titleMatches: () => [],
  ...extra,
});
const rec = (
  kind: string,
  keys: NormalizedRecord['keys'],
  system = 'trading',
  data: unknown = {},
): NormalizedRecord => ({ ...base, system, kind, sourceId: `${kind}-1`, keys, data }) as NormalizedRecord;

describe('linking rules in order', () => {
  it('rule 1: a budget code wins over everything, even a manual link', () => {
    const r = rec('payment', { budgetCode: 'B1' }, 'budget');
    expect(decideLink(r, inputs({ 'bc:B1': ['P1'] }, { manual: 'P9' }))).toEqual({
      projectKey: 'P1',
      linkedBy: 'budgetCode',
    });
  });
  it('a budget code whose project is missing waits as anchor-missing', () => {
    expect(decideLink(rec('payment', { budgetCode: 'B1' }, 'budget'), inputs({}))).toMatchObject({
      projectKey: null,
      reason: 'anchor-missing',
    });
  });
  it('manual links override rules 2–5', () => {
    const r = rec('tender', { investmentCode: 'I1', sectionCode: 'S1' });
    expect(decideLink(r, inputs({ 'inv:I1': ['P1'] }, { manual: 'P9' }))).toEqual({
      projectKey: 'P9',
      linkedBy: 'manual',
    });
  });
  it('rule 2: an investment code → the smallest budget code of the entries that carry it', () => {
    const r = rec('tender', { investmentCode: 'I1', sectionCode: 'S1' });
    expect(decideLink(r, inputs({ 'inv:I1': ['B2', 'B1'] }))).toEqual({
      projectKey: 'B1',
      linkedBy: 'investmentCode',
    });
  });
  it('rule 3: award → section of its tender; asset → contract; site → permit; events → site', () => {
    expect(decideLink(rec('award', { sectionCode: 'S1' }), inputs({ 'sec:S1': ['P1'] }))).toEqual({
      projectKey: 'P1',
      linkedBy: 'transitive',
    });
    expect(decideLink(rec('assetCard', { contractNo: 'C1' }, 'asset'), inputs({ 'ctr:C1': ['P2'] }))).toEqual(
      { projectKey: 'P2', linkedBy: 'transitive' },
    );
    expect(
      decideLink(rec('site', { siteId: 'X', permitNo: 'N1' }, 'smartcity'), inputs({ 'permit:N1': ['P3'] })),
    ).toEqual({ projectKey: 'P3', linkedBy: 'transitive' });
    expect(decideLink(rec('progress', { siteId: 'X' }, 'smartcity'), inputs({ 'site:X': ['P4'] }))).toEqual({
      projectKey: 'P4',
      linkedBy: 'transitive',
    });
    expect(decideLink(rec('award', { sectionCode: 'S1' }), inputs({}))).toMatchObject({
      projectKey: null,
      reason: 'anchor-missing',
    });
  });
  it('rule 2 before rule 3: an asset card with its own investment code', () => {
    const r = rec('assetCard', { contractNo: 'C1', investmentCode: 'I1' }, 'asset');
    expect(decideLink(r, inputs({ 'inv:I1': ['P1'], 'ctr:C1': ['P2'] }))).toEqual({
      projectKey: 'P1',
      linkedBy: 'investmentCode',
    });
  });
  it('rule 4: subsidies by USCC and name; two projects → ambiguous with candidates', () => {
    const r = rec('subsidy', { uscc: 'U', name: 'N' }, 'benefit');
    expect(decideLink(r, inputs({ 'own:U|N': ['P1'] }))).toEqual({
      projectKey: 'P1',
      linkedBy: 'ownerAndName',
    });
    expect(decideLink(r, inputs({ 'own:U|N': ['P2', 'P1'] }))).toEqual({
      projectKey: null,
      reason: 'ambiguous',
      candidates: ['P1', 'P2'],
    });
    expect(decideLink(r, inputs({}))).toMatchObject({ projectKey: null, reason: 'no-match' });
  });
  it('rule 5: OA documents without codes by title; not for documents with a code', () => {
    const r = rec('document', { title: 'T' }, 'oa', { docType: 'minutes' });
    expect(usesTitle(r)).toBe(true);
    expect(decideLink(r, inputs({}, { titleMatches: () => ['P1'] }))).toEqual({
      projectKey: 'P1',
      linkedBy: 'title',
    });
    expect(decideLink(r, inputs({}, { titleMatches: () => ['P1', 'P2'] }))).toMatchObject({
      reason: 'ambiguous',
    });
    expect(
      usesTitle(rec('document', { title: 'T', investmentCode: 'I' }, 'oa', { docType: 'minutes' })),
    ).toBe(false);
  });
  it('a library entry anchors itself; entries sharing a code are one project under the smallest key', () => {
    const e = {
      ...rec('project', { budgetCode: 'B2', investmentCode: 'I1' }, 'budget'),
      sourceId: 'B2',
    } as NormalizedRecord;
    expect(decideLink(e, inputs({ 'inv:I1': ['B1', 'B2'] }))).toEqual({
      projectKey: 'B1',
      linkedBy: 'budgetCode',
    });
    expect(decideLink(e, inputs({}))).toEqual({ projectKey: 'B2', linkedBy: 'budgetCode' });
    expect(referencesOf(e)).toEqual([{ type: 'inv', value: 'I1' }]);
    expect(providesOf(e, 'B1').map((p) => `${p.type}:${p.value}>${p.target}`)).toEqual([
      'inv:I1>B2',
      'bc:B2>B1',
    ]);
  });
  it('providers publish their keys only once linked', () => {
    const t = rec('tender', { sectionCode: 'S1', investmentCode: 'I1' });
    expect(providesOf(t, null)).toEqual([]);
    expect(providesOf(t, 'P1')).toEqual([{ type: 'sec', value: 'S1', target: 'P1' }]);
    const permit = rec('document', { permitNo: 'N1' }, 'oa', { docType: 'constructionPermit' });
    expect(providesOf(permit, 'P1')).toEqual([{ type: 'permit', value: 'N1', target: 'P1' }]);
  });
});

describe('title matching', () => {
  const names = new Map([
    ['钢铁大街综合管廊建设项目', ['P1']],
    ['钢铁大街综合管廊建设项目二期', ['P2']],
    ['阿尔丁大街改造', ['P3']],
  ]);
  it('the longest contained name wins', () => {
    expect(matchTitle('关于钢铁大街综合管廊建设项目二期立项的批复', names)).toEqual(['P2']);
    expect(matchTitle('关于钢铁大街综合管廊建设项目立项的批复', names)).toEqual(['P1']);
  });
  it('two unrelated names are ambiguous; none is no match', () => {
    expect(matchTitle('钢铁大街综合管廊建设项目与阿尔丁大街改造推进会', names)).toEqual(['P1', 'P3']);
    expect(matchTitle('市政府第12次常务会议纪要', names)).toEqual([]);
  });
});

describe('title index', () => {
  /** The definition rule 5 states, checked name by name. */
  const naive = (title: string, names: ReadonlyMap<string, readonly string[]>): string[] => {
    const hits = [...names.keys()].filter((n) => n.length >= 4 && title.includes(n));
    const maximal = hits.filter((h) => !hits.some((o) => o !== h && o.length > h.length && o.includes(h)));
    return [...new Set(maximal.flatMap((n) => names.get(n) ?? []))].sort();
  };

  it('finds exactly the names the definition finds, for any names and titles', () => {
    // A small alphabet makes overlaps, repeats and nested names common.
    const text = (min: number, max: number) =>
      fc
        .array(fc.constantFrom('管', '廊', '大', '街', '项', '目', 'A', '1'), {
          minLength: min,
          maxLength: max,
        })
        .map((a) => a.join(''));
    fc.assert(
      fc.property(
        // Entries set, rename and drop their names one change at a time, as the log applies them
        // (a new project key under the same name comes without a removal first). Entry P1 is
        // sometimes its own project key, as a library entry usually is.
        fc.array(
          fc.tuple(
            fc.constantFrom('e1', 'e2', 'e3', 'P1'),
            fc.option(fc.tuple(text(1, 8), fc.constantFrom('P1', 'P2', 'P3'))),
          ),
          { maxLength: 16 },
        ),
        fc.array(text(0, 24), { minLength: 1, maxLength: 5 }),
        (changes, titles) => {
          const index = new TitleIndex();
          const current = new Map<string, [string, string]>();
          for (const [entry, next] of changes) {
            const prev = current.get(entry);
            if (prev && prev[0] !== next?.[0]) index.set(prev[0], entry, null);
            if (next) index.set(next[0], entry, next[1]);
            if (next) current.set(entry, next);
            else current.delete(entry);
          }
          const names = new Map<string, string[]>();
          for (const [n, k] of current.values())
            names.set(n, [...new Set([...(names.get(n) ?? []), k])].sort());
          for (const t of titles) expect(index.match(t)).toEqual(naive(t, names));
          // Random titles rarely contain a name: every name also gets a title that does.
          for (const [i, n] of [...names.keys()].entries()) {
            const t = `${titles[i % titles.length]!}${n}的批复`;
            expect(index.match(t)).toEqual(naive(t, names));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('copies names and entries exactly, whatever their characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(flat(s)).toBe(s);
      }),
      { numRuns: 500 },
    );
    expect(flat('管廊\ud800A')).toBe('管廊\ud800A');
  });

  it('holds its own copies, not the strings its names and entries were sliced from', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Each name and entry a slice of a 64 KB field, as names arrive from the names hash (but
    // larger). V8 slices strings of 13 characters or more instead of copying them.
    const filler = 'x'.repeat(64 * 1024);
    const fields = Array.from(
      { length: 200 },
      (_, i) => `某某区第${i}号地下综合管廊建设工程\x1f2024${String(i).padStart(10, '0')}\x1f${filler}${i}`,
    );
    gc();
    const before = process.memoryUsage().heapUsed;
    const index = new TitleIndex();
    for (const f of fields) {
      const a = f.indexOf('\x1f');
      const b = f.indexOf('\x1f', a + 1);
      index.set(f.slice(0, a), f.slice(a + 1, b), f.slice(a + 1, b));
    }
    fields.length = 0;
    gc();
    // Holding the fields would be 200 × 64 K two-byte characters, about 26 MB.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(2 * 1024 * 1024);
    expect(index.match('关于某某区第17号地下综合管廊建设工程的批复')).toEqual(['20240000000017']);
  });
});
