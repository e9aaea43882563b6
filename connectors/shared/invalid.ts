/**
 * How a normalizer turns a raw record it cannot map into a quarantine reason: a check deep in
 * the mapping throws `Invalid`, the normalizer catches it once at the top and quarantines the
 * record with its message.
 */
import type { z } from 'zod';
import { MoneyError } from '../../src/model/money.js';
import { businessDateOrNull, DateError } from '../../src/model/time.js';

/** A field that makes the record invalid; its message is the quarantine reason. */
export class Invalid extends Error {}

/** zod issues as one quarantine reason, `path: message; …`; `whole` stands for the record itself. */
export function issuesReason(error: z.ZodError, whole: string): string {
  return error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}

/** Runs a money or date conversion of field `name`; its error becomes Invalid, named after the field. */
export function field<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MoneyError || e instanceof DateError) throw new Invalid(`${name}: ${e.message}`);
    throw e;
  }
}

/** A business date or null; an unreadable one is Invalid, quoting the field and its value. */
export function dateField(name: string, value: string | null | undefined): string | null {
  try {
    return businessDateOrNull(value);
  } catch (e) {
    if (e instanceof DateError) throw new Invalid(`${name} ${JSON.stringify(value)}: ${e.why}`);
    throw e;
  }
}
