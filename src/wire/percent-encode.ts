/**
 * RFC 3986 percent-encoding as the Alibaba Cloud signers use it: `encodeURIComponent` plus
 * `! ' ( ) *`, so only `A-Z a-z 0-9 - _ . ~` stay as they are (spec/api.md §6.3).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** JavaScript's default sort: UTF-16 code-unit order, which is what the signers use. */
export function sortedKeys(params: Readonly<Record<string, string>>): string[] {
  return Object.keys(params).sort();
}
