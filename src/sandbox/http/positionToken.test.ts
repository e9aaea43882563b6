import { describe, expect, it } from 'vitest';
import { PositionToken } from './positionToken.js';

const byNumber = new PositionToken('s', (v): v is number => Number.isSafeInteger(v));
const byType = new PositionToken('y', (v): v is 'a' | 'b' => v === 'a' || v === 'b');

describe('PositionToken', () => {
  it('round-trips a position and keeps the query under its own name in the token text', () => {
    const token = byNumber.encode({ q: 1700000000000, u: 1700000000123, k: 'ZC1' });
    expect(Buffer.from(token, 'base64url').toString('utf8')).toBe(
      '{"s":1700000000000,"u":1700000000123,"k":"ZC1"}',
    );
    expect(byNumber.decode(token)).toEqual({ q: 1700000000000, u: 1700000000123, k: 'ZC1' });
    expect(byType.decode(byType.encode({ q: 'b', u: 5, k: 'n-1' }))).toEqual({ q: 'b', u: 5, k: 'n-1' });
  });

  it('refuses text it did not issue', () => {
    const json = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(byType.decode(json({ y: 'c', u: 5, k: 'n-1' }))).toBeUndefined();
    expect(byType.decode(byNumber.encode({ q: 1, u: 5, k: 'n-1' }))).toBeUndefined();
    expect(byNumber.decode(json({ s: 1, u: 1.5, k: 'x' }))).toBeUndefined();
    expect(byNumber.decode(json({ s: 1, u: 1, k: '' }))).toBeUndefined();
    expect(byNumber.decode(json([1, 2, 3]))).toBeUndefined();
    expect(byNumber.decode('not+base64url=')).toBeUndefined();
    expect(byNumber.decode(Buffer.from('{broken').toString('base64url'))).toBeUndefined();
  });
});
