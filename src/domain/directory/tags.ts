/** Tags of folders and member accounts: the checks on `Tag.N.Key` / `Tag.N.Value`. */
import { ApiError } from '../errors.js';

export const maxTagsPerResource = 20;

/** One `Tag.N` item as it arrived (the action layer's `tags` parameter kind). */
export interface TagParam {
  key: string | undefined;
  value: string | undefined;
}

export interface Tag {
  key: string;
  value: string;
}

export interface TagFilter {
  key: string;
  /** Undefined: any value. */
  value: string | undefined;
}

const hasUrl = (text: string): boolean => /https?:\/\//i.test(text);

function checkItems(items: readonly TagParam[]): void {
  if (items.length > maxTagsPerResource) throw new ApiError('InvalidParameter.Tag');
  const keys = new Set<string>();
  for (const { key, value } of items) {
    if (!key || key.length > 128 || key.startsWith('aliyun') || key.startsWith('acs:') || hasUrl(key)) {
      throw new ApiError('InvalidParameter.Tag');
    }
    if (value !== undefined && (value.length > 128 || value.startsWith('acs:') || hasUrl(value))) {
      throw new ApiError('InvalidParameter.Tag');
    }
    if (keys.has(key)) throw new ApiError('InvalidParameter.Tag');
    keys.add(key);
  }
}

/** Tags to set on a new folder or account: a missing Value is an empty one. */
export function checkTags(items: readonly TagParam[] | undefined): Tag[] {
  if (!items) return [];
  checkItems(items);
  return items.map(({ key, value }) => ({ key: key!, value: value ?? '' }));
}

/** Tag filters of a list: AND across them; a Key-only (or empty-Value) filter matches any value. */
export function checkTagFilters(items: readonly TagParam[] | undefined): TagFilter[] {
  if (!items) return [];
  checkItems(items);
  return items.map(({ key, value }) => ({ key: key!, value: value === '' ? undefined : value }));
}
