import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHub } from '../../test/helpers/hub.js';
import type { Hub } from '../hub.js';

/** The change feed and the published summary are stored packed and read back as JSON. */
describe('the change feed in Redis', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
  });
  afterAll(async () => {
    await hub?.close();
  });

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
});
