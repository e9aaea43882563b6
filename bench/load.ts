import autocannon from 'autocannon';

/**
 * Section 6: autocannon's closed loop — `connections` keep-alive sockets, each sending the next
 * request as soon as the previous answer is read — for `seconds`, each request to `url()` (the
 * project keys spread over the whole ledger). autocannon's client costs a fraction of what
 * node:http's does per request, and the load generator shares the cores with the API.
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
  const first = new URL(opts.url());
  const result = await autocannon({
    url: first.origin,
    connections: opts.connections,
    duration: opts.seconds,
    headers: opts.headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const u = new URL(opts.url());
          return { ...req, path: `${u.pathname}${u.search}` };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count ?? 0;
  if (result.errors > 0) statuses['error'] = result.errors;
  const answered = Object.values(statuses).reduce((n, c) => n + c, 0) - result.errors;
  return {
    rps: answered / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    requests: answered,
    statuses,
  };
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}
