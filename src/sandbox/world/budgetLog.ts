/**
 * The budget change log as the regional replication delivers it (budget.md §3): in time order,
 * but some records delivered twice with the same BBH, and some older versions delivered after
 * newer ones.
 */
import type { Rng } from './rng.js';
import type { Item } from './sink.js';
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

function byTime(a: Item<BudgetLogEntry>, b: Item<BudgetLogEntry>): number {
  return a.t - b.t;
}

export function orderBudgetLog(items: Item<BudgetLogEntry>[], rng: Rng, now: number, rate: number): void {
  items.sort(byTime);
  const previous = new Map<string, Item<BudgetLogEntry>>();
  const copies: Item<BudgetLogEntry>[] = [];
  const latest = now - MINUTE;
  for (const it of items) {
    const key = budgetKey(it.rec);
    const prev = previous.get(key);
    // An older version that reaches us only after the newer one.
    if (prev && rng.chance(rate) && prev.t <= it.t) prev.t = Math.min(latest, it.t + rng.int(1, 72) * HOUR);
    previous.set(key, it);
    if (rng.chance(rate)) {
      copies.push({
        rec: { service: it.rec.service, fields: { ...it.rec.fields } },
        owner: it.owner,
        t: Math.min(latest, it.t + rng.int(1, 240) * HOUR),
        tie: '',
      });
    }
  }
  for (const c of copies) items.push(c);
  items.sort(byTime);
}
