import type { z } from 'zod';
import { canonicalInvestmentCode, isPermitNo } from '../../src/model/codes.js';
import type { LinkKeys, NormalizeResult, NormalizedRecord, RecordDataOf } from '../../src/model/record.js';
import type { RecordKind } from '../../src/model/systems.js';
import { textOrNull } from '../../src/model/text.js';
import { isoToEpochMs, isoUtc } from '../../src/model/time.js';
import { gcj02ToWgs84 } from './gcj02.js';
import {
  DustAlertPayload,
  EVENT_ID,
  EVENT_TYPES,
  ProgressPayload,
  SITE_ID,
  SiteUpsertPayload,
  SnapshotPayload,
  describeIssues,
  type EventType,
} from './records.js';

/**
 * Smart-city event → normalized record (pure). Identity never involves `seq` or `receivedAt`:
 * the platform re-logs a re-uploaded event under a new seq, and that copy must produce the very
 * same record so the ledger's de-duplication by identity + content holds.
 */

export const KIND_OF: Record<EventType, RecordKind> = {
  'site.upsert': 'site',
  'progress.report': 'progress',
  'camera.snapshot': 'snapshot',
  'dust.alert': 'dustAlert',
};

/** What every event contributes, whatever its type. */
interface Envelope {
  eventId: string;
  type: EventType;
  eventMs: number;
  eventTime: string;
  siteId: string;
  payload: unknown;
}

class Quarantine {
  constructor(
    readonly reason: string,
    readonly kind: RecordKind | null,
    readonly sourceId: string | null,
  ) {}
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readEnvelope(raw: unknown): Envelope {
  if (!isObject(raw)) throw new Quarantine('event is not a JSON object', null, null);
  const { eventId, type, eventTime, siteId, payload } = raw;
  const kind = typeof type === 'string' && Object.hasOwn(KIND_OF, type) ? KIND_OF[type as EventType] : null;
  const quoted = (v: unknown) => JSON.stringify(v) ?? 'undefined';

  if (eventId === undefined || eventId === null || eventId === '') {
    throw new Quarantine('eventId missing', kind, null);
  }
  const rawId = typeof eventId === 'string' ? eventId : String(eventId);
  const fail = (reason: string) => new Quarantine(reason, kind, rawId);
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) {
    throw fail(`eventId ${quoted(eventId)} is not 32 hex characters`);
  }
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw fail(`unknown event type ${quoted(type)} (expected one of ${EVENT_TYPES.join(', ')})`);
  }
  let eventMs: number;
  try {
    if (typeof eventTime !== 'string') throw new Error();
    eventMs = isoToEpochMs(eventTime);
  } catch {
    throw fail(`eventTime ${quoted(eventTime)} is not an ISO 8601 timestamp with a zone`);
  }
  if (typeof siteId !== 'string' || !SITE_ID.test(siteId)) {
    throw fail(`siteId ${quoted(siteId)} is not SITE-<6-digit division>-<serial>`);
  }
  if (!isObject(payload)) throw fail('payload missing or not an object');
  return {
    // The platform writes eventIds in lower case; folding guards identity against a device that does not.
    eventId: eventId.toLowerCase(),
    type: type as EventType,
    eventMs,
    eventTime: isoUtc(eventMs),
    siteId,
    payload,
  };
}

function parsePayload<S extends z.ZodType>(schema: S, env: Envelope, kind: RecordKind): z.infer<S> {
  const r = schema.safeParse(env.payload);
  if (!r.success) throw new Quarantine(describeIssues(r.error, 'payload'), kind, env.eventId);
  return r.data;
}

