/** Every action the endpoint answers, by name. */
import { bindingActions } from './bindings.js';
import { contactActions } from './contacts.js';
import { directoryActions } from './directory.js';
import { extensionActions } from './extensions.js';
import type { Action } from './define.js';
import { verificationActions } from './verification.js';

export const apiVersion = '2022-04-19';

export const actions: ReadonlyMap<string, Action> = new Map(
  [...contactActions, ...verificationActions, ...directoryActions, ...bindingActions, ...extensionActions].map((action) => [action.name, action]),
);
