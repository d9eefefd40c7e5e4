/**
 * Queries of contact bindings, retained recipients and deletion jobs. Which accounts a binding covers
 * is computed at query time from the bindings and the folder closure (folder_ancestors): nothing is
 * materialized per account, so creates and moves need no fan-out writes. Dialect-neutral SQL only.
 */
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type {
  BindingKind,
  ContactBindingsTable,
  ContactDeletionsTable,
  Database,
  DeletionOutcome,
  DeletionProgressTable,
  RetainedRecipientsTable,
} from './schema.js';
import { CompiledQueries, slot } from './compiled.js';

export type BindingRow = Selectable<ContactBindingsTable>;
export type DeletionJobRow = Selectable<ContactDeletionsTable>;
export type ProgressRow = Selectable<DeletionProgressTable>;

/**
 * True when binding `b` (a contact_bindings row alias) covers member account `m` (a members alias):
 * a directory binding covers every member of the directory, a folder binding every member whose
 * folder has it as an ancestor (itself included), an account binding that account.
 */
const bindingCovers = sql`(
  (b.member_kind = 'directory' and b.member_id = m.directory_id)
  or (b.member_kind = 'account' and b.member_id = m.id)
  or (b.member_kind = 'folder' and exists (
    select 1 from folder_ancestors fa where fa.folder_id = m.folder_id and fa.ancestor_id = b.member_id)))`;

export class BindingRepository {
  constructor(
    readonly db: Kysely<Database>,
    private readonly queries: CompiledQueries = new CompiledQueries(),
  ) {}

  // ── Targets ─────────────────────────────────────────────────────────────────────────────────

