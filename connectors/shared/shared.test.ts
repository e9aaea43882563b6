import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { businessDateOrNull } from '../../src/model/time.js';
import { dateField, field, Invalid, issuesReason } from './invalid.js';
import { parseJsonObject } from './json.js';
import { queryString } from './query.js';

describe('connector helpers', () => {
  it('queryString encodes spaces as %20 and leaves out nulls', () => {
    expect(queryString({ updateTimeFrom: '2024-05-01 08:00:00', pageNo: 2, cursor: null })).toBe(
      'updateTimeFrom=2024-05-01%2008%3A00%3A00&pageNo=2',
    );
  });

  it('parseJsonObject accepts only a JSON object, and keeps __proto__ an own key', () => {
    expect(parseJsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    for (const text of ['[1]', 'null', '"x"', '<html>', ''])
      expect(parseJsonObject(Buffer.from(text))).toBeNull();
    const o = parseJsonObject(Buffer.from('{"__proto__":{"polluted":true}}'))!;
    expect(Object.hasOwn(o, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('turns conversion errors into Invalid reasons naming the field', () => {
    expect(() => dateField('signDate', '2024-02-30')).toThrow(Invalid);
    expect(() => dateField('signDate', '2024-02-30')).toThrow(/^signDate "2024-02-30": /);
    expect(dateField('signDate', null)).toBeNull();
    expect(() => field('entryDate', () => businessDateOrNull('2024-13-01'))).toThrow(/^entryDate: /);
    expect(() => field('entryDate', () => businessDateOrNull('2024-13-01'))).toThrow(Invalid);
    expect(() => field('x', () => JSON.parse('{'))).toThrow(SyntaxError);
    const err = z.object({ a: z.string() }).safeParse({ a: 1 }).error!;
    expect(issuesReason(err, 'record')).toMatch(/^a: /);
    expect(issuesReason(z.string().safeParse(1).error!, '(record)')).toMatch(/^\(record\): /);
  });
});
