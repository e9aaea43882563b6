import { connect } from 'node:net';

/**
 * Where the commands go, by command and key family: a MONITOR sample (including the calls made
 * inside Lua scripts, marked `lua`). MONITOR slows Redis down, so the bench samples only the
 * small sync whose timing it does not report. A raw socket: MONITOR's reply stream is not a
 * request/response exchange, which client libraries handle poorly.
 */
export async function startMonitor(
  url: string,
  limit: number,
): Promise<() => Promise<Array<[string, number]>>> {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
  socket.on('error', () => undefined);
  const counts = new Map<string, number>();
  let seen = 0;
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      if (seen >= limit || !line.startsWith('+') || line === '+OK') continue;
      seen++;
      const lua = / \[\d+ lua\] /.test(line);
      const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
      const cmd = (args[0] ?? '').toLowerCase();
      const key = cmd === 'evalsha' || cmd === 'eval' ? (args[3] ?? '') : (args[1] ?? '');
      const name = `${lua ? 'lua ' : ''}${cmd} ${family(key)}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  });
  socket.write('MONITOR\r\n');
  return async () => {
    socket.destroy();
    return [...counts].sort((a, b) => b[1] - a[1]);
  };
}

/**
 * A key's family: the prefix tag and identifiers dropped, `{b}:rec:oa|doc|123` → `rec:*`,
 * `{b:q:link}:link:42` → `q:link:*`.
 */
export function family(key: string): string {
  const queue = /^\{[^}:]+:q:([^}]+)\}:/.exec(key);
  const rest = key.replace(/^\{[^}]*\}:/, '').split(':');
  const head = queue ? ['q', queue[1]!] : [rest.shift()!];
  const tail = rest.slice(queue ? 1 : 0).map((s) => (/[^a-z]/i.test(s) || s.length > 12 ? '*' : s));
  // An identifier may itself contain ':'; everything from the first one on is the identifier.
  const id = tail.indexOf('*');
  return [...head, ...(id === -1 ? tail : tail.slice(0, id + 1))].join(':');
}
