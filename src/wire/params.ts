/**
 * Request parameters: decoded from the query string and a form body, checked against the wire's
 * rules, and un-flattened from the `Name.N` convention of the Alibaba Cloud clients
 * (spec/api.md §6.4).
 */
import { ApiError } from '../domain/errors.js';

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

/** What every request's parameters must stay within, whatever the action. */
export const parameterLimits = { count: 256, nameLength: 128, valueLength: 8192 } as const;

/**
 * Exactly the characters RFC 3986 leaves unencoded: a name that percent-encoding would change could
 * be read two ways by the ACS3 signature, which signs names as they are (spec/api.md §6.3).
 */
const parameterName = /^[A-Za-z0-9._~-]+$/;
/** C0 and C1 controls and DEL; tab, line feed and carriage return are text (a message's content). */
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * The one rule every parameter meets before anything reads it, on both signatures and both stores:
 * at most 256 of them, names of unreserved characters only, values without control characters and
 * at most 8192 characters long.
 */
export function checkParams(params: Readonly<Record<string, string>>): void {
  let count = 0;
  for (const name in params) {
    if (++count > parameterLimits.count) throw new ApiError('LimitExceeded.Parameters');
    if (name.length > parameterLimits.nameLength || !parameterName.test(name)) throw new ApiError('InvalidParameterName');
    const value = params[name]!;
    if (value.length > parameterLimits.valueLength) throw new ApiError('InvalidParameterValue.Length');
    if (controlCharacter.test(value)) throw new ApiError('InvalidParameterValue.ControlCharacter');
  }
}

/** The largest N of a `Name.N` list item (no list of the API takes more than 20). */
export const maxListIndex = 100;

/** N of `Name.N`: 1 to 100, written without leading zeros (so that no two keys name one item); else undefined. */
export function listIndex(text: string): number | undefined {
  if (!/^[1-9]\d{0,2}$/.test(text)) return undefined;
  const index = Number(text);
  return index <= maxListIndex ? index : undefined;
}

/**
 * The values of list parameter `name`: every `name.N` key ordered by N (gaps tolerated), or,
 * when there is none, a plain `name` split on commas. Undefined when neither is present.
 * A key `name.<anything else>` (an index out of range, with leading zeros, or not a number) is
 * refused with `invalid()`, never dropped.
 */
export function listParam(params: Readonly<Record<string, string>>, name: string, invalid: () => Error): string[] | undefined {
  const prefix = `${name}.`;
  const indexed: [number, string][] = [];
  for (const key of Object.keys(params)) {
    if (!key.startsWith(prefix)) continue;
    const index = listIndex(key.slice(prefix.length));
    if (index === undefined) throw invalid();
    indexed.push([index, params[key]!]);
  }
  if (indexed.length > 0) return indexed.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  const plain = params[name];
  if (plain === undefined || plain === '') return undefined;
  return plain.split(',');
}
