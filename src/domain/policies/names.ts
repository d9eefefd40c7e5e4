/** The parameter rules of RAM policies (spec ram.md §1.6, §3.7). Lengths count code points. */
import type { RamPolicyType } from '../../store/schema.js';
import { ApiError } from '../errors.js';

const policyNameCharacters = /^[A-Za-z0-9-]+$/;
export const policyNameMaxLength = 128;
export const descriptionMaxLength = 1024;
/** `v` + a positive integer that fits the store's integer column. */
const versionIdShape = /^v([1-9][0-9]{0,8})$/;
const policyTypes: readonly RamPolicyType[] = ['System', 'Custom'];

/** A present PolicyName (the caller checked `MissingPolicyName`). */
export function checkPolicyName(value: string): string {
  if (!policyNameCharacters.test(value)) throw new ApiError('InvalidParameter.PolicyName.InvalidChars');
  if (value.length > policyNameMaxLength) throw new ApiError('InvalidParameter.PolicyName.Length');
  return value;
}

/** `System` or `Custom`, case-sensitive (the caller checked `MissingPolicyType`). */
export function checkPolicyType(value: string): RamPolicyType {
  if (!(policyTypes as readonly string[]).includes(value)) throw new ApiError('InvalidParameter.PolicyType');
  return value as RamPolicyType;
}

/** The number of a `v<n>` VersionId (the caller checked `MissingVersionId`). */
export function checkVersionId(value: string): number {
  const match = versionIdShape.exec(value);
  if (!match) throw new ApiError('InvalidParameter.VersionId.Format');
  return Number(match[1]);
}

export const versionIdOf = (versionNumber: number): string => `v${versionNumber}`;

export function checkDescription(value: string): string {
  if ([...value].length > descriptionMaxLength) throw new ApiError('InvalidParameter.Description.Length');
  return value;
}
