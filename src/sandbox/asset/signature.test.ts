import { describe, expect, it } from 'vitest';
import { NonceWindow } from './nonces.js';
import { canonicalQuery, EMPTY_BODY_HASH, rfc3986, sign, stringToSign } from './signature.js';

describe('asset request signature (asset.md §1)', () => {
  const example = {
    method: 'GET',
    path: '/asset/open/v1/asset-cards',
    rawQuery: 'updatedSince=1714521600000&limit=100',
    appKey: 'ak-ledger-hub-01',
    timestamp: '1727740800123',
    nonce: 'n4Kq9ZpX2v7RtY0w',
    body: Buffer.alloc(0),
  };

  it('reproduces the worked example of the document', () => {
    expect(stringToSign(example)).toBe(
      [
        'GET',
        '/asset/open/v1/asset-cards',
        'limit=100&updatedSince=1714521600000',
        'ak-ledger-hub-01',
        '1727740800123',
        'n4Kq9ZpX2v7RtY0w',
        EMPTY_BODY_HASH,
      ].join('\n'),
    );
    expect(sign('example-secret', example)).toBe('39IDl6JN+2Kvp1nk2XQlGuL+4XvZxMvH1EZROsZWt60=');
  });

  it('encodes with RFC 3986 and upper-case hex, decoding the query first', () => {
    expect(rfc3986("a b*c!'()~._-")).toBe('a%20b%2Ac%21%27%28%29~._-');
    expect(rfc3986('资')).toBe('%E8%B5%84');
    expect(canonicalQuery('b=%7e&a=2&a=10&c=x%20y')).toBe('a=10&a=2&b=~&c=x%20y');
    expect(canonicalQuery('')).toBe('');
  });

  it('keeps an empty CanonicalQuery line when there is no query', () => {
    expect(stringToSign({ ...example, rawQuery: '' }).split('\n')).toHaveLength(7);
    expect(stringToSign({ ...example, rawQuery: '' }).split('\n')[2]).toBe('');
  });
});

describe('NonceWindow', () => {
  it('forgets a nonce after the window and never holds more than its cap', () => {
    const w = new NonceWindow(1000, 3);
    w.remember('k', 'n1', 0);
    expect(w.has('k', 'n1', 999)).toBe(true);
    expect(w.has('k', 'n1', 1000)).toBe(false);
    expect(w.has('other', 'n1', 0)).toBe(false);
    for (const n of ['a', 'b', 'c', 'd']) w.remember('k', n, 2000);
    expect(w.size).toBe(3);
    expect(w.has('k', 'a', 2000)).toBe(false);
    expect(w.has('k', 'd', 2000)).toBe(true);
  });
});
