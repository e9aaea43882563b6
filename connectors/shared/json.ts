/**
 * The body as a JSON object, or null when it is not one (HTML error pages, empty bodies, arrays).
 * JSON.parse defines `__proto__` as an own property, so payload keys cannot reach a prototype.
 */
export function parseJsonObject(body: Buffer): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
