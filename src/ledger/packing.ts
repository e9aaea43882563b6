import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { RECORD_V1 } from './dictionaries.js';

/**
 * Compact storage for the JSON the ledger keeps in bulk: record bodies and golden documents are
 * most of its Redis memory. A packed value is one format byte, then raw deflate; JSON text never
 * starts with those bytes, so values written before packing (plain JSON) still read. Record
 * bodies use a preset dictionary of typical records: about 490 → 130 bytes, where plain deflate
 * only reaches about 330 (small JSON has little to repeat within itself).
 */
const FORMATS = {
  /** raw deflate, no dictionary */
  plain: { tag: 0x01, dictionary: undefined },
  /** raw deflate with dictionaries.RECORD_V1 */
  recordV1: { tag: 0x02, dictionary: Buffer.from(RECORD_V1, 'utf8') },
} as const;
export type PackFormat = keyof typeof FORMATS;

const BY_TAG = new Map<number, { dictionary: Buffer | undefined }>(
  Object.values(FORMATS).map((f) => [f.tag, f]),
);

export function pack(json: string, format: PackFormat): Buffer {
  const f = FORMATS[format];
  const body = f.dictionary ? deflateRawSync(json, { dictionary: f.dictionary }) : deflateRawSync(json);
  return Buffer.concat([Buffer.of(f.tag), body]);
}

/** The JSON text of a stored value, packed or not (null stays null). */
export function unpack(value: Buffer | null | undefined): string | null {
  return unpackBytes(value)?.toString('utf8') ?? null;
}

/** The JSON of a stored value as UTF-8 bytes, for callers that send it on unchanged. */
export function unpackBytes(value: Buffer | null | undefined): Buffer | null {
  if (!value || value.length === 0) return null;
  const f = BY_TAG.get(value[0]!);
  if (!f) return value;
  const body = value.subarray(1);
  const chunkSize = outputChunk(body.length);
  return f.dictionary
    ? inflateRawSync(body, { dictionary: f.dictionary, chunkSize })
    : inflateRawSync(body, { chunkSize });
}

/**
 * The output buffer an inflate starts with. Node allocates zlib's default of 16 KiB for every
 * call, and a merge inflates every member record of its project (about 124 bytes packed, 410
 * unpacked): most of that buffer was garbage, and inflating a record with a 1 KiB buffer took
 * about 9 µs instead of 12–16. A value that inflates past the guess only takes more chunks.
 */
function outputChunk(packedBytes: number): number {
  let size = 1024;
  while (size < packedBytes * 8 && size < 16 * 1024) size *= 2;
  return size;
}
