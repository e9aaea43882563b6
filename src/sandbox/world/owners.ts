/**
 * Declaring units: government bureaus (USCC `11…`) shared by many projects, and enterprises
 * (USCC `91…`) that declare one or a few. Every generated USCC verifies (usccCheckChar).
 */
import { usccCheckChar } from '../../model/codes.js';
import type { Rng } from './rng.js';
import {
  BRAND_SPACE,
  COMPANY_PREFIXES,
  COMPANY_SUFFIXES,
  brandOf,
  bureauFor,
  govUnitName,
  industriesFor,
} from './names.js';

export interface Owner {
  name: string;
  uscc: string;
  unitCode: string;
  gov: boolean;
  /** Name used inside project names (company name without its legal-form suffix). */
  short: string;
  division: string;
  /** Document-number abbreviation of the unit. */
  abbr: string;
}

const USCC_CHARS = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'];
const DIGITS = [...'0123456789'];

export class OwnerBook {
  private readonly gov = new Map<string, Owner>();
  private readonly usccs = new Set<string>();
  private readonly companyNames = new Set<string>();
  readonly enterprises: Owner[] = [];
  private readonly contractors: { name: string; uscc: string }[] = [];
  private unitSerial = 300001;

  constructor(private readonly rng: Rng) {}

  /** A USCC with a valid check character, unique in the world. */
  uscc(prefix: '11' | '91', division: string): string {
    for (;;) {
      let org = prefix === '11' ? 'MB' : 'MA';
      for (let i = 0; i < 7; i++) org += this.rng.pick(prefix === '11' ? DIGITS : USCC_CHARS);
      const first17 = `${prefix}${division}${org}`;
      const code = first17 + usccCheckChar(first17);
      if (!this.usccs.has(code)) {
        this.usccs.add(code);
        return code;
      }
    }
  }

  private unitCode(): string {
    return String(this.unitSerial++);
  }

  bureau(division: string, area: number, which: number): Owner {
    const bureau = bureauFor(area, which);
    const key = `${division}|${bureau}`;
    let o = this.gov.get(key);
    if (!o) {
      const name = govUnitName(division, bureau);
      o = {
        name,
        uscc: this.uscc('11', division),
        unitCode: this.unitCode(),
        gov: true,
        short: name,
        division,
        abbr: `包${bureau.slice(0, 2)}`,
      };
      this.gov.set(key, o);
    }
    return o;
  }

  /** A new enterprise in `division` whose line of business fits key area `area`. */
  newEnterprise(division: string, area: number): Owner {
    const industries = industriesFor(area);
    for (let attempt = 0; ; attempt++) {
      const brand = brandOf(this.rng.int(0, BRAND_SPACE), this.rng.int(0, BRAND_SPACE));
      const prefix = this.rng.weighted(COMPANY_PREFIXES, [6, 2, 2]);
      const industry = this.rng.pick(industries);
      // After many collisions (huge worlds) a second brand syllable pair keeps names unique.
      const extra = attempt > 20 ? brandOf(this.rng.int(0, BRAND_SPACE), attempt) : '';
      const short = `${prefix}${brand}${extra}${industry}`;
      if (this.companyNames.has(short)) continue;
      this.companyNames.add(short);
      const o: Owner = {
        name: short + this.rng.weighted(COMPANY_SUFFIXES, [8, 2, 1]),
        uscc: this.uscc('91', division),
        unitCode: this.unitCode(),
        gov: false,
        short,
        division,
        abbr: short.replace(/^(包头市|包头|内蒙古)/, '').slice(0, 2),
      };
      this.enterprises.push(o);
      return o;
    }
  }

  /**
   * A company that is not a declaring unit (contractors, suppliers). Contractors win many
   * tenders, so an existing one is often reused; that also keeps the name space from running
   * out in very large worlds.
   */
  contractor(word: string): { name: string; uscc: string } {
    if (this.contractors.length >= 50 && this.rng.chance(0.6)) return this.rng.pick(this.contractors);
    for (let attempt = 0; ; attempt++) {
      const brand = brandOf(this.rng.int(0, BRAND_SPACE), this.rng.int(0, BRAND_SPACE));
      const prefix = this.rng.pick(['中冶', '北方', '草原', '阴山', '鹿城', '青城', '蒙西', '内蒙古']);
      const extra = attempt > 20 ? brandOf(this.rng.int(0, BRAND_SPACE), attempt) : '';
      const name = `${prefix}${brand}${extra}${word}有限公司`;
      if (this.companyNames.has(name)) continue;
      this.companyNames.add(name);
      const c = { name, uscc: this.uscc('91', this.rng.pick(['150200', '150203', '150207', '150100'])) };
      this.contractors.push(c);
      return c;
    }
  }
}
