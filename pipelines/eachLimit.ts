/** Records or projects of one job worked on at once (see {@link eachLimit}). */
export const IN_FLIGHT = 8;

/**
 * Runs `fn` over `items` with at most `limit` in flight. The stages handle the records (or
 * projects) of one job this way: each one's work is a chain of dependent Redis round trips, so
 * doing them one after another leaves the process waiting, and ioredis pipelines the commands of
 * concurrent chains into shared writes. Rejects with the first error, after the in-flight ones settle.
 */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | null = null;
  const lane = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failed !== null) throw (failed as { error: unknown }).error;
}
