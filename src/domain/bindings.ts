/** Contact bindings to the directory, folders and member accounts, and the asynchronous delete. */
import type { Store } from '../store/store.js';
import type { Clock } from './time.js';

export class BindingService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {}
}
