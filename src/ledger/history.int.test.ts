import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHub } from '../../test/helpers/hub.js';
import type { Hub } from '../hub.js';
import { unpack } from './packing.js';

/** commitProject-8.lua keeps each version's doc once: in the project, or in its history element. */
describe('project history in Redis', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('gives every version its own doc while storing each doc once', async () => {
    const s = hub.store;
    const key = 'H1';
    const docs = [1, 2, 3].map((n) => ({ projectKey: key, name: `第${n}版`, n }));
    for (const [i, doc] of docs.entries()) {
      await s.redis.hincrby(s.keys.project(key), 'mrev', 1);
      const v = await s.commitProject(
        key,
        String(i + 1),
        doc,
        `hash${i}`,
        `2026-11-2${i}T00:00:00Z`,
        { records: [`r${i}`] },
        false,
        null,
      );
      expect(v).toBe(i + 1);
    }
    const history = await s.history(key);
    expect(history).toEqual(
      docs.map((doc, i) => ({
        version: i + 1,
        at: `2026-11-2${i}T00:00:00Z`,
        entry: { records: [`r${i}`] },
        doc,
      })),
    );
    // The newest element leaves its doc to the project hash; the older ones carry theirs.
    const items = await s.redis.lrangeBuffer(s.keys.projectHistory(key), 0, -1);
    const holds = (item: Buffer, doc: object) => {
      const c = item.indexOf(0x0a, item.indexOf(0x0a, item.indexOf(0x0a) + 1) + 1);
      const n = Number(item.subarray(item.indexOf(0x0a, item.indexOf(0x0a) + 1) + 1, c).toString());
      const rest = item.subarray(c + 1 + n);
      return rest.length > 0 && unpack(rest) === JSON.stringify(doc);
    };
    expect(items.map((item, i) => holds(item, docs[i]!))).toEqual([true, true, false]);
    // An unchanged doc is no new version and leaves the history alone.
    await s.redis.hincrby(s.keys.project(key), 'mrev', 1);
    expect(await s.commitProject(key, '4', docs[2], 'hash2', '2026-11-25T00:00:00Z', {}, false, null)).toBe(
      0,
    );
    expect(await s.redis.llen(s.keys.projectHistory(key))).toBe(3);
  });
});
