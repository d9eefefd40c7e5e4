/**
 * The queries of rdcontacts, one class per aggregate, over any Kysely executor (the database or a
 * transaction). Every query here is dialect-neutral.
 */
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { isSqlite } from './dialect.js';
import { BindingRepository } from './binding-repositories.js';
import { CompiledQueries, slot } from './compiled.js';
import { AuditRepository, type NewAuditEvent } from './audit-repository.js';
import { GaugeQueries } from './gauge-queries.js';
import { RecipientQueries } from './recipient-queries.js';
import { NonceLogRepository, NonceRepository, ThrottleRepository } from './guard-repositories.js';
import { TreeRepository } from './tree-repositories.js';
import { type IdentityRepositories, identityRepositories } from './identity-repositories.js';
import type {
  DeliveryStatus,
  AccessKeyStatus,
  AccessKeysTable,
  AccountsTable,
  ContactsTable,
  Database,
  OutboxChannel,
  OutboxTable,
  PendingTargetsTable,
  TargetKind,
  TokenState,
  VerificationTokensTable,
} from './schema.js';

export type ContactRow = Selectable<ContactsTable> & { pending_email: string | null; pending_phone: string | null };
/**
 * A key as the authenticator reads it: with the directory its account manages, the name of the RAM
 * user it belongs to (null for a root key, like `user_id`) and the account's RAM revision.
 */
export type AccessKeyRow = Selectable<AccessKeysTable> & { directory_id: string | null; user_name: string | null; ram_revision: number };
export type StoredAccessKey = Selectable<AccessKeysTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type TokenRow = Selectable<VerificationTokensTable>;
export type { AuditRow } from './audit-repository.js';

