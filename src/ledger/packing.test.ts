import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECORD_V1 } from './dictionaries.js';
import { pack, unpack } from './packing.js';

describe('packing stored JSON', () => {
  it('round-trips any JSON text in every format', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const json = JSON.stringify(v);
        expect(unpack(pack(json, 'recordV1'))).toBe(json);
        expect(unpack(pack(json, 'plain'))).toBe(json);
      }),
    );
  });

  it('reads values written before packing as they are', () => {
    const json = '{"system":"budget","名称":"综合管廊"}';
    expect(unpack(Buffer.from(json))).toBe(json);
    expect(unpack(Buffer.from('[1,2]'))).toBe('[1,2]');
    expect(unpack(null)).toBeNull();
  });

  it('makes a typical record body a fraction of its size', () => {
    const body = RECORD_V1.slice(RECORD_V1.lastIndexOf('{"system"')).replace(
      /"sourceId":"[^"]+"/,
      '"sourceId":"X-1"',
    );
    const packed = pack(body, 'recordV1');
    expect(packed.length).toBeLessThan(Buffer.byteLength(body) / 3);
    expect(pack(body, 'plain').length).toBeGreaterThan(packed.length);
  });

  it('the dictionary is frozen: stored values depend on its exact bytes', () => {
    expect(createHash('sha256').update(RECORD_V1).digest('hex')).toBe(
      'c95020a28a0fbca85acb8910c7413d2e8e737e463d50589b7ff4163eb37276ea',
    );
  });
});

describe('unpacking values larger than the first output buffer', () => {
  it('reads a value that inflates to many times its first buffer', () => {
    // Repetitive text packs to a few hundred bytes and inflates far past the 1 KiB start.
    const json = JSON.stringify({
      records: Array.from({ length: 4000 }, (_, i) => `budget|payment|P-${i % 7}`),
    });
    for (const format of ['plain', 'recordV1'] as const) {
      const packed = pack(json, format);
      expect(packed.length * 20).toBeLessThan(json.length);
      expect(unpack(packed)).toBe(json);
    }
  });
});
