import type { IncomingMessage } from 'node:http';

/** The request target resolved as a URL (path normalized, query parsed). */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://simulator.invalid');
}

/** Splits a request target into the path exactly as sent (signatures cover it) and the raw query. */
export function splitUrl(rawUrl: string | undefined): { path: string; query: string } {
  const url = rawUrl ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/**
 * The one decoded path segment below `collection` (`/cards/ZC%201` → `ZC 1`), or undefined when
 * the path is not exactly one segment below it or does not decode.
 */
export function pathParam(path: string, collection: string): string | undefined {
  if (!path.startsWith(`${collection}/`)) return undefined;
  const rest = path.slice(collection.length + 1);
  if (rest === '' || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}
