/**
 * The status page at `/` for people: server-rendered HTML, no scripts, readable in any browser
 * (and in a terminal browser). It refreshes itself every 30 seconds.
 */
export interface StatusData {
  generatedAt: string;
  connectors: Array<{
    id: string;
    title: string;
    enabled: boolean;
    lastSuccess: string | null;
    nextRun: string | null;
    lagSeconds: number | null;
    lastFetched: number | null;
    lastError: string | null;
    running: boolean;
  }>;
  queues: Array<{ stage: string; waiting: number; active: number; delayed: number; failed: number }>;
  ledger: {
    projects: number;
    systems: Array<{
      system: string;
      received: number;
      linked: number;
      unlinked: number;
      quarantined: number;
      superseded: number;
    }>;
  };
  findings: Array<{ code: string; count: number }>;
  deadLetters: Array<{ id: string; origin: string; where: string; error: string; at: string }>;
}

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function ago(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.join('')}</tr>`)
    .join('')}</tbody></table>`;
}
const td = (v: unknown, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;
const num = (v: number) => td(v.toLocaleString('en-US'), 'num');

export function renderStatusPage(d: StatusData): string {
  const connectorRows = d.connectors.map((c) => [
    td(c.id),
    td(c.title),
    td(
      !c.enabled
        ? 'disabled'
        : c.running
          ? 'running'
          : c.lastError
            ? 'failing'
            : c.lastSuccess
              ? 'ok'
              : 'never run',
      !c.enabled ? 'muted' : c.lastError ? 'bad' : 'ok',
    ),
    td(c.lastSuccess ?? '—'),
    td(c.nextRun ?? '—'),
    td(ago(c.lagSeconds), 'num'),
    td(c.lastFetched ?? '—', 'num'),
    td(c.lastError ?? '', c.lastError ? 'bad' : ''),
  ]);
  const queueRows = d.queues.map((q) => [
    td(q.stage),
    num(q.waiting),
    num(q.active),
    num(q.delayed),
    td(q.failed, q.failed ? 'num bad' : 'num'),
  ]);
  const ledgerRows = d.ledger.systems.map((s) => [
    td(s.system),
    num(s.received),
    num(s.linked),
    num(s.unlinked),
    num(s.quarantined),
    num(s.superseded),
  ]);
  const findingRows = d.findings.map((f) => [td(f.code), num(f.count)]);
  const deadRows = d.deadLetters.map((x) => [
    td(x.at),
    td(x.origin),
    td(x.where),
    td(x.error, 'bad'),
    td(x.id),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Project-ledger hub — status</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:1.5rem auto;max-width:76rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem;margin:0 0 .2rem}h2{font-size:1.05rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d8dce4;padding-bottom:.2rem}
.meta{color:#667;margin:0}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .55rem;border-bottom:1px solid #eceef3;vertical-align:top}
th{background:#f5f6f9;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}.ok{color:#1a7f37}.bad{color:#b42318}.muted{color:#889}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d8dce4;border-radius:6px;padding:.6rem 1rem;min-width:9rem}.card b{display:block;font-size:1.5rem}
.empty{color:#667;font-style:italic}
</style></head>
<body>
<h1>Project-ledger hub</h1>
<p class="meta">Status at ${esc(d.generatedAt)} · refreshes every 30 s · <a href="/docs">API documentation</a> · <a href="/metrics">metrics</a></p>
<div class="cards">
<div class="card"><b id="projects">${esc(d.ledger.projects.toLocaleString('en-US'))}</b>projects in the ledger</div>
<div class="card"><b>${esc(d.ledger.systems.reduce((n, s) => n + s.unlinked, 0).toLocaleString('en-US'))}</b>records unlinked</div>
<div class="card"><b>${esc(d.ledger.systems.reduce((n, s) => n + s.quarantined, 0).toLocaleString('en-US'))}</b>records quarantined</div>
<div class="card"><b>${esc(d.deadLetters.length)}</b>recent dead letters</div>
</div>
<h2 id="connectors">Connectors</h2>
${table(['system', 'name', 'state', 'last success', 'next run', 'lag', 'last fetched', 'last error'], connectorRows, 'No connectors configured.')}
<h2 id="queues">Queues</h2>
${table(['stage', 'waiting', 'active', 'delayed', 'failed'], queueRows, 'No queues.')}
<h2 id="ledger">Ledger</h2>
${table(['system', 'received', 'linked', 'unlinked', 'quarantined', 'superseded'], ledgerRows, 'Nothing received yet.')}
<h2 id="findings">Findings</h2>
${table(['code', 'projects'], findingRows, 'No findings.')}
<h2 id="dead-letters">Recent dead letters</h2>
${table(['at', 'origin', 'where', 'error', 'id'], deadRows, 'No dead letters.')}
</body></html>
`;
}
