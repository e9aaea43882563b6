import { describe, expect, it } from 'vitest';
import { Log, finish } from './sink.js';

describe('finish', () => {
  it('orders by time, then tie-breaker, keeping emission order for full ties, owners aligned', () => {
    const log = new Log<string>();
    const rows: Array<[string, number, number, string]> = [
      ['c', 3, 20, 'b'],
      ['a', 1, 10, 'z'],
      ['d', 4, 20, 'a'],
      ['e', 5, 20, 'b'],
      ['b', 2, 10, 'z'],
    ];
    for (const [rec, owner, t, tie] of rows) log.push(rec, owner, t, tie);
    const { data, owners } = finish(log);
    expect(data).toEqual(['a', 'b', 'd', 'c', 'e']);
    expect(owners).toEqual([1, 2, 4, 3, 5]);
  });

  it('keeps emission order when asked not to sort', () => {
    const log = new Log<string>();
    log.push('late', 0, 9, '');
    log.push('early', 1, 1, '');
    expect(finish(log, false)).toEqual({ data: ['late', 'early'], owners: [0, 1] });
  });
});
