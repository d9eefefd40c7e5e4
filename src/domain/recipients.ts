/** Who actually receives what: effective recipients of an account, coverage of a directory. */
import type { Store } from '../store/store.js';
import type { Clock } from './time.js';

export class RecipientService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {}
}
