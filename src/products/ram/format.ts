/**
 * How Ram answers look on the wire (spec ram.md §1.4): dates `yyyy-MM-ddTHH:mm:ssZ` without a
 * fraction, unset optional strings left out, lists wrapped the way the SDK models declare them
 * (`{"Users":{"User":[…]}}`, always present), and `Marker` only while `IsTruncated`.
 */
import type { Page } from '../../domain/identities/paging.js';

/** A stored date (ISO-8601 UTC with milliseconds) as RAM writes it: `2015-01-23T12:33:18Z`. */
export const ramDate = (stored: string): string => `${stored.slice(0, 19)}Z`;

/** The fields whose value is set; null and undefined ones are left out (every client reads both as unset). */
export function optionalStrings(fields: Readonly<Record<string, string | null | undefined>>): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== null && value !== undefined) set[name] = value;
  return set;
}

/** `{ [wrapper]: { [item]: items } }`: Terraform's `$.Users.User[*]` fails when either key is missing. */
export const wrapped = <T>(wrapper: string, item: string, items: readonly T[]): Record<string, Record<string, readonly T[]>> => ({
  [wrapper]: { [item]: items },
});

/** `IsTruncated` (a JSON boolean: Terraform casts it) and, only when true, the opaque `Marker`. */
export function pageFields(page: Page<unknown>): { IsTruncated: boolean; Marker?: string } {
  return page.isTruncated && page.marker !== undefined ? { IsTruncated: true, Marker: page.marker } : { IsTruncated: page.isTruncated };
}
