/**
 * GCJ-02 (国测局坐标) ↔ WGS-84, as smartcity.md §5 states the platform's transform. The forward
 * direction is the published formula; it has no closed-form inverse, so the inverse iterates the
 * forward transform (a fixed-point search that converges in a handful of steps inside China).
 */

export interface LatLon {
  lat: number;
  lon: number;
}

/** Krasovsky 1940 ellipsoid, as the platform uses it. */
const A = 6378245.0;
/** The document writes 0.00669342162296594323; this is the same double, spelled without digits it cannot hold. */
const EE = 0.006693421622965943;

const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 30;

function offsetLat(x: number, y: number): number {
  let d = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  d += ((20 * Math.sin(6 * Math.PI * x) + 20 * Math.sin(2 * Math.PI * x)) * 2) / 3;
  d += ((20 * Math.sin(Math.PI * y) + 40 * Math.sin((Math.PI * y) / 3)) * 2) / 3;
  d += ((160 * Math.sin((Math.PI * y) / 12) + 320 * Math.sin((Math.PI * y) / 30)) * 2) / 3;
  return d;
}

function offsetLon(x: number, y: number): number {
  let d = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  d += ((20 * Math.sin(6 * Math.PI * x) + 20 * Math.sin(2 * Math.PI * x)) * 2) / 3;
  d += ((20 * Math.sin(Math.PI * x) + 40 * Math.sin((Math.PI * x) / 3)) * 2) / 3;
  d += ((150 * Math.sin((Math.PI * x) / 12) + 300 * Math.sin((Math.PI * x) / 30)) * 2) / 3;
  return d;
}

/**
 * WGS-84 → GCJ-02, exactly §5 (no "outside China" short-cut: the platform only has Chinese sites).
 *
 * @example wgs84ToGcj02(40.6571, 109.8403) // ≈ { lat: 40.658248, lon: 109.846004 }
 */
export function wgs84ToGcj02(lat: number, lon: number): LatLon {
  const x = lon - 105.0;
  const y = lat - 35.0;
  const radLat = (lat * Math.PI) / 180;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(x, y) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (offsetLon(x, y) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: lat + dLat, lon: lon + dLon };
}

/**
 * GCJ-02 → WGS-84 by iteration: guess, push the guess forward, correct it by the miss, until a
 * step moves it less than 1e-9° (≈ 0.1 mm) or 30 steps have been taken.
 *
 * @example gcj02ToWgs84(40.658248, 109.846004) // ≈ { lat: 40.6571, lon: 109.8403 }
 */
export function gcj02ToWgs84(lat: number, lon: number): LatLon {
  let wLat = lat;
  let wLon = lon;
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
    const g = wgs84ToGcj02(wLat, wLon);
    const dLat = g.lat - lat;
    const dLon = g.lon - lon;
    wLat -= dLat;
    wLon -= dLon;
    if (Math.abs(dLat) < INVERSE_TOLERANCE_DEG && Math.abs(dLon) < INVERSE_TOLERANCE_DEG) break;
  }
  return { lat: wLat, lon: wLon };
}
