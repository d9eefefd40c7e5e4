/**
 * Reading the Ram parameters whose wire form the declaration kit does not coerce: integers handed
 * to the domain in its own check order, and the JSON-array parameters of RAM's "shrink" style
 * (spec ram.md §1.3).
 */
import type { ErrorCode } from '../../domain/errors.js';
import { type TagInput, parseNameListParameter, parseTagParameter } from '../../domain/policies/tag-rules.js';
import type { ShrunkTags } from '../define.js';

/**
 * `MaxItems`, `PageSize`, the password policy's numbers: decimal digits are that number, anything
 * else NaN, which the domain refuses with the parameter's own code (`InvalidParameter.MaxItems`,
 * `…MaxPasswordAge.Range`) at its place in the action's checks (a required name comes first).
 */
export function integerOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\d{1,12}$/.test(text) ? Number(text) : Number.NaN;
}

/** `Tag`: the JSON array `[{"Key":"k","Value":"v"}]`, or `Tag.N.Key`/`Tag.N.Value` (a Key-less pair has the empty key, refused as such). */
export function tagsOf(given: ShrunkTags | undefined): TagInput[] | undefined {
  if (given === undefined) return undefined;
  if ('json' in given) return parseTagParameter(given.json);
  return given.pairs.map((pair) => (pair.value === undefined ? { key: pair.key ?? '' } : { key: pair.key ?? '', value: pair.value }));
}

/** `ResourceNames`, `TagKeys`: a JSON array of strings, or `code`. */
export function namesOf(text: string | undefined, code: ErrorCode): string[] | undefined {
  return text === undefined ? undefined : parseNameListParameter(text, code);
}
