/**
 * Shares one in-flight call among concurrent callers. prom-client asks every gauge's collector
 * at once during a scrape, so the gauges fed by one Redis read get that read once per scrape.
 */
export function coalesce<T>(fn: () => Promise<T>): () => Promise<T> {
  let inflight: Promise<T> | null = null;
  return () =>
    (inflight ??= fn().finally(() => {
      inflight = null;
    }));
}
