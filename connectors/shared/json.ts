/**
 * Reading JSON bodies at the connector edge. Bytes must be valid UTF-8 (a GBK body under a UTF-8
 * label would otherwise turn every Chinese character into U+FFFD silently), and nesting is
 * bounded (a 50,000-deep array parses, then overflows the stack of whoever serializes it next).
 * JSON.parse defines `__proto__` as an own property, so payload keys cannot reach a prototype.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Deeper than any record of the six systems (they nest 3–4 levels). */
export const MAX_JSON_DEPTH = 64;

/** The body as text, or null when it is not valid UTF-8. */
export function utf8Text(body: Buffer): string | null {
  try {
    return utf8.decode(body);
  } catch {
    return null;
  }
}

/** Whether brackets nest deeper than `max` (strings are skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Why a body cannot be read as JSON, or null when it can. */
export function jsonProblem(body: Buffer): { text: string | null; problem: string | null } {
  const text = utf8Text(body);
  if (text === null) return { text, problem: 'body is not valid UTF-8' };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    return { text, problem: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  return { text, problem: null };
}

/** The parsed body, or undefined when it is not readable JSON (see jsonProblem). */
export function parseJson(body: Buffer): unknown {
  const { text, problem } = jsonProblem(body);
  if (problem || text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body as a JSON object, or null when it is not one (HTML error pages, empty bodies, arrays). */
export function parseJsonObject(body: Buffer): Record<string, unknown> | null {
  const value = parseJson(body);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
