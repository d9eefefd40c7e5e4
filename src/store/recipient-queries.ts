/**
 * Resolution queries: which contacts reach which member accounts. A contact reaches an account
 * through a binding on the account, on a folder that contains it (any depth, through
 * folder_ancestors), or on the directory; or as a retained recipient after its deletion. Each
 * question is answered with a fixed number of queries, whatever the size of the directory.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export type SourceKind = 'account' | 'folder' | 'directory';

export interface ReachingContactRow {
  contact_id: string;
  source_id: string;
  source_kind: SourceKind;
  name: string;
  title: string;
  message_types: string;
  email: string | null;
  phone: string | null;
  lifecycle: string;
  /** 1 when an email or phone of the contact awaits verification. */
  has_pending: number | string | boolean;
}

export interface RetainedRow {
  contact_id: string;
  message_type: string;
  name: string;
  email: string | null;
  phone: string | null;
}

/** What resolution needs of a member account (a row of `members`). */
export interface MemberRow {
  id: string;
  directory_id: string;
  folder_id: string;
  display_name: string;
}

export interface CoveredPair {
  account_id: string;
  message_type: string;
}

export class RecipientQueries {
  constructor(readonly db: Kysely<Database>) {}

  /**
   * Every binding through which a live or deleting contact reaches `member`, except where the
   * contact's deletion job has already released that account.
   */
  async bindingsReaching(member: MemberRow): Promise<ReachingContactRow[]> {
    const base = this.db
      .selectFrom('contact_bindings as b')
      .innerJoin('contacts as c', 'c.id', 'b.contact_id')
      .where('c.lifecycle', '<>', 'Deleted')
      .where('c.directory_id', '=', member.directory_id)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('deletion_progress as p')
              .select('p.account_id')
              .whereRef('p.contact_id', '=', 'c.id')
              .where('p.account_id', '=', member.id)
              .where('p.outcome', '=', 'Released'),
          ),
        ),
      );
    return base
      .select(['b.contact_id', 'b.member_id as source_id', 'b.member_kind as source_kind'])
      .select(['c.name', 'c.title', 'c.message_types', 'c.email', 'c.phone', 'c.lifecycle'])
      .select(({ exists, selectFrom }) =>
        exists(selectFrom('pending_targets as t').select('t.kind').whereRef('t.contact_id', '=', 'c.id')).as('has_pending'),
      )
      .where((eb) =>
        eb.or([
          eb('b.member_id', '=', member.id),
          eb('b.member_id', '=', member.directory_id),
          eb(
            'b.member_id',
            'in',
            eb.selectFrom('folder_ancestors').select('ancestor_id').where('folder_id', '=', member.folder_id),
          ),
        ]),
      )
      .orderBy('b.contact_id')
      .orderBy('b.member_id')
      .execute();
  }

  async retainedFor(accountId: string): Promise<RetainedRow[]> {
    return this.db
      .selectFrom('retained_recipients')
      .select(['contact_id', 'message_type', 'name', 'email', 'phone'])
      .where('account_id', '=', accountId)
      .orderBy('contact_id')
      .orderBy('message_type')
      .execute();
  }

  async pageOfMembers(directoryId: string, offset: number, limit: number): Promise<MemberRow[]> {
    return this.db
      .selectFrom('members')
      .select(['id', 'directory_id', 'folder_id', 'display_name'])
      .where('directory_id', '=', directoryId)
      .where('removed_at', 'is', null)
      .orderBy('join_time')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  /**
   * (account, message type) pairs of the directory that have at least one verified recipient: a
   * live or deleting contact with a verified email or phone that reaches the account and takes that
   * type, or a retained recipient with a verified email or phone. `accountIds` narrows to a page.
   */
  private coveredPairs(directoryId: string, messageType?: string, accountIds?: readonly string[]) {
    const db = this.db;
    const reach = (via: 'account' | 'folder' | 'directory') => {
      let query = db
        .selectFrom('members as m')
        .$if(via === 'folder', (q) => q.innerJoin('folder_ancestors as fa', 'fa.folder_id', 'm.folder_id'))
        .innerJoin('contact_bindings as b', (join) =>
          via === 'account'
            ? join.onRef('b.member_id', '=', 'm.id')
            : via === 'directory'
              ? join.onRef('b.member_id', '=', 'm.directory_id')
              : join.onRef('b.member_id', '=', sql.ref('fa.ancestor_id')),
        )
        .innerJoin('contacts as c', 'c.id', 'b.contact_id')
        .innerJoin('contact_message_types as t', 't.contact_id', 'c.id')
        .select(['m.id as account_id', 't.message_type'])
        .where('m.directory_id', '=', directoryId)
        .where('m.removed_at', 'is', null)
        .where('c.lifecycle', '<>', 'Deleted')
        .where((eb) => eb.or([eb('c.email', 'is not', null), eb('c.phone', 'is not', null)]))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('deletion_progress as p')
                .select('p.account_id')
                .whereRef('p.contact_id', '=', 'c.id')
                .whereRef('p.account_id', '=', 'm.id')
                .where('p.outcome', '=', 'Released'),
            ),
          ),
        );
      if (messageType) query = query.where('t.message_type', '=', messageType);
      if (accountIds) query = query.where('m.id', 'in', accountIds);
      return query;
    };
    let retained = db
      .selectFrom('retained_recipients as r')
      .innerJoin('members as m', 'm.id', 'r.account_id')
      .select(['r.account_id', 'r.message_type'])
      .where('m.directory_id', '=', directoryId)
      .where('m.removed_at', 'is', null)
      .where((eb) => eb.or([eb('r.email', 'is not', null), eb('r.phone', 'is not', null)]));
    if (messageType) retained = retained.where('r.message_type', '=', messageType);
    if (accountIds) retained = retained.where('r.account_id', 'in', accountIds);
    return reach('account').union(reach('folder')).union(reach('directory')).union(retained);
  }

  /** Covered pairs of the given accounts (one page of a coverage report). */
  async coveredPairsOf(directoryId: string, accountIds: readonly string[], messageType?: string): Promise<CoveredPair[]> {
    if (accountIds.length === 0) return [];
    return this.coveredPairs(directoryId, messageType, accountIds).execute();
  }

  /** For each message type, how many current members have a verified recipient of it. */
  async coveredCountsByType(directoryId: string, messageType?: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom(this.coveredPairs(directoryId, messageType).as('covered'))
      .select(['covered.message_type', (eb) => eb.fn.countAll<number | string>().as('accounts')])
      .groupBy('covered.message_type')
      .execute();
    return new Map(rows.map((row) => [row.message_type, Number(row.accounts)]));
  }
}
