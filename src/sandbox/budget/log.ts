/**
 * The platform's change log: one append-only list per ServiceCode, and the opaque positions in
 * it that the gateway hands out (continuation tokens within a pass, sync points between passes).
 */
import type { BudgetLogEntry, BudgetService } from '../world/types.js';

export const SERVICES: readonly BudgetService[] = [
  'XMK.QUERY',
  'ZB.QUERY',
  'ZF.QUERY',
  'JS.QUERY',
  'JX.QUERY',
];

export function isService(s: string | undefined): s is BudgetService {
  return s !== undefined && (SERVICES as readonly string[]).includes(s);
}

export class ChangeLog {
  /** Every entry in arrival order, all services together. */
  readonly all: BudgetLogEntry[];
  private readonly perService = new Map<BudgetService, BudgetLogEntry[]>(SERVICES.map((s) => [s, []]));

  constructor(entries: readonly BudgetLogEntry[]) {
    this.all = [];
    this.append(entries);
  }

  append(entries: readonly BudgetLogEntry[]): void {
    for (const e of entries) {
      this.all.push(e);
      this.perService.get(e.service)?.push(e);
    }
  }

  entries(service: BudgetService): readonly BudgetLogEntry[] {
    return this.perService.get(service)!;
  }
}

/** Next page of a running pass: from `f` (inclusive) to the pass end `t` (exclusive). */
export interface Continuation {
  f: number;
  t: number;
}

function encode(o: object): string {
  return Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
}

function decode(s: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function position(v: unknown, max: number): number | undefined {
  return Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max ? (v as number) : undefined;
}

export function encodeContinuation(service: BudgetService, c: Continuation): string {
  return encode({ k: service, f: c.f, t: c.t });
}

/** The continuation a token names, or undefined when it is garbled, foreign or beyond the log. */
export function decodeContinuation(
  token: string,
  service: BudgetService,
  logLength: number,
): Continuation | undefined {
  const o = decode(token);
  if (!o || o['k'] !== service || 's' in o) return undefined;
  const t = position(o['t'], logLength);
  const f = t === undefined ? undefined : position(o['f'], t);
  return f === undefined || t === undefined ? undefined : { f, t };
}

export function encodeSyncPoint(service: BudgetService, at: number): string {
  return encode({ k: service, s: at });
}

/** The log position a sync point names, or undefined when it is garbled, foreign or beyond the log. */
export function decodeSyncPoint(
  point: string,
  service: BudgetService,
  logLength: number,
): number | undefined {
  const o = decode(point);
  if (!o || o['k'] !== service || 'f' in o) return undefined;
  return position(o['s'], logLength);
}
