/**
 * The budget change log as the regional replication delivers it (budget.md §3): in time order,
 * but some records delivered twice with the same BBH, and some older versions delivered after
 * newer ones.
 */
import type { Rng } from './rng.js';
import type { Log } from './sink.js';
import type { BudgetLogEntry } from './types.js';
import { HOUR, MINUTE } from './clock.js';

const KEY_FIELD: Record<string, string> = {
  'XMK.QUERY': 'XMDM',
  'ZB.QUERY': 'ZBBH',
  'ZF.QUERY': 'ZFPZH',
  'JS.QUERY': 'JSBH',
  'JX.QUERY': 'PJBH',
};

export function budgetKey(e: BudgetLogEntry): string {
  return `${e.service}|${e.fields[KEY_FIELD[e.service]!]}`;
}

/**
 * A map keyed by budget record identity (service + its key field), like one keyed by
 * `budgetKey` but without building a key string per entry: large worlds have a million
 * entries, and the key of each is read by name rather than through a computed property.
 */
export class BudgetMap<V> {
  private readonly maps = new Map<string, Map<string | undefined, V>>();

  get(e: BudgetLogEntry): V | undefined {
    return this.maps.get(e.service)?.get(idOf(e));
  }

  set(e: BudgetLogEntry, value: V): void {
    let ids = this.maps.get(e.service);
    if (!ids) {
      ids = new Map();
      this.maps.set(e.service, ids);
    }
    ids.set(idOf(e), value);
  }

  /** Values per service (services in first-set order), each in first-set order of its key. */
  values(): V[] {
    const out: V[] = [];
    for (const ids of this.maps.values()) for (const v of ids.values()) out.push(v);
    return out;
  }
}

function idOf(e: BudgetLogEntry): string | undefined {
  const f = e.fields;
  switch (e.service) {
    case 'XMK.QUERY':
      return f.XMDM;
    case 'ZB.QUERY':
      return f.ZBBH;
    case 'ZF.QUERY':
      return f.ZFPZH;
    case 'JS.QUERY':
      return f.JSBH;
    case 'JX.QUERY':
      return f.PJBH;
  }
  return f[KEY_FIELD[e.service]!];
}

/**
 * Puts the log in delivery order: by time (stable), with some older versions moved after
 * newer ones and some entries delivered a second time.
 */
export function orderBudgetLog(log: Log<BudgetLogEntry>, rng: Rng, now: number, rate: number): void {
  const byTime = (a: number, b: number) => log.times[a]! - log.times[b]!;
  log.sort(byTime);
  const { recs, owners, times } = log;
  const n = recs.length;
  const previous = new BudgetMap<number>();
  const latest = now - MINUTE;
  for (let i = 0; i < n; i++) {
    const rec = recs[i]!;
    const prev = previous.get(rec);
    // An older version that reaches us only after the newer one.
    if (prev !== undefined && rng.chance(rate) && times[prev]! <= times[i]!)
      times[prev] = Math.min(latest, times[i]! + rng.int(1, 72) * HOUR);
    previous.set(rec, i);
    if (rng.chance(rate)) {
      const copy = { service: rec.service, fields: { ...rec.fields } };
      log.push(copy, owners[i]!, Math.min(latest, times[i]! + rng.int(1, 240) * HOUR), '');
    }
  }
  log.sort(byTime);
}