  /** What a well-formed ID is in `directoryId`: the directory itself, a folder (Root included), a current member, or nothing. */
  async resolveTarget(directoryId: string, id: string): Promise<BindingKind | undefined> {
    if (id.startsWith('rd-')) return id === directoryId ? 'directory' : undefined;
    if (id.startsWith('r-') || id.startsWith('fd-')) {
      const folder = await this.db
        .selectFrom('folders')
        .select('id')
        .where('id', '=', id)
        .where('directory_id', '=', directoryId)
        .executeTakeFirst();
      return folder ? 'folder' : undefined;
    }
    const member = await this.db
      .selectFrom('members')
      .select('id')
      .where('id', '=', id)
      .where('directory_id', '=', directoryId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return member ? 'account' : undefined;
  }

  // ── Bindings ────────────────────────────────────────────────────────────────────────────────

  /** A contact's direct bindings in binding order; kept in memory until the database changes. */
  async listForContact(contactId: string): Promise<BindingRow[]> {
    const cached = this.queries.cached.contactBindings.get(contactId);
    if (cached.row !== undefined) return (cached.row as BindingRow[]).map((row) => ({ ...row }));
    const result = await this.queries.run<BindingRow>(
      this.db,
      'bindings.listForContact',
      () =>
        this.db
          .selectFrom('contact_bindings')
          .selectAll()
          .where('contact_id', '=', slot('contactId'))
          .orderBy('created_at')
          .orderBy('position')
          .orderBy('member_id'),
      { contactId },
    );
    cached.fill(result.rows.map((row) => ({ ...row })));
    return result.rows;
  }

  /** The direct bindings of several contacts, each contact's in binding order. */
  async listForContacts(contactIds: readonly string[]): Promise<BindingRow[]> {
    if (contactIds.length === 0) return [];
    return this.db
      .selectFrom('contact_bindings')
      .selectAll()
      .where('contact_id', 'in', contactIds)
      .orderBy('contact_id')
      .orderBy('created_at')
      .orderBy('position')
      .orderBy('member_id')
      .execute();
  }

  async insert(rows: readonly Insertable<ContactBindingsTable>[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('contact_bindings').values([...rows]).execute();
  }

  async remove(contactId: string, memberIds: readonly string[]): Promise<void> {
    if (memberIds.length === 0) return;
    await this.db.deleteFrom('contact_bindings').where('contact_id', '=', contactId).where('member_id', 'in', memberIds).execute();
  }

  async removeAllForContact(contactId: string): Promise<void> {
    await this.db.deleteFrom('contact_bindings').where('contact_id', '=', contactId).execute();
  }

  /** Every binding on one object (DeleteFolder runs this in its transaction). */
  async removeForTarget(memberId: string): Promise<void> {
    await this.db.deleteFrom('contact_bindings').where('member_id', '=', memberId).execute();
  }

  /**
   * Whether a contact being deleted (RetainContactInMembers=false) is bound directly to any of
   * `memberIds` (MoveAccount refuses with 429 when one is bound on the source or destination chain).
   */
  async deletingContactBoundTo(memberIds: readonly string[]): Promise<boolean> {
    if (memberIds.length === 0) return false;
    const row = await this.db
      .selectFrom('contact_bindings')
      .innerJoin('contacts', 'contacts.id', 'contact_bindings.contact_id')
      .select('contact_bindings.contact_id')
      .where('contact_bindings.member_id', 'in', memberIds)
      .where('contacts.lifecycle', '=', 'Deleting')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Visible contacts of the directory bound directly to `memberId`, with the binding time; binding order. */
  async contactsBoundTo(
    directoryId: string,
    memberId: string,
    offset: number,
    limit: number,
  ): Promise<{ contact_id: string; created_at: string }[]> {
    return this.boundToQuery(directoryId, memberId)
      .select(['contact_bindings.contact_id', 'contact_bindings.created_at'])
      .orderBy('contact_bindings.created_at')
      .orderBy('contacts.created_at')
      .orderBy('contacts.id')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  async countBoundTo(directoryId: string, memberId: string): Promise<number> {
    const row = await this.boundToQuery(directoryId, memberId)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The binding of one contact to one object, if any. */
  async find(contactId: string, memberId: string): Promise<BindingRow | undefined> {
    return this.db
      .selectFrom('contact_bindings')
      .selectAll()
      .where('contact_id', '=', contactId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
  }

  private boundToQuery(directoryId: string, memberId: string) {
    return this.db
      .selectFrom('contact_bindings')
      .innerJoin('contacts', 'contacts.id', 'contact_bindings.contact_id')
      .where('contact_bindings.member_id', '=', memberId)
      .where('contacts.directory_id', '=', directoryId)
      .where('contacts.lifecycle', '<>', 'Deleted');
  }

  // ── Resolution ──────────────────────────────────────────────────────────────────────────────

  /** The current member accounts a contact's bindings cover, by account ID. */
  async coveredAccounts(directoryId: string, contactId: string): Promise<string[]> {
    const result = await sql<{ id: string }>`
      select m.id as id from members m
      where m.directory_id = ${directoryId} and m.removed_at is null
        and exists (select 1 from contact_bindings b where b.contact_id = ${contactId} and ${bindingCovers})
      order by m.id`.execute(this.db);
    return result.rows.map((row) => row.id);
  }

  /** Up to `limit` covered accounts that the contact's deletion job has not processed yet, by account ID. */
  async unprocessedCoveredAccounts(
    directoryId: string,
    contactId: string,
    limit: number,
    /** Only accounts after this ID: the job's cursor, so a step does not rescan what it has done. */
    afterId = '',
  ): Promise<string[]> {
    const result = await sql<{ id: string }>`
      select m.id as id from members m
      where m.directory_id = ${directoryId} and m.removed_at is null and m.id > ${afterId}
        and exists (select 1 from contact_bindings b where b.contact_id = ${contactId} and ${bindingCovers})
        and not exists (select 1 from deletion_progress p where p.contact_id = ${contactId} and p.account_id = m.id)
      order by m.id
      limit ${limit}`.execute(this.db);
    return result.rows.map((row) => row.id);
  }

  /** The highest account ID the contact's deletion job has decided, or '' before the first. */
  async lastProcessedAccount(contactId: string): Promise<string> {
    const row = await this.db
      .selectFrom('deletion_progress')
      .select((eb) => eb.fn.max('account_id').as('last'))
      .where('contact_id', '=', contactId)
      .executeTakeFirst();
    return row?.last ?? '';
  }


  /**
   * Of `types`, those for which `accountId` has a verified recipient other than `contactId`: a Live or
   * Deleting contact with a verified email or phone that covers the account with that type and has
   * not been released from it by its own deletion job, or a retained recipient with an address.
   */
  async typesWithOtherRecipient(accountId: string, contactId: string, types: readonly string[]): Promise<string[]> {
    if (types.length === 0) return [];
    const typeList = sql.join([...types]);
    const result = await sql<{ message_type: string }>`
      select t.message_type as message_type
      from contact_message_types t
      inner join contacts c on c.id = t.contact_id
      inner join members m on m.id = ${accountId}
      where c.directory_id = m.directory_id and c.id <> ${contactId}
        and c.lifecycle in ('Live', 'Deleting')
        and (c.email is not null or c.phone is not null)
        and t.message_type in (${typeList})
        and not exists (select 1 from deletion_progress p
          where p.contact_id = c.id and p.account_id = m.id and p.outcome = 'Released')
        and exists (select 1 from contact_bindings b where b.contact_id = c.id and ${bindingCovers})
      union
      select r.message_type as message_type from retained_recipients r
      where r.account_id = ${accountId} and r.message_type in (${typeList})
        and (r.email is not null or r.phone is not null)`.execute(this.db);
    return [...new Set(result.rows.map((row) => row.message_type))];
  }

  /**
   * Removes the contact's bindings that cover none of the accounts its deletion job marked Failed
   * (wherever those accounts are now).
   */
  async removeBindingsCoveringNoFailedAccount(contactId: string): Promise<void> {
    await sql`
      delete from contact_bindings
      where contact_id = ${contactId}
        and not exists (
          select 1 from contact_bindings b
          inner join deletion_progress p on p.contact_id = b.contact_id and p.outcome = 'Failed'
          inner join members m on m.id = p.account_id
          where b.contact_id = contact_bindings.contact_id and b.member_id = contact_bindings.member_id
            and ${bindingCovers})`.execute(this.db);
  }

  // ── Retained recipients ─────────────────────────────────────────────────────────────────────

  async insertRetained(rows: readonly RetainedRecipientsTable[]): Promise<void> {
    // SQLite limits bound parameters per statement: insert in slices.
    for (let i = 0; i < rows.length; i += 100) {
      await this.db.insertInto('retained_recipients').values(rows.slice(i, i + 100)).execute();
    }
  }

  /** RemoveCloudAccount: the account no longer keeps retained recipients. */
  async removeRetainedForAccount(accountId: string): Promise<void> {
    await this.db.deleteFrom('retained_recipients').where('account_id', '=', accountId).execute();
  }

  async listRetainedForAccount(accountId: string): Promise<Selectable<RetainedRecipientsTable>[]> {
    return this.db
      .selectFrom('retained_recipients')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('retained_at')
      .orderBy('contact_id')
      .orderBy('message_type')
      .execute();
  }

  // ── Deletion jobs ───────────────────────────────────────────────────────────────────────────

  async findJob(contactId: string): Promise<DeletionJobRow | undefined> {
    return this.db.selectFrom('contact_deletions').selectAll().where('contact_id', '=', contactId).executeTakeFirst();
  }

  async insertJob(row: ContactDeletionsTable): Promise<void> {
    await this.db.insertInto('contact_deletions').values(row).execute();
  }

  async removeJob(contactId: string): Promise<void> {
    await this.db.deleteFrom('contact_deletions').where('contact_id', '=', contactId).execute();
  }

  async markJobFailed(contactId: string, now: string): Promise<void> {
    await this.db
      .updateTable('contact_deletions')
      .set({ status: 'Failed', updated_at: now, lease_owner: null, lease_expires_at: null })
      .where('contact_id', '=', contactId)
      .execute();
  }

  /** Running jobs, oldest first (the runner decides which leases it may take). */
  async claimableJobs(_now: string, limit: number): Promise<DeletionJobRow[]> {
    return this.db
      .selectFrom('contact_deletions')
      .selectAll()
      .where('status', '=', 'Deleting')
      .orderBy('started_at')
      .orderBy('contact_id')
      .limit(limit)
      .execute();
  }

  /**
   * Takes or renews the lease on a running job: only if the lease is free, expired, already `owner`'s,
   * or held by `stealFrom` (a dead process). False when another runner holds a live lease.
   */
  async claimJob(contactId: string, owner: string, now: string, expiresAt: string, stealFrom?: string): Promise<boolean> {
    const result = await this.db
      .updateTable('contact_deletions')
      .set({ lease_owner: owner, lease_expires_at: expiresAt, updated_at: now })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'Deleting')
      .where((eb) =>
        eb.or([
          eb('lease_owner', 'is', null),
          eb('lease_expires_at', '<', now),
          eb('lease_owner', '=', owner),
          ...(stealFrom ? [eb('lease_owner', '=', stealFrom)] : []),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseLease(contactId: string, owner: string): Promise<void> {
    await this.db
      .updateTable('contact_deletions')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('contact_id', '=', contactId)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async insertProgress(row: DeletionProgressTable): Promise<void> {
    await this.db.insertInto('deletion_progress').values(row).execute();
  }

  async listProgress(contactId: string, outcome?: DeletionOutcome): Promise<ProgressRow[]> {
    let query = this.db.selectFrom('deletion_progress').selectAll().where('contact_id', '=', contactId);
    if (outcome) query = query.where('outcome', '=', outcome);
    return query.orderBy('processed_at').orderBy('account_id').execute();
  }

  async removeProgress(contactId: string, outcome?: DeletionOutcome): Promise<void> {
    let query = this.db.deleteFrom('deletion_progress').where('contact_id', '=', contactId);
    if (outcome) query = query.where('outcome', '=', outcome);
    await query.execute();
  }
}
