/** Actions of this family; see src/actions/define.ts for how an action is declared. */
import type { Action } from './define.js';

export const directoryActions: Action[] = [];
