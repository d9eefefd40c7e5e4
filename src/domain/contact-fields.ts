/** The enumerations and field rules of a contact (spec/api.md §2.2 and §2.4, docs/decisions.md). */
import { ApiError } from './errors.js';

export const titles = [
  'FinanceDirector',
  'TechnicalDirector',
  'MaintenanceDirector',
  'CEO',
  'ProjectDirector',
  'Other',
] as const;
export type Title = (typeof titles)[number];

export const messageTypes = [
  'ServiceMessage',
  'FaultMessage',
  'AccountExpenses',
  'SecurityMessage',
  'ActivityMessage',
  'ProductMessage',
] as const;
export type MessageType = (typeof messageTypes)[number];

export const emailMaxLength = 254;
const nameCharacters = /^[A-Za-z\p{Script=Han}]+$/u;
// A sane address: one @, a local part without spaces or control characters, a dotted domain of
// letters, digits and hyphens, and a final label of at least two letters.
const emailShape =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const phoneShape = /^(\d{1,4})-(\d{4,15})$/;
const mainlandMobile = /^1[3-9]\d{9}$/;

export function checkName(name: string): string {
  if (!nameCharacters.test(name)) throw new ApiError('InvalidParameter.Name');
  const length = [...name].length;
  if (length < 2 || length > 12) throw new ApiError('InvalidParameter.Name.Length');
  return name;
}

export function checkEmail(email: string): string {
  if (email.length > emailMaxLength) throw new ApiError('InvalidParameter.EmailAddress.Length');
  if (!emailShape.test(email) || email.includes('..') || email.split('@')[0]!.length > 64) {
    throw new ApiError('InvalidParameter.EmailAddress');
  }
  return email;
}

/** `<country code>-<number>`; the country code must be one of `allowedCountryCodes`. */
export function checkPhone(phone: string, allowedCountryCodes: readonly string[]): string {
  const match = phoneShape.exec(phone);
  if (!match) throw new ApiError('InvalidParameter.PhoneNumber');
  const [, countryCode, number] = match as unknown as [string, string, string];
  if (!allowedCountryCodes.includes(countryCode)) throw new ApiError('InvalidParameter.MobileCountryCode');
  if (countryCode === '86' && !mainlandMobile.test(number)) throw new ApiError('InvalidParameter.PhoneNumber');
  return phone;
}

export function checkTitle(title: string): Title {
  if (!(titles as readonly string[]).includes(title)) throw new ApiError('InvalidParameter.Title');
  return title as Title;
}

export function checkMessageTypes(values: readonly string[]): MessageType[] {
  if (values.length === 0) throw new ApiError('MissingParameter.MessageTypes');
  for (const value of values) {
    if (!(messageTypes as readonly string[]).includes(value)) throw new ApiError('InvalidParameter.MessageTypes');
  }
  if (new Set(values).size !== values.length) throw new ApiError('InvalidParameter.MessageTypes.Duplicate');
  return values as MessageType[];
}
