import { describe, expect, it } from 'vitest';
import { pathParam, splitUrl } from './requestTarget.js';

describe('request target', () => {
  it('pathParam takes exactly one decoded segment below the collection', () => {
    expect(pathParam('/cards/ZC%201', '/cards')).toBe('ZC 1');
    expect(pathParam('/cards', '/cards')).toBeUndefined();
    expect(pathParam('/cards/', '/cards')).toBeUndefined();
    expect(pathParam('/cards/a/b', '/cards')).toBeUndefined();
    expect(pathParam('/cardsX/a', '/cards')).toBeUndefined();
    expect(pathParam('/cards/%E0%A4%A', '/cards')).toBeUndefined();
  });

  it('splitUrl keeps the path exactly as sent', () => {
    expect(splitUrl('/a/../b%2f?x=1&y')).toEqual({ path: '/a/../b%2f', query: 'x=1&y' });
    expect(splitUrl(undefined)).toEqual({ path: '/', query: '' });
  });
});
