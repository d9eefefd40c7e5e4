/**
 * Marker/MaxItems paging of the RAM listings (spec ram.md §1.4). A marker is opaque to clients:
 * the base64url of a JSON array naming the listing and the sort key of the last item answered, so
 * a page continues after that item even if it was deleted meanwhile, and a marker of one listing
 * is refused by another.
 */
import { ApiError, type ErrorCode } from '../errors.js';

export interface PageRequest {
  /** From a previous answer; absent or empty: the first page. */
  marker?: string;
  /** Absent: the listing's default. NaN or a fraction (an unparsable parameter) is refused like one out of range. */
  maxItems?: number;
}

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  /** Present only when `isTruncated`. */
  marker?: string;
}

/** The page size asked for, within 1–`max` (`InvalidParameter.MaxItems` otherwise). */
export function pageSize(maxItems: number | undefined, max: number, fallback = 100, code: ErrorCode = 'InvalidParameter.MaxItems'): number {
  if (maxItems === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > max) throw new ApiError(code);
  return maxItems;
}

export function encodeMarker(listing: string, position: readonly string[]): string {
  return Buffer.from(JSON.stringify([listing, ...position]), 'utf8').toString('base64url');
}

/**
 * The sort key a marker of `listing` carries, with `arity` strings; undefined when there is no
 * marker. Anything else is refused with `code`.
 */
export function decodeMarker(
  marker: string | undefined,
  listing: string,
  arities: readonly number[],
  code: ErrorCode = 'InvalidParameter.Marker',
): string[] | undefined {
  if (marker === undefined || marker === '') return undefined;
  let decoded: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new Error('not base64url');
    decoded = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(code);
  }
  if (!Array.isArray(decoded) || decoded[0] !== listing || !decoded.every((part) => typeof part === 'string')) throw new ApiError(code);
  const position = (decoded as string[]).slice(1);
  if (!arities.includes(position.length)) throw new ApiError(code);
  return position;
}

/** A page of `rows` fetched with one row more than `size`: the extra row says whether more follow. */
export function pageOf<R, T>(rows: readonly R[], size: number, listing: string, keyOf: (row: R) => readonly string[], toItem: (row: R) => T): Page<T> {
  const shown = rows.slice(0, size);
  const isTruncated = rows.length > size;
  const last = shown.at(-1);
  return {
    items: shown.map(toItem),
    isTruncated,
    ...(isTruncated && last !== undefined ? { marker: encodeMarker(listing, keyOf(last)) } : {}),
  };
}
