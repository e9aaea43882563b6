/**
 * Records that belong to no library project: general minutes, documents and subsidies for
 * projects the library does not hold, and subsidies whose USCC is not one (benefit.md §4).
 */
import { normalizeProjectName, normalizeText } from '../../model/text.js';
import { DAY, bjDayStart, bjYear } from './clock.js';
import { makeDisbursement } from './emit/benefit.js';
import { emitGeneralDocs, oaTitle } from './emit/oa.js';
import { ROADS, divisionName, policyItem } from './names.js';
import type { OwnerBook } from './owners.js';
import type { ProjectPlan } from './plan.js';
import type { Rng } from './rng.js';
import { INVALID, UNLINKED, type Sink } from './sink.js';

/** A project name no library name is contained in, so a title or subsidy about it matches nothing. */
function unknownName(rng: Rng, libraryNames: readonly string[]): string {
  for (;;) {
    const name = `${divisionName(rng.pick(['150202', '150203', '150204', '150207']))}${rng.pick(ROADS)}地下停车场及配套${rng.int(2, 9)}号楼新建项目`;
    const norm = normalizeText(name);
    if (!libraryNames.some((n) => norm.includes(n))) return name;
  }
}

export function emitExtras(sink: Sink, rng: Rng, book: OwnerBook, plans: readonly ProjectPlan[]): void {
  const n = plans.length;
  if (n < 40) return;
  const libraryNames = plans.map((p) => normalizeProjectName(p.name));
  const lastYear = bjYear(sink.now) - 1;
  const years: [number, number] = [lastYear - 4, lastYear];
  const unknown = Array.from({ length: 3 }, () => unknownName(rng, libraryNames));
  emitGeneralDocs(
    sink,
    rng,
    Math.max(3, Math.round(n / 60)),
    unknown.map((u) => oaTitle('可研批复', u, 0)),
    years,
  );

  const applyAt = () =>
    bjDayStart(rng.int(years[0], years[1]), rng.int(1, 12), rng.int(1, 28)) + rng.int(9, 17) * 3_600_000;
  const enterprises = plans.filter((p) => !p.owner.gov && !p.dupName);
  const subsidy = (o: number, f: Parameters<typeof makeDisbursement>[2]) => {
    const { rec, t } = makeDisbursement(sink, rng, f);
    sink.benefit(rec, o, t);
    return rec;
  };
  // Subsidies for projects not in the library: a new enterprise, and a known one with an unknown project.
  for (let k = 0; k < Math.max(3, Math.round(n / 400)); k++) {
    const known =
      k % 2 === 1 && enterprises.length > 0 ? rng.pick(enterprises).owner : book.newEnterprise('150207', 19);
    const rec = subsidy(UNLINKED, {
      enterpriseName: known.name,
      enterpriseUscc: known.uscc,
      policy: policyItem(19, 0),
      projectName: unknown[k % unknown.length]!.replace(/^.{3}/, known.short),
      districtCode: known.division,
      approvedFen: rng.int(50, 2000) * 10_000,
      applyAt: applyAt(),
    });
    sink.link(
      'no-match',
      { system: 'benefit', kind: 'subsidy', sourceId: rec.applicationId },
      null,
      'no-match',
      true,
    );
  }
  // USCCs as applicants type them: a pre-2015 registration number, or a wrong check character.
  for (let k = 0; k < Math.max(2, Math.round(n / 300)) && enterprises.length > 0; k++) {
    const p = rng.pick(enterprises);
    const wrongCheck = k % 2 === 1;
    const uscc = wrongCheck
      ? p.owner.uscc.slice(0, 17) + (p.owner.uscc[17] === '0' ? '1' : '0')
      : `150${String(rng.int(100_000_000, 999_999_999))}${rng.int(100, 999)}`;
    const rec = subsidy(wrongCheck ? UNLINKED : INVALID, {
      enterpriseName: p.owner.name,
      enterpriseUscc: uscc,
      policy: p.policy,
      projectName: p.name,
      districtCode: p.division,
      approvedFen: rng.int(20, 500) * 10_000,
      applyAt: Math.min(sink.now - 30 * DAY, p.dates[0]! + rng.int(30, 200) * DAY),
    });
    if (wrongCheck) {
      sink.link(
        'no-match',
        { system: 'benefit', kind: 'subsidy', sourceId: rec.applicationId },
        null,
        'no-match',
        true,
      );
    }
  }
}
