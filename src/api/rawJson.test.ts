import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawJson } from './rawJson.js';

describe('RawJson.extend', () => {
  it('gives exactly what serializing {...object, ...extra} gives, for members the object lacks', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => !k.startsWith('x_')),
          fc.jsonValue(),
        ),
        fc.dictionary(
          fc.string().map((k) => `x_${k}`),
          fc.jsonValue(),
        ),
        (object, extra) => {
          const bytes = Buffer.from(JSON.stringify(object), 'utf8');
          const out = RawJson.extend(bytes, extra).bytes.toString('utf8');
          expect(out).toBe(JSON.stringify({ ...object, ...extra }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps multi-byte text intact and handles whitespace around an empty object', () => {
    const doc = Buffer.from('{"name":"钢铁大街综合管廊"}', 'utf8');
    expect(JSON.parse(RawJson.extend(doc, { version: 3 }).bytes.toString('utf8'))).toEqual({
      name: '钢铁大街综合管廊',
      version: 3,
    });
    expect(RawJson.extend(Buffer.from('{ \n}'), { a: 1 }).bytes.toString()).toBe('{ \n"a":1}');
    expect(RawJson.extend(Buffer.from('{"a":1}'), { b: undefined }).bytes.toString()).toBe('{"a":1}');
    expect(() => RawJson.extend(Buffer.from('[1]'), { a: 1 })).toThrow(/not a JSON object/);
  });
});
