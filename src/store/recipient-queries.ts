/** Resolution queries: effective recipients of an account, coverage of a directory. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class RecipientQueries {
  constructor(readonly db: Kysely<Database>) {}
}
