/** Queries of the directory tree: folders, member accounts, tags. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class TreeRepository {
  constructor(readonly db: Kysely<Database>) {}
}
