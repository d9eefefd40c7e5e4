import { customAlphabet } from 'nanoid';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const digits = '0123456789';

const random16 = customAlphabet(base62, 16);
const random6 = customAlphabet(base62, 6);
const random20 = customAlphabet(base62, 20);
const random30 = customAlphabet(base62, 30);
const randomDigits15 = customAlphabet(digits, 15);
const randomToken = customAlphabet(base62, 43);

/** `c-` plus 16 base62 characters. */
export const contactIdPattern = /^c-[0-9A-Za-z]{16}$/;

export const newContactId = (): string => `c-${random16()}`;
/** Account IDs are 16 decimal digits that never start with 0. */
export const newAccountId = (): string => `${1 + Math.floor(Math.random() * 9)}${randomDigits15()}`;
export const newDirectoryId = (): string => `rd-${random6()}`;
export const newRootFolderId = (): string => `r-${random6()}`;
export const newAccessKeyId = (): string => `LTAI${random20()}`;
export const newAccessKeySecret = (): string => random30();
/**
 * A RAM UserId: 16 decimal digits that never start with 0 (spec ram.md §1.6). Random; the store
 * remembers every one handed out, so a collision is drawn again and no ID is ever reused.
 */
export const newRamUserId = (): string => `${1 + Math.floor(Math.random() * 9)}${randomDigits15()}`;
/** A RAM GroupId: `g-` plus 16 base62 characters, never reused (as UserIds). */
export const newRamGroupId = (): string => `g-${random16()}`;
/** A verification link token: 43 base62 characters, about 256 bits. */
export const newVerificationToken = (): string => randomToken();
export const verificationTokenPattern = /^[0-9A-Za-z]{43}$/;

export function isContactId(value: string): boolean {
  return contactIdPattern.test(value);
}
