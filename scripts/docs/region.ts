import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Thrown when a document lacks its region's markers (or has them twice or out of order). */
export class RegionMarkersError extends Error {
  constructor(region: string, why: string) {
    super(
      `region "${region}": ${why} (expected <!-- ${region}:start --> … <!-- ${region}:end --> once each)`,
    );
    this.name = 'RegionMarkersError';
  }
}

/**
 * `text` with what lies between `<!-- <region>:start -->` and `<!-- <region>:end -->` replaced by
 * `body`; the markers and everything outside them stay as they are, so a hand-written document
 * (the README) can carry one generated part.
 */
export function replaceRegion(text: string, region: string, body: string): string {
  const start = `<!-- ${region}:start -->`;
  const end = `<!-- ${region}:end -->`;
  const count = (marker: string) => text.split(marker).length - 1;
  if (count(start) !== 1 || count(end) !== 1)
    throw new RegionMarkersError(region, 'markers missing or repeated');
  const from = text.indexOf(start) + start.length;
  const to = text.indexOf(end);
  if (to < from) throw new RegionMarkersError(region, 'end marker before start marker');
  return `${text.slice(0, from)}\n${body.trimEnd()}\n${text.slice(to)}`;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A generated-docs entry for one region of a hand-written file: it reads the file as it is and
 * regenerates only the region, so `npm run docs` and the drift test treat it like a whole file.
 */
export function regionOf(
  file: string,
  region: string,
  body: () => string,
): { file: string; generate: () => string } {
  return { file, generate: () => replaceRegion(readFileSync(`${root}${file}`, 'utf8'), region, body()) };
}
