import { describe, expect, it } from 'vitest';
import { pack } from './packing.js';
import { parseHistoryItem } from './store.js';

describe('history elements', () => {
  const entry = { records: [{ system: 'budget', sourceId: 'ZB1' }] };
  const doc = { projectKey: '150203202304000517', name: '综合管廊' };
  const head = (v: number) => Buffer.from(`${v}\n2026-11-24T01:02:03Z\n`);
  const withLength = (v: number, docBytes: Buffer) => {
    const e = pack(JSON.stringify(entry), 'plain');
    return Buffer.concat([head(v), Buffer.from(`${e.length}\n`), e, docBytes]);
  };

  it('reads a superseded version, whose element holds its doc after the entry', () => {
    const item = withLength(12, pack(JSON.stringify(doc), 'plain'));
    expect(item.includes(Buffer.from('综合管廊'))).toBe(false);
    expect(parseHistoryItem(item, pack('{"other":true}', 'plain'))).toEqual({
      version: 12,
      at: '2026-11-24T01:02:03Z',
      entry,
      doc,
    });
  });

  it("reads the newest version's doc from the project's current doc", () => {
    expect(parseHistoryItem(withLength(13, Buffer.alloc(0)), pack(JSON.stringify(doc), 'plain'))).toEqual({
      version: 13,
      at: '2026-11-24T01:02:03Z',
      entry,
      doc,
    });
  });

  it('still reads elements holding {entry, doc} in one packed body', () => {
    const item = Buffer.concat([head(11), pack(JSON.stringify({ entry, doc }), 'plain')]);
    expect(parseHistoryItem(item)).toEqual({ version: 11, at: '2026-11-24T01:02:03Z', entry, doc });
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
