/**
 * A response body already serialized as JSON (UTF-8 bytes), which registration sends unchanged.
 * Large documents are stored as JSON: parsing them only to serialize them again cost the project
 * endpoint most of its CPU.
 */
export class RawJson {
  constructor(readonly bytes: Buffer) {}

  /**
   * `{...object, ...extra}` as JSON, from the bytes of a JSON object and members that it does not
   * have: the object's members are copied as they are, the extra ones appended.
   */
  static extend(object: Buffer, extra: Record<string, unknown>): RawJson {
    const close = object.lastIndexOf(0x7d); // '}'
    if (object[0] !== 0x7b || close < 0) throw new Error('not a JSON object');
    const members = Object.entries(extra)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join(',');
    if (members === '') return new RawJson(object);
    let last = close - 1;
    while (last > 0 && [0x20, 0x09, 0x0a, 0x0d].includes(object[last]!)) last--;
    const empty = last === 0;
    return new RawJson(
      Buffer.concat([object.subarray(0, close), Buffer.from(`${empty ? '' : ','}${members}}`, 'utf8')]),
    );
  }
}
