/**
 * Generated text is built by concatenation, which V8 keeps as a rope: a tree of the pieces,
 * about five times the size of the text for a timestamp. Reading one character flattens a rope
 * in place, and the next young-generation GC then drops the pieces, so a record whose strings
 * went through here costs its text and no more. Without it a 100,000-project world does not fit
 * comfortably in Node's default heap.
 */

/** Flattens every string reachable from `value` (records are plain objects, arrays and strings). */
export function flatten(value: unknown): void {
  if (typeof value === 'string') {
    value.charCodeAt(0);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) flatten(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k in o) flatten(o[k]);
  }
}
