import { Agent, request } from 'node:http';

/**
 * Section 6: a closed-loop load generator — `connections` keep-alive sockets, each sending the
 * next request as soon as the previous answer is read — for `seconds`. Enough to find the
 * server's p99 at 50 concurrent clients without another dependency.
 */
export async function hammer(opts: {
  url: () => string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<{
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  statuses: Record<string, number>;
}> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const lat: number[] = [];
  let errors = 0;
  const statuses: Record<string, number> = {};
  const end = performance.now() + opts.seconds * 1000;
  const one = (url: string) =>
    new Promise<boolean>((resolve) => {
      const req = request(url, { agent, headers: opts.headers }, (res) => {
        const code = String(res.statusCode);
        statuses[code] = (statuses[code] ?? 0) + 1;
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      });
      req.on('error', () => {
        statuses['error'] = (statuses['error'] ?? 0) + 1;
        resolve(false);
      });
      req.end();
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const ok = await one(opts.url());
        lat.push(performance.now() - s);
        if (!ok) errors++;
      }
    }),
  );
  const sec = (performance.now() - t0) / 1000;
  agent.destroy();
  return {
    rps: lat.length / sec,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    errors,
    requests: lat.length,
    statuses,
  };
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}
