/**
 * A query string with every value percent-encoded (`%20` for a space, as the OA and benefit
 * documents write their time parameters); null values are left out.
 */
export function queryString(params: Record<string, string | number | null>): string {
  return Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}
