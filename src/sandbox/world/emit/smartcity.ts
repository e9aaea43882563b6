/**
 * Smart-city events of one construction site (smartcity.md §1): registrations (the permit number
 * often only in a later one), rising progress reports, camera snapshots and dust alerts, with
 * the platform's delivery habits — late uploads, re-uploads, faulty readings.
 */
import { DAY, HOUR, MINUTE, isoZ } from '../clock.js';
import { round6, wgs84ToGcj02 } from '../geo.js';
import { ROADS, divisionName } from '../names.js';
import { S } from '../plan.js';
import { INVALID } from '../sink.js';
import { spellCode, typedName, type CodeSpelling } from '../spell.js';
import type { SmartcityEvent } from '../types.js';
import type { ProjectCtx } from './context.js';

export function emitSmartcity(ctx: ProjectCtx): void {
  const { plan: p, sink, rng, survivor, key } = ctx;
  if (p.category !== '固投类' || p.stage < S.construction || ctx.permit === null) return;
  const owner = survivor.idx;
  const siteId = `SITE-${p.division}-${String(sink.next(`site|${p.division}`)).padStart(6, '0')}`;
  const start = p.dates[S.construction]! + rng.int(3, 15) * DAY;
  const plannedEnd = p.dates[S.completed]!;
  const completed = p.stage >= S.completed;
  const end = Math.min(p.stalledAt ?? Infinity, completed ? plannedEnd : sink.now - rng.int(2, 10) * DAY);
  if (end <= start) return;

  const wgs = { lat: 40.55 + rng.next() * 0.15, lon: 109.7 + rng.next() * 0.4 };
  const gcj = wgs84ToGcj02(wgs.lat, wgs.lon);
  const spelling =
    p.invCode === null
      ? null
      : rng.weighted<CodeSpelling | null>([null, 'canonical', 'nodash', 'fullwidth'], [70, 12, 10, 8]);
  const payload = (permit: string | null) => ({
    siteId,
    siteName: `${typedName(p.name.replace(/(项目|工程)$/, ''), rng, 0.2)}施工现场`,
    constructionPermitNo: permit,
    projectCode: spelling === null ? null : spellCode(p.invCode!, spelling),
    location: { lng: round6(gcj.lon), lat: round6(gcj.lat), crs: 'GCJ-02' },
    address: `${divisionName(p.division)}${rng.pick(ROADS)}${rng.int(1, 300)}号`,
    districtCode: p.division,
  });
  const events: Array<{ e: SmartcityEvent; arrive: number; owner: number }> = [];
  const add = (type: SmartcityEvent['type'], at: number, body: Record<string, unknown>, o = owner) => {
    const eventTime = sink.stamp(at);
    // Devices upload within minutes, a few only days later (buffered while offline).
    const delay = rng.chance(0.03) ? rng.int(1, 4) * DAY : rng.int(5, 300) * 1000;
    const e: SmartcityEvent = {
      eventId: rng.hex(32),
      type,
      eventTime: isoZ(eventTime),
      siteId,
      payload: body,
    };
    events.push({ e, arrive: Math.min(eventTime + delay, sink.now - MINUTE), owner: o });
    return events[events.length - 1]!;
  };

  const firstUpsertAt = start - rng.int(0, 5) * DAY;
  const lateSite = sink.linkCount('late-anchor') < 8 && rng.chance(0.05);
  if (rng.chance(0.4)) {
    add('site.upsert', firstUpsertAt, payload(null));
    add('site.upsert', firstUpsertAt + rng.int(5, 30) * DAY, payload(ctx.permit.permitNo));
  } else {
    add('site.upsert', firstUpsertAt, payload(ctx.permit.permitNo));
  }
  if (spelling === null)
    sink.link('transitive-site', { system: 'smartcity', kind: 'site', sourceId: siteId }, key);

  // Progress: rising with elapsed share of the planned duration; 100 once accepted.
  const span = end - start;
  const reports = Math.min(12, Math.max(1, Math.round(span / (rng.int(25, 60) * DAY))));
  let last = 0;
  for (let k = 1; k <= reports; k++) {
    const at = start + (span * k) / (reports + 1) + rng.int(0, 8) * HOUR;
    const share = (at - start) / Math.max(DAY, plannedEnd - start);
    const pct = Math.min(99, Math.max(last + 0.1, Math.round(share * 1000 + rng.int(-30, 30)) / 10));
    last = Math.round(pct * 10) / 10;
    const ev = add('progress.report', at, {
      progressPercent: last,
      reporter: rng.pick(['施工单位', '监理单位', '建设单位']),
    });
    if (k === 1 && lateSite) {
      // The site's registration reaches the platform after this report (late anchor).
      for (const site of events) {
        if (site.e.type === 'site.upsert')
          site.arrive = Math.min(sink.now - MINUTE, ev.arrive + rng.int(1, 48) * HOUR);
      }
      sink.link(
        'late-anchor',
        { system: 'smartcity', kind: 'progress', sourceId: ev.e.eventId },
        key,
        undefined,
        true,
      );
    } else if (k === 1) {
      sink.link('transitive-event', { system: 'smartcity', kind: 'progress', sourceId: ev.e.eventId }, key);
    }
  }
  if (completed) add('progress.report', end, { progressPercent: 100, reporter: '监理单位' });

  const snaps = rng.int(1, 4);
  for (let k = 0; k < snaps; k++) {
    const at = start + rng.next() * span;
    const t = isoZ(sink.stamp(at)).replace(/[-:]/g, '');
    const ev = add('camera.snapshot', at, {
      cameraId: `CAM-${siteId.slice(5)}-${rng.int(1, 3)}`,
      imageRef: `scimg://${siteId}/${t}-${rng.hex(8)}.jpg`,
      imageSha256: rng.hex(64),
    });
    if (k === 0)
      sink.link('transitive-event', { system: 'smartcity', kind: 'snapshot', sourceId: ev.e.eventId }, key);
  }
  if (rng.chance(0.15)) {
    for (let k = rng.int(1, 3); k > 0; k--) {
      const threshold = 150;
      const pm10 = rng.int(160, 600);
      add('dust.alert', start + rng.next() * span, {
        pm10,
        threshold,
        level: pm10 > 400 ? '红色' : pm10 > 250 ? '橙色' : '黄色',
        deviceId: `DUST-${siteId.slice(5)}-${rng.int(1, 3)}`,
      });
    }
  }
  if (rng.chance(0.01)) {
    add(
      'progress.report',
      start + rng.next() * span,
      { progressPercent: rng.pick([130, -5]), reporter: '施工单位' },
      INVALID,
    );
  }
  // Re-uploads: the same event again, later.
  const copies = events.filter(() => rng.chance(0.01));
  for (const ev of copies) {
    events.push({
      e: ev.e,
      arrive: Math.min(sink.now - MINUTE, ev.arrive + rng.int(1, 72) * HOUR),
      owner: ev.owner,
    });
  }
  for (const ev of events) sink.smartcity(ev.e, ev.owner, ev.arrive);
}
