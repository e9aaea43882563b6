/**
 * A self-contained page that renders the OpenAPI document: no external scripts or styles, so it
 * works on a hub without internet access.
 */
export function docsPage(openApiUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Project ledger hub API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #222; }
  h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
  details { border: 1px solid #ddd; border-radius: 4px; margin: .4rem 0; }
  summary { cursor: pointer; padding: .4rem .6rem; }
  .m { display: inline-block; min-width: 3.5rem; font-weight: 600; text-transform: uppercase; }
  .get { color: #1565c0; } .post { color: #2e7d32; }
  .body { padding: 0 1rem 1rem; }
  table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: .2rem .5rem; text-align: left; vertical-align: top; }
  pre { background: #f6f6f6; padding: .5rem; overflow: auto; max-height: 24rem; font-size: 13px; }
  .scope { color: #777; font-size: 13px; margin-left: .5rem; }
</style>
</head>
<body>
<h1>Project ledger hub API</h1>
<p>Generated from the route table: <a href="${openApiUrl}">${openApiUrl}</a></p>
<div id="doc">Loading…</div>
<script>
(async () => {
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k);
    return e;
  };
  const json = (v) => el('pre', {}, JSON.stringify(v, null, 2));
  const root = document.getElementById('doc');
  try {
    const doc = await (await fetch(${JSON.stringify(openApiUrl)})).json();
    root.replaceChildren(el('p', {}, doc.info.description || ''));
    const byTag = new Map();
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const tag = (op.tags || ['other'])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push({ path, method, op });
      }
    for (const [tag, ops] of byTag) {
      root.append(el('h2', {}, tag));
      for (const { path, method, op } of ops) {
        const scope = op.security.length === 0 ? 'public'
          : op.security.map((s) => Object.entries(s).map(([n, sc]) => sc.length ? sc.join(',') : n).join(' ')).join(' or ');
        const body = el('div', { class: 'body' });
        if (op.description) body.append(el('p', {}, op.description));
        if (op.parameters.length) {
          const t = el('table', {}, el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'in'), el('th', {}, 'required'), el('th', {}, 'description'), el('th', {}, 'schema')));
          for (const p of op.parameters)
            t.append(el('tr', {}, el('td', {}, p.name), el('td', {}, p.in), el('td', {}, p.required ? 'yes' : 'no'), el('td', {}, p.description || ''), el('td', {}, JSON.stringify(p.schema))));
          body.append(el('h4', {}, 'Parameters'), t);
        }
        if (op.requestBody)
          for (const [type, c] of Object.entries(op.requestBody.content))
            body.append(el('h4', {}, 'Request body (' + type + ')'), json(c.schema));
        body.append(el('h4', {}, 'Responses'));
        for (const [status, r] of Object.entries(op.responses)) {
          const d = el('details', {}, el('summary', {}, status + ' — ' + r.description));
          for (const c of Object.values(r.content || {})) d.append(json(c.schema.$ref ? doc.components.schemas.Error : c.schema));
          body.append(d);
        }
        root.append(el('details', {}, el('summary', {}, el('span', { class: 'm ' + method }, method), path + ' — ' + op.summary, el('span', { class: 'scope' }, scope)), body));
      }
    }
  } catch (e) {
    root.textContent = 'Could not load ' + ${JSON.stringify(openApiUrl)} + ': ' + e;
  }
})();
</script>
</body>
</html>
`;
}
