/** Directory identifiers and names: formats, generation and the checks of spec/directory.md. */
import { customAlphabet } from 'nanoid';
import { ApiError, type ErrorCode } from '../errors.js';

const alnum10 = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 10);
const prefixTail = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 7);
const prefixHead = customAlphabet('abcdefghijklmnopqrstuvwxyz', 1);

export const rootIdPattern = /^r-[A-Za-z0-9]{6}$/;
export const folderIdPattern = /^fd-[A-Za-z0-9]{10}$/;
export const folderOrRootIdPattern = /^(r-[A-Za-z0-9]{6}|fd-[A-Za-z0-9]{10})$/;
export const accountIdPattern = /^\d{16}$/;

/** `fd-` plus 10 alphanumerics. */
export const newFolderId = (): string => `fd-${alnum10()}`;
/** A random account name prefix: 8 lower-case letters and digits, starting with a letter. */
export const newAccountNamePrefix = (): string => `${prefixHead()}${prefixTail()}`;

const length = (text: string): number => [...text].length;

/** A required ID parameter: missing → `missing`, not matching `pattern` → `invalid`. */
export function checkId(value: string | undefined, pattern: RegExp, missing: ErrorCode, invalid: ErrorCode): string {
  if (value === undefined) throw new ApiError(missing);
  if (!pattern.test(value)) throw new ApiError(invalid);
  return value;
}

/** An optional folder-or-Root ID parameter. */
export function checkOptionalFolderId(value: string | undefined, invalid: ErrorCode): string | undefined {
  if (value !== undefined && !folderOrRootIdPattern.test(value)) throw new ApiError(invalid);
  return value;
}

const folderNameChars = /^[A-Za-z0-9_.\-\u4e00-\u9fff]+$/;
const displayNameChars = /^[A-Za-z0-9_.\- \u4e00-\u9fff]+$/;
const prefixChars = /^[A-Za-z0-9._-]+$/;
const prefixShape = /^[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9]))*[A-Za-z0-9]$/;

/** FolderName / NewFolderName: 1–24 letters, digits, `_ . -` or Chinese characters. */
export function checkFolderName(name: string | undefined): string {
  if (name === undefined) throw new ApiError('MissingParameter.Folder.Name');
  if (!folderNameChars.test(name)) throw new ApiError('InvalidParameter.Folder.Name');
  if (length(name) > 24) throw new ApiError('InvalidParameter.Folder.Name.Length');
  return name;
}

/** DisplayName / NewDisplayName: 2–50 letters, digits, `_ . -`, inner spaces or Chinese characters. */
export function checkDisplayName(name: string | undefined): string {
  if (name === undefined) throw new ApiError('MissingParameter.Account.DisplayName');
  if (!displayNameChars.test(name)) throw new ApiError('InvalidParameter.Account.DisplayName');
  if (length(name) < 2 || length(name) > 50) throw new ApiError('InvalidParameter.Account.DisplayName.Length');
  if (name.trim() !== name) throw new ApiError('InvalidParameter.Account.DisplayName');
  return name;
}

/** AccountNamePrefix: 2–37 characters, starting and ending with a letter or digit, no two specials in a row. */
export function checkAccountNamePrefix(prefix: string): string {
  if (!prefixChars.test(prefix)) throw new ApiError('InvalidParameter.Account.AccountNamePrefix');
  if (prefix.length < 2 || prefix.length > 37) throw new ApiError('InvalidParameter.Account.AccountNamePrefix.Length');
  if (!prefixShape.test(prefix)) throw new ApiError('InvalidParameter.Account.AccountNamePrefix');
  return prefix;
}

/** `<prefix>@<rd id>.aliyunid.com`, all lower case. */
export const accountNameOf = (prefix: string, directoryId: string): string =>
  `${prefix}@${directoryId}.aliyunid.com`.toLowerCase();
