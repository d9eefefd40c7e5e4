/**
 * The field rules of RAM users and groups (spec ram.md §1.6, §3.2–§3.6). Each check returns the
 * value it accepted or throws the ApiError the spec names for that parameter. Lengths count code
 * points, as a person counts characters.
 */
import { checkEmail as checkContactEmail } from '../contact-fields.js';
import { ApiError } from '../errors.js';

const length = (value: string): number => [...value].length;

/** Letters, digits, `.`, `-`, `_` (UserName and GroupName alike). */
const principalNameCharacters = /^[A-Za-z0-9._-]+$/;
export const principalNameMaxLength = 64;
export const displayNameMaxLength = 128;
export const commentsMaxLength = 128;
/** Control characters and lone surrogates: what no display name may hold ("any printable"). */
const unprintable = /[\p{Cc}\p{Cs}]/u;
/** `<country code>-<number>` (spec §1.6). */
const mobilePhoneShape = /^\d{1,4}-\d{4,15}$/;

export type UserNameParameter = 'UserName' | 'NewUserName';
export type GroupNameParameter = 'GroupName' | 'NewGroupName';

function checkPrincipalName(value: string, parameter: UserNameParameter | GroupNameParameter): string {
  if (!principalNameCharacters.test(value)) throw new ApiError(`InvalidParameter.${parameter}.InvalidChars`);
  if (value.length > principalNameMaxLength) throw new ApiError(`InvalidParameter.${parameter}.Length`);
  return value;
}

/** A required UserName: `MissingUserName` when absent or empty. */
export function requireUserName(value: string | undefined): string {
  if (!value) throw new ApiError('MissingUserName');
  return checkUserName(value);
}

export const checkUserName = (value: string, parameter: UserNameParameter = 'UserName'): string => checkPrincipalName(value, parameter);

/** A required GroupName: `MissingGroupName` when absent or empty. */
export function requireGroupName(value: string | undefined): string {
  if (!value) throw new ApiError('MissingGroupName');
  return checkGroupName(value);
}

export const checkGroupName = (value: string, parameter: GroupNameParameter = 'GroupName'): string => checkPrincipalName(value, parameter);

export function checkDisplayName(value: string, parameter: 'DisplayName' | 'NewDisplayName'): string {
  if (unprintable.test(value)) throw new ApiError(`InvalidParameter.${parameter}.InvalidChars`);
  if (length(value) > displayNameMaxLength) throw new ApiError(`InvalidParameter.${parameter}.Length`);
  return value;
}

export function checkComments(value: string, parameter: 'Comments' | 'NewComments'): string {
  if (length(value) > commentsMaxLength) throw new ApiError(`InvalidParameter.${parameter}.Length`);
  return value;
}

export function checkMobilePhone(value: string, parameter: 'MobilePhone' | 'NewMobilePhone'): string {
  if (!mobilePhoneShape.test(value)) throw new ApiError(`InvalidParameter.${parameter}.Format`);
  return value;
}

/** The same address rule as a contact's email (docs/decisions.md), under RAM's error code. */
export function checkEmail(value: string, parameter: 'Email' | 'NewEmail'): string {
  try {
    return checkContactEmail(value);
  } catch {
    throw new ApiError(`InvalidParameter.${parameter}.Format`);
  }
}

/**
 * An optional field of a Create: absent or empty means "not set" (there is nothing to clear yet);
 * otherwise checked by `check`.
 */
export const optionalField = (value: string | undefined, check: (value: string) => string): string | null =>
  value === undefined || value === '' ? null : check(value);

/**
 * A `New*` field of an Update: absent leaves the field as it is (undefined), the empty string
 * clears it (null: Terraform sends `""` to remove a value), anything else is checked by `check`.
 */
export const newField = (value: string | undefined, check: (value: string) => string): string | null | undefined =>
  value === undefined ? undefined : value === '' ? null : check(value);
