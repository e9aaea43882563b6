import type { LinkedBy } from '../../src/model/project.js';
import type { NormalizedRecord } from '../../src/model/record.js';
import type { IndexType } from '../../src/ledger/keys.js';

/** A key a record looks up (refers to) or publishes (provides) in the link indexes. */
export interface KeyRef {
  type: IndexType;
  value: string;
}
export const refKey = (k: KeyRef) => `${k.type}:${k.value}`;

export type UnlinkedReason = 'no-match' | 'ambiguous' | 'anchor-missing';

export type LinkDecision =
  | { projectKey: string; linkedBy: LinkedBy }
  | { projectKey: null; reason: UnlinkedReason; candidates: string[] };

/** What the decision needs, gathered by the worker: index lookups and manual links. */
export interface LinkInputs {
  /** `type:value` → distinct project keys (for `inv`: the budget codes of the library entries). */
  lookups: ReadonlyMap<string, readonly string[]>;
  /** A manual link for this record (POST /links), if any. */
  manual: string | null;
  /** Rule 5: candidates whose normalized name the title contains (longest-match applied). */
  titleMatches: (title: string) => string[];
}

const ownAndName = (uscc: string, name: string) => `${uscc}|${name}`;

/** Keys whose index entries the link decision reads. Subscribing to them is what re-links a record later. */
export function referencesOf(r: NormalizedRecord): KeyRef[] {
  const k = r.keys;
  const refs: KeyRef[] = [];
  if (r.kind === 'project') {
    if (k.investmentCode) refs.push({ type: 'inv', value: k.investmentCode });
    return refs;
  }
  if (k.budgetCode) refs.push({ type: 'bc', value: k.budgetCode });
  if (k.investmentCode) refs.push({ type: 'inv', value: k.investmentCode });
  if ((r.kind === 'award' || r.kind === 'contract') && k.sectionCode)
    refs.push({ type: 'sec', value: k.sectionCode });
  if (r.kind === 'assetCard' && k.contractNo) refs.push({ type: 'ctr', value: k.contractNo });
  if (r.kind === 'site' && k.permitNo) refs.push({ type: 'permit', value: k.permitNo });
  if ((r.kind === 'progress' || r.kind === 'snapshot' || r.kind === 'dustAlert') && k.siteId)
    refs.push({ type: 'site', value: k.siteId });
  if (r.kind === 'subsidy' && k.uscc && k.name) refs.push({ type: 'own', value: ownAndName(k.uscc, k.name) });
  return refs;
}

/**
 * Keys this record publishes for others to link through, with the value it publishes: the
 * project it is linked to (a tender publishes its section → its project). A library entry
 * publishes its investment code with its own budget code, so that entries sharing a code find
 * each other whatever their order.
 */
export function providesOf(
  r: NormalizedRecord,
  projectKey: string | null,
): Array<KeyRef & { target: string }> {
  const k = r.keys;
  const out: Array<KeyRef & { target: string }> = [];
  if (r.kind === 'project') {
    if (k.investmentCode) out.push({ type: 'inv', value: k.investmentCode, target: r.sourceId });
    if (projectKey) {
      out.push({ type: 'bc', value: r.sourceId, target: projectKey });
      if (k.uscc && k.name) out.push({ type: 'own', value: ownAndName(k.uscc, k.name), target: projectKey });
    }
    return out;
  }
  if (!projectKey) return out;
  if (r.kind === 'tender' && k.sectionCode)
    out.push({ type: 'sec', value: k.sectionCode, target: projectKey });
  if (r.kind === 'contract' && k.contractNo)
    out.push({ type: 'ctr', value: k.contractNo, target: projectKey });
  if (r.kind === 'document' && r.data.docType === 'constructionPermit' && k.permitNo)
    out.push({ type: 'permit', value: k.permitNo, target: projectKey });
  if (r.kind === 'site') out.push({ type: 'site', value: r.sourceId, target: projectKey });
  return out;
}

/** Whether the record is linked by title (rule 5) and so must be re-examined when names change. */
export function usesTitle(r: NormalizedRecord): boolean {
  return r.kind === 'document' && !r.keys.investmentCode && !r.keys.budgetCode && !!r.keys.title;
}

function one(keys: readonly string[] | undefined): string | null | 'many' {
  if (!keys || keys.length === 0) return null;
  return keys.length === 1 ? keys[0]! : 'many';
}

/**
 * Linking rules 1–5 of ledger.md §2, in order: the first rule that gives exactly one project
 * wins. Pure: everything it needs is in `inputs`.
 */
