import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHub } from '../../test/helpers/hub.js';
import type { Hub } from '../hub.js';
import { MEMBER_REVISION } from './keys.js';
import { unpack } from './packing.js';

/** How the store lays out what it keeps for readers other than the pipeline, on a real Redis. */
describe('the ledger store in Redis', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Rule 5's names: a hash for snapshots and a change log for readers that cache them. */
  describe('the names change log', () => {
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

  /** commitProjects-var.lua keeps each version's doc once: in the project, or in its history element. */
  describe('project history', () => {
    it('gives every version its own doc while storing each doc once', async () => {
      const s = hub.store;
      const key = 'H1';
      const docs = [1, 2, 3].map((n) => ({ projectKey: key, name: `第${n}版`, n }));
      for (const [i, doc] of docs.entries()) {
        await s.redis.hset(s.keys.projectMembers(key), MEMBER_REVISION, String(i + 1));
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
      await s.redis.hset(s.keys.projectMembers(key), MEMBER_REVISION, '4');
      expect(await s.commitProject(key, '4', docs[2], 'hash2', '2026-11-25T00:00:00Z', {}, false, null)).toBe(
        0,
      );
      expect(await s.redis.llen(s.keys.projectHistory(key))).toBe(3);
    });
  });

  /** A merge job's projects are committed in one script call that writes shared keys once. */
  describe('committing a job of projects', () => {
    const item = (key: string, mrev: string, sector: string, fen: number, score: number | null) => ({
      key,
      mrev,
      doc: { projectKey: key, sector, fen },
      hash: `h-${key}-${sector}-${fen}`,
      now: '2026-11-24T00:00:00Z',
      entry: { records: [] },
      empty: false,
      contribution: { groups: { sector, all: 'all' }, money: { totalInvestmentFen: fen } },
      priorityScore: score,
      mergeToken: 't',
    });

    it('keeps /stats the sum over its projects, skipping only the item whose members moved', async () => {
      const s = hub.store;
      const sum = () => s.redis.hgetall(s.keys.stats);
      await s.redis.del(s.keys.stats);
      await s.redis.hset(s.keys.projectMembers('J3'), MEMBER_REVISION, '7');
      const rev0 = Number((await s.redis.get(s.keys.statsRevision)) ?? 0);

      // J3's merge read mrev 6, but a link moved it to 7 meanwhile: -1, and nothing of J3 is written.
      expect(
        await s.commitProjects([
          item('J1', '0', '交通', 100, 5),
          item('J2', '0', '交通', 250, null),
          item('J3', '6', '水利', 1_000, 9),
        ]),
      ).toEqual([1, 1, -1]);
      expect(await sum()).toEqual({
        'sector\x1f交通\x1fcount': '2',
        'sector\x1f交通\x1ftotalInvestmentFen': '350',
        'all\x1fall\x1fcount': '2',
        'all\x1fall\x1ftotalInvestmentFen': '350',
      } as Record<string, string>);
      expect(Number(await s.redis.get(s.keys.statsRevision))).toBe(rev0 + 1);
      expect(await s.redis.zrange(s.keys.projects, 0, -1)).toEqual(expect.arrayContaining(['J1', 'J2']));
      expect(await s.redis.zscore(s.keys.projects, 'J3')).toBeNull();
      expect(await s.redis.sismember(s.keys.needPublish, 'J3')).toBe(0);
      expect((await s.listByPriority(null, 10)).map((p) => p.key)).toContain('J1');

      // J1 moves to another sector, J2 is unchanged (no write, no version), J3 retries and lands.
      expect(
        await s.commitProjects([
          item('J1', '0', '水利', 100, 6),
          item('J2', '0', '交通', 250, null),
          item('J3', '7', '水利', 1_000, 9),
        ]),
      ).toEqual([2, 0, 1]);
      expect(await sum()).toEqual({
        'sector\x1f交通\x1fcount': '1',
        'sector\x1f交通\x1ftotalInvestmentFen': '250',
        'sector\x1f水利\x1fcount': '2',
        'sector\x1f水利\x1ftotalInvestmentFen': '1100',
        'all\x1fall\x1fcount': '3',
        'all\x1fall\x1ftotalInvestmentFen': '1350',
      } as Record<string, string>);
      // One member per project in the priority index: J1's old score is gone.
      const prio = await s.listByPriority(null, 10);
      expect(prio.filter((p) => p.key === 'J1')).toHaveLength(1);
      expect(prio.map((p) => p.key).slice(0, 2)).toEqual(['J3', 'J1']);
    });

    it('leaves out a doc expected unchanged, and answers retry when it changed after all', async () => {
      const s = hub.store;
      expect(await s.commitProjects([item('K1', '0', '交通', 1, null)])).toEqual([1]);
      const unchanged = { ...item('K1', '0', '交通', 1, null), storedHash: 'h-K1-交通-1' };
      expect(await s.commitProjects([{ ...unchanged, doc: { never: 'packed' } }])).toEqual([0]);
      // Another merge at the same member revision stored a different doc since this one read it.
      await s.redis.hset(s.keys.project('K1'), 'hash', 'h-other');
      expect(await s.commitProjects([unchanged])).toEqual([-1]);
      expect(await s.redis.hget(s.keys.project('K1'), 'hash')).toBe('h-other');
      expect(await s.redis.hget(s.keys.project('K1'), 'version')).toBe('1');
    });
  });

  /** The change feed and the published summary are stored packed and read back as JSON. */
  describe('the change feed', () => {
    it('packs events and summaries, and still reads entries written as plain JSON', async () => {
      const s = hub.store;
      const events = [{ type: 'recordLinked', system: 'budget', kind: 'indicator', sourceId: '指标ZB1' }];
      const summary = { stage: 'approved', money: {}, records: ['budget|indicator|指标ZB1'], findings: [] };
      await s.redis.hset(s.keys.project('C1'), 'version', 1, 'doc', '{}');
      const seq = await s.appendChange('C1', 1, 'upsert', '2026-11-24T00:00:00Z', events, summary);

      const entries = (await s.redis.xrangeBuffer(s.keys.changes, '-', '+')) as Array<[Buffer, Buffer[]]>;
      const fields = entries[0]![1];
      const ev = fields[fields.findIndex((f) => f.toString() === 'ev') + 1]!;
      expect(ev[0]).toBe(0x01);
      expect(ev.includes(Buffer.from('recordLinked'))).toBe(false);
      expect((await s.getProjectRaw('C1'))?.pubsum).toBe(JSON.stringify(summary));

      // An entry from before packing.
      await s.redis.incr(s.keys.changesSeq);
      await s.redis.xadd(
        s.keys.changes,
        `${seq + 1}-1`,
        'k',
        'C2',
        'v',
        '3',
        'kind',
        'merged',
        'at',
        'T',
        'ev',
        '[]',
      );
      const { changes, nextSeq } = await s.changes(0, 10);
      expect(changes).toEqual([
        { seq, projectKey: 'C1', version: 1, kind: 'upsert', at: '2026-11-24T00:00:00Z', events },
        { seq: seq + 1, projectKey: 'C2', version: 3, kind: 'merged', at: 'T', events: [] },
      ]);
      expect(nextSeq).toBe(seq + 1);
    });

    it('appends a job of versions once each, in gap-free order, and settles what is published', async () => {
      const s = hub.store;
      const entry = (key: string, version: number) => ({
        key,
        version,
        kind: 'upsert' as const,
        at: `T${version}`,
        events: [{ type: 'stageChanged', key }],
        summary: { v: version },
      });
      await s.redis.hset(s.keys.project('D1'), 'version', 2, 'doc', '{}');
      await s.redis.hset(s.keys.project('D2'), 'version', 1);
      await s.redis.sadd(s.keys.needPublish, 'D1', 'D2');
      const [first] = await s.appendChanges([entry('D1', 1)]);
      // D1 v1 again (a retried job), D2 v1 listed twice, D1 v2: two new entries, right after D1 v1.
      const seqs = await s.appendChanges([entry('D1', 1), entry('D2', 1), entry('D2', 1), entry('D1', 2)]);
      expect(seqs).toEqual([first, first! + 1, first! + 1, first! + 2]);
      const { changes } = await s.changes(first! - 1, 10);
      expect(changes.map((c) => [c.seq, c.projectKey, c.version])).toEqual([
        [first, 'D1', 1],
        [first! + 1, 'D2', 1],
        [first! + 2, 'D1', 2],
      ]);
      expect(await s.redis.hget(s.keys.project('D1'), 'published')).toBe('2');
      expect((await s.getProjectRaw('D1'))?.pubsum).toBe('{"v":2}');
      expect(await s.redis.smembers(s.keys.needPublish)).not.toContain('D1');
      expect(await s.redis.smembers(s.keys.needPublish)).not.toContain('D2');
    });
  });
  /** The bulk read that merges, links and publishes use for whole projects' members. */
  describe('readHashes', () => {
    it('returns each hash its fields in order, null where a field or the hash is missing, across calls', async () => {
      const s = hub.store;
      // More hashes than one script call reads, so the answer is put together from several.
      const keys = Array.from({ length: 1203 }, (_, i) => s.keys.record(`rh:${i}`));
      const p = s.redis.pipeline();
      keys.forEach((k, i) => {
        if (i % 100 === 7) return; // no hash at all
        if (i % 2 === 0) p.hset(k, 'a', `a${i}`, 'b', Buffer.from([0, 255, i % 256]));
        else p.hset(k, 'b', `b${i}`);
      });
      await p.exec();
      const got = await s.readHashes(keys, ['a', 'b', 'c']);
      expect(got).toHaveLength(keys.length);
      got.forEach((v, i) => {
        const text = v.map((b) => (b === null ? null : b.toString('latin1')));
        if (i % 100 === 7) expect(text).toEqual([null, null, null]);
        else if (i % 2 === 0)
          expect(text).toEqual([`a${i}`, Buffer.from([0, 255, i % 256]).toString('latin1'), null]);
        else expect(text).toEqual([null, `b${i}`, null]);
      });
      expect(await s.readHashes([], ['a'])).toEqual([]);
    });
  });
});
