/**
 * WGS-84 → GCJ-02, the forward transform of smartcity.md §5. The generator owns its own copy so
 * that the world does not depend on the connector it is meant to test.
 */

const A = 6378245.0;
// smartcity.md writes 0.00669342162296594323; this is the same double.
const EE = 0.006693421622965943;

function dLatOf(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * Math.PI * x) + 20 * Math.sin(2 * Math.PI * x)) * 2) / 3;
  r += ((20 * Math.sin(Math.PI * y) + 40 * Math.sin((Math.PI * y) / 3)) * 2) / 3;
  r += ((160 * Math.sin((Math.PI * y) / 12) + 320 * Math.sin((Math.PI * y) / 30)) * 2) / 3;
  return r;
}

function dLonOf(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * Math.PI * x) + 20 * Math.sin(2 * Math.PI * x)) * 2) / 3;
  r += ((20 * Math.sin(Math.PI * x) + 40 * Math.sin((Math.PI * x) / 3)) * 2) / 3;
  r += ((150 * Math.sin((Math.PI * x) / 12) + 300 * Math.sin((Math.PI * x) / 30)) * 2) / 3;
  return r;
}

/** GCJ-02 point of a WGS-84 point, unrounded. */
export function wgs84ToGcj02(lat: number, lon: number): { lat: number; lon: number } {
  const x = lon - 105.0;
  const y = lat - 35.0;
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (dLatOf(x, y) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (dLonOf(x, y) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: lat + dLat, lon: lon + dLon };
}

/** Rounds to the 6 decimals the platform sends. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
