/**
 * Request parameters: decoded from the query string and a form body, and un-flattened from the
 * `Name.N` convention of the Alibaba Cloud clients (spec/api.md §6.4).
 */

/**
 * Decodes `a=1&b=2`. A key given more than once keeps all its values joined with `,`: that is the
 * value the official client signs when it is handed a raw array (clients.md), so such a request
 * still verifies.
 */
export function decodeParams(encoded: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (!encoded) return params;
  for (const [key, value] of new URLSearchParams(encoded)) {
    params[key] = Object.hasOwn(params, key) ? `${params[key]},${value}` : value;
  }
  return params;
}

/**
 * The values of list parameter `name`: every `name.N` key ordered by N (gaps tolerated), or,
 * when there is none, a plain `name` split on commas. Undefined when neither is present.
 */
export function listParam(params: Readonly<Record<string, string>>, name: string): string[] | undefined {
  const prefix = `${name}.`;
  const indexed: [number, string][] = [];
  for (const key of Object.keys(params)) {
    if (!key.startsWith(prefix)) continue;
    const index = key.slice(prefix.length);
    if (/^\d{1,6}$/.test(index)) indexed.push([Number(index), params[key]!]);
  }
  if (indexed.length > 0) return indexed.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  const plain = params[name];
  if (plain === undefined || plain === '') return undefined;
  return plain.split(',');
}