function base(env: Envelope, sourceId: string) {
  return {
    system: 'smartcity' as const,
    sourceId,
    version: env.eventTime,
    order: env.eventMs,
    state: 'active' as const,
    sourceTime: env.eventTime,
    warnings: [] as string[],
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function siteLocation(
  loc: z.infer<typeof SiteUpsertPayload>['location'],
  env: Envelope,
): RecordDataOf<'site'>['location'] {
  if (!loc) return null;
  if (loc.crs === 'WGS-84') return { lat: round6(loc.lat), lon: round6(loc.lng) };
  if (loc.crs === 'GCJ-02') {
    const w = gcj02ToWgs84(loc.lat, loc.lng);
    return { lat: round6(w.lat), lon: round6(w.lon) };
  }
  throw new Quarantine(
    `payload.location.crs ${JSON.stringify(loc.crs)} is not supported (expected GCJ-02 or WGS-84)`,
    'site',
    env.eventId,
  );
}

function site(env: Envelope): NormalizedRecord {
  const p = parsePayload(SiteUpsertPayload, env, 'site');
  const q = (reason: string) => new Quarantine(reason, 'site', env.eventId);
  if (p.siteId !== undefined && p.siteId !== null && p.siteId !== env.siteId) {
    throw q(`payload.siteId ${JSON.stringify(p.siteId)} differs from the event's siteId ${env.siteId}`);
  }
  const keys: LinkKeys = { siteId: env.siteId };
  const permit = textOrNull(p.constructionPermitNo);
  if (permit !== null) {
    if (!isPermitNo(permit)) throw q(`constructionPermitNo ${JSON.stringify(permit)} is not 18 digits`);
    keys.permitNo = permit;
  }
  const code = textOrNull(p.projectCode);
  if (code !== null) {
    const canonical = canonicalInvestmentCode(code);
    if (canonical === null) throw q(`projectCode ${JSON.stringify(code)} is not an investment project code`);
    keys.investmentCode = canonical;
  }
  return {
    ...base(env, env.siteId),
    kind: 'site',
    keys,
    data: {
      name: textOrNull(p.siteName),
      location: siteLocation(p.location, env),
      address: textOrNull(p.address),
      districtCode: textOrNull(p.districtCode),
    },
  };
}

/** At most one decimal, judged on the number's shortest round-trip form (42.5 yes, 42.55 and 1e-7 no). */
const ONE_DECIMAL = /^\d+(\.\d)?$/;

function progress(env: Envelope): NormalizedRecord {
  const p = parsePayload(ProgressPayload, env, 'progress');
  const pct = p.progressPercent;
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new Quarantine(
      `progressPercent ${pct} is outside 0–100 (faulty device; set aside)`,
      'progress',
      env.eventId,
    );
  }
  if (!ONE_DECIMAL.test(String(pct))) {
    throw new Quarantine(`progressPercent ${pct} has more than one decimal`, 'progress', env.eventId);
  }
  return {
    ...base(env, env.eventId),
    kind: 'progress',
    keys: { siteId: env.siteId },
    data: { percent: pct, reporter: textOrNull(p.reporter), eventTime: env.eventTime },
  };
}

function snapshot(env: Envelope): NormalizedRecord {
  const p = parsePayload(SnapshotPayload, env, 'snapshot');
  return {
    ...base(env, env.eventId),
    kind: 'snapshot',
    keys: { siteId: env.siteId },
    data: {
      cameraId: textOrNull(p.cameraId),
      imageRef: textOrNull(p.imageRef),
      imageSha256: p.imageSha256 ? p.imageSha256.toLowerCase() : null,
      eventTime: env.eventTime,
    },
  };
}

function dustAlert(env: Envelope): NormalizedRecord {
  const p = parsePayload(DustAlertPayload, env, 'dustAlert');
  return {
    ...base(env, env.eventId),
    kind: 'dustAlert',
    keys: { siteId: env.siteId },
    data: {
      pm10: p.pm10,
      threshold: p.threshold ?? null,
      level: textOrNull(p.level),
      deviceId: textOrNull(p.deviceId),
      eventTime: env.eventTime,
    },
  };
}

const BY_TYPE: Record<EventType, (env: Envelope) => NormalizedRecord> = {
  'site.upsert': site,
  'progress.report': progress,
  'camera.snapshot': snapshot,
  'dust.alert': dustAlert,
};

/**
 * One raw event (pull page or push batch) → a normalized record or the reason to quarantine it.
 *
 * @example normalizeSmartcity(page.events[0], 'events') // { ok: true, record: { kind: 'site', … } }
 */
export function normalizeSmartcity(raw: unknown, stream: string): NormalizeResult {
  if (stream !== 'events') {
    return { ok: false, reason: `unknown stream ${JSON.stringify(stream)}`, kind: null, sourceId: null };
  }
  try {
    const env = readEnvelope(raw);
    return { ok: true, record: BY_TYPE[env.type](env) };
  } catch (e) {
    if (e instanceof Quarantine) return { ok: false, reason: e.reason, kind: e.kind, sourceId: e.sourceId };
    throw e;
  }
}
