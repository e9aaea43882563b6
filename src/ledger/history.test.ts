import { describe, expect, it } from 'vitest';
import { pack } from './packing.js';
import { parseHistoryItem } from './store.js';

describe('history elements', () => {
  const entry = { records: [{ system: 'budget', sourceId: 'ZB1' }] };
  const doc = { projectKey: '150203202304000517', name: '综合管廊' };

  it('reads the compressed form commitProject-8.lua writes', () => {
    const body = pack(JSON.stringify({ entry, doc }), 'plain');
    const item = Buffer.concat([Buffer.from('12\n2026-11-24T01:02:03Z\n'), body]);
    expect(body.includes(Buffer.from('综合管廊'))).toBe(false);
    expect(parseHistoryItem(item)).toEqual({ version: 12, at: '2026-11-24T01:02:03Z', entry, doc });
  });

  it('still reads the JSON elements of ledgers written before compression', () => {
    const legacy = JSON.stringify({
      version: 3,
      at: '2026-01-01T00:00:00Z',
      entry: JSON.stringify(entry),
      doc: JSON.stringify(doc),
    });
    expect(parseHistoryItem(Buffer.from(legacy))).toEqual({
      version: 3,
      at: '2026-01-01T00:00:00Z',
      entry,
      doc,
    });
  });
});
