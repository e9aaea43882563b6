import { z } from 'zod';

/**
 * Raw shapes of the smart-city platform (smartcity.md §1–§4). The envelope fields of an event are
 * checked one by one in normalize.ts (so each failure gets its own precise reason); these
 * schemas cover the pages, the push body and the type-specific payloads.
 */

export const EVENT_TYPES = ['site.upsert', 'progress.report', 'camera.snapshot', 'dust.alert'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_ID = /^[0-9a-fA-F]{32}$/;
/** `SITE-<division code>-<serial>`; the serial's width is not stated, the samples use 6 digits. */
export const SITE_ID = /^SITE-\d{6}-\d+$/;

/** One pull response (§3). Events stay raw: a bad event is quarantined, not the whole page. */
export const EventsPage = z.object({
  events: z.array(z.unknown()),
  lastSeq: z.number().int().min(0),
  hasMore: z.boolean(),
  headSeq: z.number().int().min(0),
});
export type EventsPage = z.infer<typeof EventsPage>;

/** Error body of the pull API (§2). */
export const ErrorBody = z.object({ error: z.string(), message: z.string().optional() });

const text = z.string().nullish();

export const Location = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  crs: z.string(),
});

export const SiteUpsertPayload = z.object({
  siteId: z.string().nullish(),
  siteName: text,
  constructionPermitNo: text,
  projectCode: text,
  location: Location.nullish(),
  address: text,
  districtCode: text,
});

export const ProgressPayload = z.object({
  progressPercent: z.number(),
  reporter: text,
});

export const SnapshotPayload = z.object({
  cameraId: text,
  imageRef: text,
  imageSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex characters (SHA-256)')
    .nullish(),
});

export const DustAlertPayload = z.object({
  pm10: z.number().int().min(0),
  threshold: z.number().min(0).nullish(),
  level: text,
  deviceId: text,
});

/** A push delivery (§4): 1–200 raw events; each one is normalized (or quarantined) on its own. */
export const PushBody = z.object({
  batchId: z.string().min(1),
  sentAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'expected ISO 8601'),
  events: z.array(z.unknown()).min(1).max(200),
});
export type PushBody = z.infer<typeof PushBody>;

/** `path: message; …` — zod issues as one quarantine/diagnostic line. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.');
      return path === '' ? i.message : `${path}: ${i.message}`;
    })
    .join('; ');
}
