/** The resource directory: folders, member accounts and their tags. */
import type { Config } from '../../config.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../time.js';

export class DirectoryService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly config: Pick<Config, 'maxMembersPerDirectory' | 'maxFoldersPerDirectory'>,
  ) {}
}