export class ContactRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
  ) {}

  private selectWithPending() {
    return this.db
      .selectFrom('contacts')
      .selectAll('contacts')
      .select((eb) => [
        eb
          .selectFrom('pending_targets')
          .select('target')
          .whereRef('pending_targets.contact_id', '=', 'contacts.id')
          .where('pending_targets.kind', '=', 'email')
          .as('pending_email'),
        eb
          .selectFrom('pending_targets')
          .select('target')
          .whereRef('pending_targets.contact_id', '=', 'contacts.id')
          .where('pending_targets.kind', '=', 'phone')
          .as('pending_phone'),
      ]);
  }

  /** A contact of the directory that has not been deleted; kept in memory until the database changes. */
  async findVisible(directoryId: string, contactId: string): Promise<ContactRow | undefined> {
    const cached = this.queries.cached.contacts.get(`${directoryId}/${contactId}`);
    if (cached.row !== undefined) return { ...(cached.row as ContactRow) };
    const result = await this.queries.run<ContactRow>(
      this.db,
      'contacts.findVisible',
      () =>
        this.selectWithPending()
          .where('contacts.id', '=', slot('contactId'))
          .where('contacts.directory_id', '=', slot('directoryId'))
          .where('contacts.lifecycle', '<>', 'Deleted'),
      { contactId, directoryId },
    );
    const row = result.rows[0];
    if (row !== undefined) cached.fill({ ...row });
    return row;
  }

  async findById(contactId: string): Promise<ContactRow | undefined> {
    return this.selectWithPending().where('contacts.id', '=', contactId).executeTakeFirst();
  }

  async listVisible(directoryId: string, offset: number, limit: number): Promise<ContactRow[]> {
    return this.selectWithPending()
      .where('contacts.directory_id', '=', directoryId)
      .where('contacts.lifecycle', '<>', 'Deleted')
      .orderBy('contacts.created_at')
      .orderBy('contacts.id')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  async countVisible(directoryId: string): Promise<number> {
    const row = await this.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('directory_id', '=', directoryId)
      .where('lifecycle', '<>', 'Deleted')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async nameTaken(directoryId: string, name: string, exceptContactId?: string): Promise<boolean> {
    const result = await this.queries.run(
      this.db,
      exceptContactId ? 'contacts.nameTaken:except' : 'contacts.nameTaken',
      () => {
        const query = this.db
          .selectFrom('contacts')
          .select('id')
          .where('directory_id', '=', slot('directoryId'))
          .where('name', '=', slot('name'))
          .where('lifecycle', '<>', 'Deleted');
        return (exceptContactId ? query.where('id', '<>', slot('exceptContactId')) : query).limit(1);
      },
      { directoryId, name, exceptContactId },
    );
    return result.rows.length > 0;
  }

  async insert(row: ContactsTable): Promise<void> {
    await this.db.insertInto('contacts').values(row).execute();
  }

  /** Keeps the contact's message types as rows (for coverage queries) in step with the contact. */
  async setMessageTypes(contactId: string, types: readonly string[]): Promise<void> {
    await this.queries.run(
      this.db,
      'contacts.clearMessageTypes',
      () => this.db.deleteFrom('contact_message_types').where('contact_id', '=', slot('contactId')),
      { contactId },
    );
    if (types.length === 0) return;
    await this.queries.run(
      this.db,
      `contacts.insertMessageTypes:${types.length}`,
      () =>
        this.db
          .insertInto('contact_message_types')
          .values(types.map((_, i) => ({ contact_id: slot('contactId'), message_type: slot(`type${i}`) }))),
      { contactId, ...Object.fromEntries(types.map((type, i) => [`type${i}`, type])) },
    );
  }

  /**
   * Applies `changes` and bumps the version, only if the contact still has `expectedVersion`.
   * Returns false when another write got there first.
   */
  async updateIfVersion(
    contactId: string,
    expectedVersion: number,
    changes: Partial<Omit<ContactsTable, 'id' | 'version'>>,
  ): Promise<boolean> {
    const columns = (Object.keys(changes) as (keyof typeof changes)[]).filter((c) => changes[c] !== undefined).sort();
    const result = await this.queries.run(
      this.db,
      `contacts.updateIfVersion:${columns.join(',')}`,
      () =>
        this.db
          .updateTable('contacts')
          .set((eb) => ({ ...Object.fromEntries(columns.map((c) => [c, slot(c)])), version: eb('version', '+', 1) }))
          .where('id', '=', slot('contactId'))
          .where('version', '=', slot('expectedVersion') as unknown as number),
      { ...changes, contactId, expectedVersion },
    );
    return Number(result.numAffectedRows) === 1;
  }
}

export class PendingTargetRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
  ) {}

  async put(row: PendingTargetsTable): Promise<void> {
    await this.remove(row.contact_id, row.kind);
    await this.queries.run(
      this.db,
      'pendingTargets.insert',
      () =>
        this.db.insertInto('pending_targets').values({
          contact_id: slot('contact_id'),
          kind: slot('kind') as TargetKind,
          target: slot('target'),
          created_at: slot('created_at'),
        }),
      { contact_id: row.contact_id, kind: row.kind, target: row.target, created_at: row.created_at },
    );
  }

  async remove(contactId: string, kind: TargetKind): Promise<void> {
    await this.queries.run(
      this.db,
      'pendingTargets.remove',
      () => this.db.deleteFrom('pending_targets').where('contact_id', '=', slot('contactId')).where('kind', '=', slot('kind') as TargetKind),
      { contactId, kind },
    );
  }

  async removeAll(contactId: string): Promise<void> {
    await this.db.deleteFrom('pending_targets').where('contact_id', '=', contactId).execute();
  }

  async listForContact(contactId: string, offset: number, limit: number) {
    return this.db
      .selectFrom('pending_targets')
      .select(['contact_id', 'kind', 'target'])
      .where('contact_id', '=', contactId)
      .orderBy('kind')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  async countForContact(contactId: string): Promise<number> {
    const row = await this.db
      .selectFrom('pending_targets')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}

export class VerificationTokenRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
  ) {}

  async insert(row: VerificationTokensTable): Promise<void> {
    await this.db.insertInto('verification_tokens').values(row).execute();
  }

  async findByHash(tokenHash: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('verification_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Retires every still-pending token of a contact (optionally of one kind) into `state`. */
  async retire(contactId: string, state: Exclude<TokenState, 'Pending' | 'Used'>, kind?: TargetKind): Promise<void> {
    await this.queries.run(
      this.db,
      kind ? 'tokens.retire:kind' : 'tokens.retire',
      () => {
        const query = this.db
          .updateTable('verification_tokens')
          .set({ state: slot('state') as TokenState })
          .where('contact_id', '=', slot('contactId'))
          .where('state', '=', 'Pending');
        return kind ? query.where('kind', '=', slot('kind') as TargetKind) : query;
      },
      { state, contactId, kind },
    );
  }

  /** Marks a pending token used; false if it was not pending any more. */
  async markUsed(tokenHash: string, usedAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('verification_tokens')
      .set({ state: 'Used', used_at: usedAt })
      .where('token_hash', '=', tokenHash)
      .where('state', '=', 'Pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/** What ListMessageDeliveries filters on; every filter is optional but the directory. */
export interface DeliveryFilter {
  directoryId: string;
  contactId?: string;
  accountId?: string;
  status?: DeliveryStatus;
}

/**
 * Taking a verification token out of a row: every column that holds it gets, instead of the
 * token, its first 6 characters and `…` (the link then still says which one it was, and no longer
 * works). A link ends with its token, 43 characters (src/domain/ids.ts). Guarded by
 * `link_expires_at`, which is set only while the row holds its token in clear, so that applying
 * it twice, or to a row without a link, changes nothing. Every right-hand side of an UPDATE sees
 * the row as it was, on both dialects, so `link_expires_at` can be cleared in the same SET.
 */
const linkToken = sql<string>`substr(link, length(link) - 42)`;
const maskedToken = sql<string>`(substr(link, length(link) - 42, 6) || '…')`;
const withoutToken = (column: 'link' | 'body' | 'html_body' | 'sms_params') =>
  sql<string>`case when link_expires_at is null then ${sql.ref(column)} else replace(${sql.ref(column)}, ${linkToken}, ${maskedToken}) end`;
const tokenRemoved = () => ({
  link: withoutToken('link'),
  body: withoutToken('body'),
  html_body: withoutToken('html_body'),
  sms_params: withoutToken('sms_params'),
  link_expires_at: null,
});
/**
 * Token removal for a row whose token stops working: a row still Queued (not yet sent) is not
 * sent at all any more, Failed with `reason`; Stored, Sending (a worker has it), Sent and Failed
 * rows keep their status.
 */
const retiredLink = (reason: string) => ({
  ...tokenRemoved(),
  status: sql<DeliveryStatus>`case when status = 'Queued' then 'Failed' else status end`,
  last_error: sql<string | null>`case when status = 'Queued' then ${reason} else last_error end`,
  next_attempt_at: sql<string | null>`case when status = 'Queued' then null else next_attempt_at end`,
});

/** The outbox: every message to every recipient, the delivery queue, and its history. */
export class OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: Insertable<OutboxTable>): Promise<void> {
    await this.db.insertInto('outbox').values(row).execute();
  }

  /** Messages of one directory to one address or number since `since`: never another directory's. */
  async countToRecipientSince(purpose: string, directoryId: string, recipient: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('recipient', '=', recipient)
      .where('directory_id', '=', directoryId)
      .where('purpose', '=', purpose)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async countForDirectorySince(purpose: string, directoryId: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('directory_id', '=', directoryId)
      .where('purpose', '=', purpose)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Newest first, for the `outbox` command. */
  async list(filter: { recipient?: string; contactId?: string; status?: DeliveryStatus; limit: number }): Promise<OutboxRow[]> {
    let query = this.db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (filter.recipient) query = query.where('recipient', '=', filter.recipient);
    if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
    if (filter.status) query = query.where('status', '=', filter.status);
    return query.limit(filter.limit).execute();
  }

  async findById(id: string): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  private filtered(filter: DeliveryFilter) {
    let query = this.db.selectFrom('outbox').where('directory_id', '=', filter.directoryId);
    if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
    if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
    if (filter.status) query = query.where('status', '=', filter.status);
    return query;
  }

  /** A page of a directory's deliveries, newest first. */
  async listDeliveries(filter: DeliveryFilter, offset: number, limit: number): Promise<OutboxRow[]> {
    return this.filtered(filter).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute();
  }

  async countDeliveries(filter: DeliveryFilter): Promise<number> {
    const row = await this.filtered(filter)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * What the `outbox` transport holds for a directory: its deliveries whose transport is `outbox`,
   * never one queued for or sent by a real transport (ListOutboxMessages).
   */
  private heldByOutbox(filter: { directoryId: string; recipient?: string | undefined; contactId?: string | undefined }) {
    let query = this.db.selectFrom('outbox').where('directory_id', '=', filter.directoryId).where('transport', '=', 'outbox');
    if (filter.recipient) query = query.where('recipient', '=', filter.recipient);
    if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
    return query;
  }

  /** A page of what the `outbox` transport holds for a directory, newest first. */
  async listHeldByOutbox(
    filter: { directoryId: string; recipient?: string | undefined; contactId?: string | undefined },
    offset: number,
    limit: number,
  ): Promise<OutboxRow[]> {
    return this.heldByOutbox(filter).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute();
  }

  async countHeldByOutbox(filter: { directoryId: string; recipient?: string | undefined; contactId?: string | undefined }): Promise<number> {
    const row = await this.heldByOutbox(filter)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  // ── The delivery worker ─────────────────────────────────────────────────────────────────────

  /** Queued deliveries whose next attempt is due, the longest waiting first. */
  async due(now: string, limit: number): Promise<OutboxRow[]> {
    return this.db
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'Queued')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Deliveries held by a worker (to take over those whose worker is gone). */
  async held(limit: number): Promise<OutboxRow[]> {
    return this.db.selectFrom('outbox').selectAll().where('status', '=', 'Sending').orderBy('lease_expires_at').limit(limit).execute();
  }

  /** When the worker next has something to do: the earliest due attempt or lease expiry. */
  async nextWake(): Promise<string | undefined> {
    // Two lookups on the (status, next_attempt_at) index rather than one aggregate over the table.
    const due = await this.db
      .selectFrom('outbox')
      .select('next_attempt_at as at')
      .where('status', '=', 'Queued')
      .orderBy('next_attempt_at')
      .limit(1)
      .executeTakeFirst();
    const expires = await this.db
      .selectFrom('outbox')
      .select('lease_expires_at as at')
      .where('status', '=', 'Sending')
      .orderBy('lease_expires_at')
      .limit(1)
      .executeTakeFirst();
    const times = [due?.at, expires?.at].filter((t): t is string => typeof t === 'string');
    return times.sort()[0];
  }

  /** How many deliveries are in each status. */
  async countByStatus(): Promise<Partial<Record<DeliveryStatus, number>>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /**
   * Takes a delivery for one attempt, if it is still as the caller saw it (same status and
   * attempts, so two workers cannot both take it): Sending, held by `owner` until `leaseUntil`.
   */
  async claim(row: Pick<OutboxRow, 'id' | 'status' | 'attempts'>, owner: string, now: string, leaseUntil: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'Sending',
        lease_owner: owner,
        lease_expires_at: leaseUntil,
        attempts: eb('attempts', '+', 1),
        last_attempt_at: now,
        next_attempt_at: null,
      }))
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records the outcome of attempt number `attempts`, if `owner` still holds the delivery for it. */
  async settle(
    id: string,
    owner: string,
    attempts: number,
    outcome:
      | { status: 'Sent'; at: string; providerId: string | null }
      | { status: 'Queued'; nextAttemptAt: string; error: string }
      | { status: 'Failed'; error: string },
  ): Promise<boolean> {
    const changes =
      outcome.status === 'Sent'
        ? // The message has left: its row keeps no usable token, from this same statement on.
          { status: outcome.status, sent_at: outcome.at, provider_id: outcome.providerId?.slice(0, 256) ?? null, last_error: null, ...tokenRemoved() }
        : outcome.status === 'Queued'
          ? { status: outcome.status, next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error }
          : { status: outcome.status, last_error: outcome.error };
    const result = await this.db
      .updateTable('outbox')
      .set({ ...changes, lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('status', '=', 'Sending')
      .where('lease_owner', '=', owner)
      .where('attempts', '=', attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Takes the token out of every verification row of a contact (of one channel, if given) that
   * still holds one: its token was used, superseded or cancelled. Rows still Queued are Failed
   * with `reason` instead of being sent. Part of the transaction that retires the token.
   */
  async retireLinks(contactId: string, channel: OutboxChannel | undefined, reason: string): Promise<number> {
    let query = this.db
      .updateTable('outbox')
      .set(retiredLink(reason))
      .where('contact_id', '=', contactId)
      .where('purpose', '=', 'verification')
      .where('link_expires_at', 'is not', null);
    if (channel) query = query.where('channel', '=', channel);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Takes the token out of at most `limit` rows whose token expired by `now`, the earliest first,
   * and answers how many such rows it found (`limit`: there may be more). Only reads when there
   * are none, so that an idle sweep writes nothing (and empties no cache).
   */
  async retireExpiredLinks(now: string, limit: number, reason: string): Promise<number> {
    const ids = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('link_expires_at', '<=', now)
      .orderBy('link_expires_at')
      .limit(limit)
      .execute();
    if (ids.length === 0) return 0;
    await this.db
      .updateTable('outbox')
      .set(retiredLink(reason))
      .where(
        'id',
        'in',
        ids.map((row) => row.id),
      )
      .where('link_expires_at', '<=', now)
      .execute();
    return ids.length;
  }

  /** Ends a delivery held by a vanished worker that had no attempt left, if it is still as seen. */
  async fail(row: Pick<OutboxRow, 'id' | 'status' | 'attempts'>, error: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ status: 'Failed', last_error: error, lease_owner: null, lease_expires_at: null })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .where('attempts', '=', row.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/**
 * Locks held until the end of the current transaction. On PostgreSQL an advisory lock per
 * directory: the checks that count (quotas, send limits) or that look at the tree before writing
 * (a binding to a folder being deleted) then see the writes of every other instance's transaction
 * on the same directory. SQLite needs none: BEGIN IMMEDIATE already makes the writer the only one.
 */
export class LockRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async directory(directoryId: string): Promise<void> {
    if (isSqlite(this.db)) return;
    if (!this.db.isTransaction) throw new Error('a directory lock is taken inside a transaction');
    await sql`select pg_advisory_xact_lock(hashtext(${`directory:${directoryId}`}))`.execute(this.db);
  }
}

export class AccessKeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries,
  ) {}

  /**
   * The key with the directory its account manages, its RAM user's name and its account's RAM
   * revision, in one query. Kept in memory once its account manages a directory (directories are
   * never removed) until the database changes (`RowCache`): every change of the user, the key or
   * the revision is a change of the database, so a kept row is never stale.
   */
  async find(accessKeyId: string): Promise<AccessKeyRow | undefined> {
    const cached = this.queries.cached.accessKeys.get(accessKeyId);
    if (cached.row !== undefined) return { ...(cached.row as AccessKeyRow) };
    const result = await this.queries.run<AccessKeyRow>(
      this.db,
      'accessKeys.find',
      () =>
        this.db
          .selectFrom('access_keys')
          .innerJoin('accounts', 'accounts.id', 'access_keys.account_id')
          .leftJoin('directories', 'directories.master_account_id', 'access_keys.account_id')
          .leftJoin('ram_users', 'ram_users.user_id', 'access_keys.user_id')
          .selectAll('access_keys')
          .select(['directories.id as directory_id', 'ram_users.user_name as user_name', 'accounts.ram_revision as ram_revision'])
          .where('access_keys.id', '=', slot('accessKeyId')),
      { accessKeyId },
    );
    const found = result.rows[0];
    // pg may answer an integer column as a string, depending on its type parsers.
    const row = found === undefined ? undefined : { ...found, ram_revision: Number(found.ram_revision) };
    if (row !== undefined && row.directory_id !== null) cached.fill({ ...row });
    return row;
  }

  async insert(row: Insertable<AccessKeysTable>): Promise<void> {
    await this.db.insertInto('access_keys').values(row).execute();
  }

  /** Every key of every account, root and RAM users' alike, with the name of the user that owns it (null: a root key). */
  async list(): Promise<(StoredAccessKey & { user_name: string | null })[]> {
    return this.db
      .selectFrom('access_keys')
      .leftJoin('ram_users', 'ram_users.user_id', 'access_keys.user_id')
      .selectAll('access_keys')
      .select('ram_users.user_name as user_name')
      .orderBy('access_keys.created_at')
      .orderBy('access_keys.id')
      .execute();
  }

  async setStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    const result = await this.db.updateTable('access_keys').set({ status }).where('id', '=', accessKeyId).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async remove(accessKeyId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('access_keys').where('id', '=', accessKeyId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  // ── RAM: keys by owner (0008) ───────────────────────────────────────────────────────────────

  /** A key of the account, uncached (for writes). */
  async findInAccount(accountId: string, accessKeyId: string): Promise<StoredAccessKey | undefined> {
    return this.db.selectFrom('access_keys').selectAll().where('account_id', '=', accountId).where('id', '=', accessKeyId).executeTakeFirst();
  }

  /** The keys of a RAM user, or the account's root keys (`userId` null), oldest first. */
  async listOwnedBy(accountId: string, userId: string | null): Promise<StoredAccessKey[]> {
    return this.db
      .selectFrom('access_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('user_id', userId === null ? 'is' : '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async countOwnedBy(accountId: string, userId: string | null): Promise<number> {
    const row = await this.db
      .selectFrom('access_keys')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('account_id', '=', accountId)
      .where('user_id', userId === null ? 'is' : '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** How many root keys of the account are Active (the lock-out guard). */
  async countActiveRoot(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('access_keys')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('account_id', '=', accountId)
      .where('user_id', 'is', null)
      .where('status', '=', 'Active')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Sets `last_used_at` to `at` unless it is already later than `staleBefore`; true when it wrote. */
  async touchLastUsed(accessKeyId: string, at: string, staleBefore: string): Promise<boolean> {
    const result = await this.db
      .updateTable('access_keys')
      .set({ last_used_at: at })
      .where('id', '=', accessKeyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

export class DirectoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertAccount(row: Insertable<AccountsTable>): Promise<void> {
    await this.db.insertInto('accounts').values(row).execute();
  }

  async insertDirectory(row: Database['directories']): Promise<void> {
    await this.db.insertInto('directories').values(row).execute();
  }

  async insertFolder(row: Database['folders']): Promise<void> {
    await this.db.insertInto('folders').values(row).execute();
  }

  /** Records a new folder's ancestry: itself at distance 0, then `ancestorsNearestFirst`. */
  async insertFolderAncestry(folderId: string, ancestorsNearestFirst: readonly string[]): Promise<void> {
    await this.db
      .insertInto('folder_ancestors')
      .values([folderId, ...ancestorsNearestFirst].map((ancestorId, distance) => ({ folder_id: folderId, ancestor_id: ancestorId, distance })))
      .execute();
  }

  async findAccount(accountId: string) {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  }

  async findDirectoryOfAccount(accountId: string) {
    return this.db.selectFrom('directories').selectAll().where('master_account_id', '=', accountId).executeTakeFirst();
  }

  /** Management accounts in creation order, each with its directory. */
  async listManagementAccounts() {
    return this.db
      .selectFrom('accounts')
      .innerJoin('directories', 'directories.master_account_id', 'accounts.id')
      .select([
        'accounts.id as account_id',
        'accounts.display_name',
        'accounts.created_at',
        'directories.id as directory_id',
        'directories.root_folder_id',
      ])
      .orderBy('accounts.created_at')
      .orderBy('accounts.id')
      .execute();
  }
}

/** All repositories over one executor. */
export interface Repositories {
  contacts: ContactRepository;
  pendingTargets: PendingTargetRepository;
  tokens: VerificationTokenRepository;
  outbox: OutboxRepository;
  audit: AuditRepository;
  nonces: NonceRepository;
  nonceLog: NonceLogRepository;
  throttles: ThrottleRepository;
  locks: LockRepository;
  accessKeys: AccessKeyRepository;
  directory: DirectoryRepository;
  tree: TreeRepository;
  bindings: BindingRepository;
  recipients: RecipientQueries;
  /** RAM identities and policies (0008). */
  ram: IdentityRepositories;
  /** Counts by status, for the metrics. */
  gauges: GaugeQueries;
}

/**
 * `queries`: one per store, shared by the database and its transactions. `auditInserted` hears of
 * every audit event inserted through these repositories.
 */
export function repositories(
  db: Kysely<Database>,
  queries: CompiledQueries = new CompiledQueries(),
  auditInserted?: (event: NewAuditEvent) => void,
): Repositories {
  return {
    contacts: new ContactRepository(db, queries),
    pendingTargets: new PendingTargetRepository(db, queries),
    tokens: new VerificationTokenRepository(db, queries),
    outbox: new OutboxRepository(db),
    audit: new AuditRepository(db, queries, auditInserted),
    nonces: new NonceRepository(db, queries),
    nonceLog: new NonceLogRepository(db, queries),
    throttles: new ThrottleRepository(db),
    locks: new LockRepository(db),
    accessKeys: new AccessKeyRepository(db, queries),
    directory: new DirectoryRepository(db),
    tree: new TreeRepository(db),
    bindings: new BindingRepository(db, queries),
    recipients: new RecipientQueries(db),
    ram: identityRepositories(db),
    gauges: new GaugeQueries(db),
  };
}
