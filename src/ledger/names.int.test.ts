import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHub } from '../../test/helpers/hub.js';
import type { Hub } from '../hub.js';

/** Rule 5's names: a hash for snapshots and a change log for readers that cache them. */
describe('the names change log', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('lets a reader catch up from its snapshot with exactly the changes made since', async () => {
    const s = hub.store;
    const empty = await s.namesSnapshot();
    expect(empty).toEqual({ last: '0-0', names: [] });
    expect(await s.nameChangesSince('0-0')).toEqual({ changes: [] });

    expect(await s.setName('E1', '钢铁大街综合管廊', null, 'P1')).toBe(true);
    // A snapshot of an empty log cannot know what was trimmed since: the reader must re-read.
    expect(await s.nameChangesSince('0-0')).toBeNull();
    const snap = await s.namesSnapshot();
    expect(snap.names).toEqual([{ name: '钢铁大街综合管廊', entry: 'E1', projectKey: 'P1' }]);

    // Unchanged: nothing logged.
    expect(await s.setName('E1', '钢铁大街综合管廊', null, 'P1')).toBe(false);
    expect(await s.nameChangesSince(snap.last)).toEqual({ changes: [] });

    await s.setName('E2', '阿尔丁大街改造', null, 'P2');
    await s.setName('E1', '钢铁大街综合管廊二期', '钢铁大街综合管廊', 'P1');
    await s.setName('E2', '阿尔丁大街改造', '阿尔丁大街改造', null);
    const since = await s.nameChangesSince(snap.last);
    expect(since?.changes.map(({ name, entry, projectKey }) => [name, entry, projectKey])).toEqual([
      ['阿尔丁大街改造', 'E2', 'P2'],
      ['钢铁大街综合管廊', 'E1', null],
      ['钢铁大街综合管廊二期', 'E1', 'P1'],
      ['阿尔丁大街改造', 'E2', null],
    ]);
    // Applying the changes to the snapshot gives the names as they are now.
    const after = await s.namesSnapshot();
    expect(after.names).toEqual([{ name: '钢铁大街综合管廊二期', entry: 'E1', projectKey: 'P1' }]);
    expect(after.last).toBe(since!.changes.at(-1)!.id);
  });

  it('tells a reader whose position was trimmed away to take a new snapshot', async () => {
    const s = hub.store;
    const { last } = await s.namesSnapshot();
    for (let i = 0; i < 1_200; i++) await s.setName(`T${i}`, `第${i}号测试项目名称`, null, `K${i}`);
    // More changes than one page: all of them, in order.
    const since = await s.nameChangesSince(last);
    expect(since?.changes).toHaveLength(1_200);
    expect(since?.changes.at(-1)?.entry).toBe('T1199');
    await s.redis.xtrim(s.keys.namesLog, 'MAXLEN', 10);
    expect(await s.nameChangesSince(last)).toBeNull();
  });
});