export function decideLink(r: NormalizedRecord, inputs: LinkInputs): LinkDecision {
  const k = r.keys;
  const look = (type: IndexType, value: string) => inputs.lookups.get(`${type}:${value}`);

  // A library entry anchors itself; entries sharing an investment code are one project whose
  // key is the smallest budget code.
  if (r.kind === 'project') {
    const group = new Set([r.sourceId, ...(k.investmentCode ? (look('inv', k.investmentCode) ?? []) : [])]);
    return { projectKey: [...group].sort()[0]!, linkedBy: 'budgetCode' };
  }

  let awaited = false;
  // Rule 1: a budget project code.
  if (k.budgetCode) {
    const p = one(look('bc', k.budgetCode));
    if (p && p !== 'many') return { projectKey: p, linkedBy: 'budgetCode' };
    awaited = true;
  }
  // Manual links override rules 2–5.
  if (inputs.manual) return { projectKey: inputs.manual, linkedBy: 'manual' };
  // Rule 2: an investment code → the project whose library entry has it.
  if (k.investmentCode) {
    const entries = look('inv', k.investmentCode);
    if (entries && entries.length > 0)
      return { projectKey: [...entries].sort()[0]!, linkedBy: 'investmentCode' };
    awaited = true;
  }
  // Rule 3: transitive keys.
  const transitive = referencesOf(r).filter(
    (x) => x.type === 'sec' || x.type === 'ctr' || x.type === 'permit' || x.type === 'site',
  );
  for (const ref of transitive) {
    const keys = look(ref.type, ref.value);
    const p = one(keys);
    if (p === 'many') return { projectKey: null, reason: 'ambiguous', candidates: [...keys!].sort() };
    if (p) return { projectKey: p, linkedBy: 'transitive' };
    awaited = true;
  }
  // Rule 4: subsidies by owner USCC and normalized name.
  if (r.kind === 'subsidy') {
    if (k.uscc && k.name) {
      const keys = look('own', ownAndName(k.uscc, k.name));
      const p = one(keys);
      if (p === 'many') return { projectKey: null, reason: 'ambiguous', candidates: [...keys!].sort() };
      if (p) return { projectKey: p, linkedBy: 'ownerAndName' };
    }
    return { projectKey: null, reason: 'no-match', candidates: [] };
  }
  // Rule 5: OA documents without any code, by title.
  if (usesTitle(r)) {
    const c = inputs.titleMatches(k.title!);
    if (c.length === 1) return { projectKey: c[0]!, linkedBy: 'title' };
    if (c.length > 1) return { projectKey: null, reason: 'ambiguous', candidates: [...c].sort() };
  }
  return { projectKey: null, reason: awaited ? 'anchor-missing' : 'no-match', candidates: [] };
}

/** Names shorter than this never match a title (too likely to occur by chance). */
const MIN_NAME = 4;

/**
 * Rule 5's matcher over the library's names: names contained in the title; a name contained in
 * another matching name loses to it (longest match wins). Names are indexed by their first
 * MIN_NAME characters, so a title is matched by looking up each of its positions instead of
 * testing every name in the ledger (100,000 of them in a province). The index is kept up to date
 * one entry at a time (`set`): during an initial load names change every few link jobs, and
 * rebuilding from all names on each change made linking quadratic in the number of projects.
 *
 * Every link worker holds it, and it grows with the ledger: a name's library entries and their
 * project keys are one string (ENTRIES), not a Map per name, which took 390 B per name (37 MB of
 * live heap at 100,000 projects, and V8 grows its heap to a multiple of what is live), and the
 * strings it keeps are flat copies of their own (`flat`).
 */
export class TitleIndex {
  private readonly byGram = new Map<string, Set<string>>();
  /** name → its library entries with their project keys, encoded as ENTRIES describes. */
  private readonly byName = new Map<string, string>();

  /** Sets (or with `projectKey` null, removes) one library entry's name. */
  set(name: string, entry: string, projectKey: string | null): void {
    name = flat(name);
    const held = this.byName.get(name);
    const kept = held === undefined ? [] : held.split(RS).filter((e) => entryOf(e) !== entry);
    if (projectKey !== null) kept.push(projectKey === entry ? entry : `${entry}${US}${projectKey}`);
    if (kept.length > 0) {
      this.byName.set(name, flat(kept.join(RS)));
      if (held === undefined && name.length >= MIN_NAME) {
        const gram = name.slice(0, MIN_NAME);
        (this.byGram.get(gram) ?? this.byGram.set(gram, new Set()).get(gram)!).add(name);
      }
    } else if (held !== undefined) {
      this.byName.delete(name);
      const gram = this.byGram.get(name.slice(0, MIN_NAME));
      gram?.delete(name);
      if (gram?.size === 0) this.byGram.delete(name.slice(0, MIN_NAME));
    }
  }

  match(title: string): string[] {
    const hits = new Set<string>();
    for (let i = 0; i + MIN_NAME <= title.length; i++) {
      for (const name of this.byGram.get(title.slice(i, i + MIN_NAME)) ?? [])
        if (title.startsWith(name, i)) hits.add(name);
    }
    const all = [...hits];
    const maximal = all.filter((h) => !all.some((o) => o !== h && o.length > h.length && o.includes(h)));
    return [...new Set(maximal.flatMap((n) => (this.byName.get(n)?.split(RS) ?? []).map(keyOf)))].sort();
  }
}

/**
 * ENTRIES: a name's library entries joined by RS, each `<entry>` when it is its own project key
 * (the usual case) or `<entry>US<project key>`. Neither separator occurs in entries or keys: the
 * names hash in Redis already joins name and entry with US (LedgerStore.setName).
 */
const US = '\x1f';
const RS = '\x1e';
const entryOf = (e: string) => {
  const i = e.indexOf(US);
  return i < 0 ? e : e.slice(0, i);
};
const keyOf = (e: string) => e.slice(e.indexOf(US) + 1);
/**
 * A copy of `s` that is one flat string of its own. Names and entries arrive as slices of the
 * names hash's `<name>US<entry>` fields (LedgerStore.namesSnapshot) or as concatenations, and V8
 * keeps a slice's whole parent alive: at 50,000 projects those parents and cons pieces were most
 * of the 19 MB the worker's heap held over a 5,000-project one. Latin-1 text stays one byte per
 * character; other text is copied code unit by code unit (a lone surrogate survives).
 */
export function flat(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\xff]/.test(s)
    ? Buffer.from(s, 'utf16le').toString('utf16le')
    : Buffer.from(s, 'latin1').toString('latin1');
}

/** rule 5 over `name → project keys` (each key standing for an entry of its own). */
export function matchTitle(title: string, names: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new TitleIndex();
  for (const [name, keys] of names) for (const k of keys) index.set(name, k, k);
  return index.match(title);
}
