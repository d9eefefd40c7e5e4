/**
 * The rules of policy tags (spec ram.md §3.7, §3.8) and the JSON-array parameters that carry them
 * (`Tag=[{"Key":"k","Value":"v"}]`, `ResourceNames=["p"]`, `TagKeys=["k"]`, spec §1.3).
 */
import type { PolicyTagFilter } from '../../store/identity-repositories.js';
import { ApiError, type ErrorCode } from '../errors.js';
import type { PolicyTag } from './records.js';

export const tagKeyMaxLength = 128;
export const tagValueMaxLength = 256;
/** Prefixes reserved for the cloud's own tags, compared case-insensitively. */
const reservedPrefixes = ['acs:', 'aliyun'];

/** A tag as a request gives it; an absent value is the empty one (or "any value" in a filter). */
export interface TagInput {
  key: string;
  value?: string;
}

const length = (value: string): number => [...value].length;

function checkKey(key: string): string {
  if (key === '' || length(key) > tagKeyMaxLength) throw new ApiError('InvalidParameter.TagKey');
  return key;
}

/**
 * Tags to put on a policy: keys 1–128 characters and not reserved (`InvalidParameter.TagKey`),
 * values at most 256 (`InvalidParameter.Tag`), no key twice (`InvalidParameter.Tag`), at most
 * `max` of them (`LimitExceeded.Tag`).
 */
export function checkTags(tags: readonly TagInput[], max: number): PolicyTag[] {
  if (tags.length > max) throw new ApiError('LimitExceeded.Tag');
  const seen = new Set<string>();
  return tags.map((tag) => {
    const key = checkKey(tag.key);
    if (reservedPrefixes.some((prefix) => key.toLowerCase().startsWith(prefix))) throw new ApiError('InvalidParameter.TagKey');
    const value = tag.value ?? '';
    if (length(value) > tagValueMaxLength) throw new ApiError('InvalidParameter.Tag');
    if (seen.has(key)) throw new ApiError('InvalidParameter.Tag');
    seen.add(key);
    return { key, value };
  });
}

/** Tags a listing filters on: every one must match; an absent or empty value matches any value. */
export function checkTagFilter(tags: readonly TagInput[] | undefined, max: number): PolicyTagFilter[] {
  if (tags === undefined) return [];
  if (tags.length > max) throw new ApiError('InvalidParameter.Tag');
  return tags.map((tag) => ({ key: checkKey(tag.key), value: tag.value ? tag.value : undefined }));
}

/** The value of a JSON-array parameter, or `code` when it is not JSON or not an array. */
function jsonArray(text: string, code: ErrorCode): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(code);
  }
  if (!Array.isArray(parsed)) throw new ApiError(code);
  return parsed;
}

/** `[{"Key":"k","Value":"v"}, …]` (Value optional, a string) → tags; anything else is `InvalidParameter.Tag`. */
export function parseTagParameter(text: string): TagInput[] {
  return jsonArray(text, 'InvalidParameter.Tag').map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ApiError('InvalidParameter.Tag');
    const { Key: key, Value: value } = item as { Key?: unknown; Value?: unknown };
    if (typeof key !== 'string' || (value !== undefined && value !== null && typeof value !== 'string')) throw new ApiError('InvalidParameter.Tag');
    return typeof value === 'string' ? { key, value } : { key };
  });
}

/** `["a", "b"]` → strings; anything else is `code` (`InvalidParameter.ResourceNames`, `InvalidParameter.TagKeys`). */
export function parseNameListParameter(text: string, code: ErrorCode): string[] {
  return jsonArray(text, code).map((item) => {
    if (typeof item !== 'string') throw new ApiError(code);
    return item;
  });
}
