/** Queries of contact bindings, retained recipients and deletion jobs. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class BindingRepository {
  constructor(readonly db: Kysely<Database>) {}
}
