/** Every action the endpoint answers, by name. */
import { contactActions } from './contacts.js';
import type { Action } from './define.js';
import { verificationActions } from './verification.js';

export const apiVersion = '2022-04-19';

export const actions: ReadonlyMap<string, Action> = new Map(
  [...contactActions, ...verificationActions].map((action) => [action.name, action]),
);
