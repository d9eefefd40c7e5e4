/** Contact bindings to the directory, folders and member accounts, and the asynchronous delete. */
import type { Store } from '../store/store.js';
import type { BindingKind } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { type ContactService, checkContactId } from './contacts.js';
import { DeletionRunner, type DeletionRunnerOptions } from './deletion-runner.js';
import { ApiError } from './errors.js';
import type { Tenant } from './tenant.js';
import { type Clock, toStored } from './time.js';

/** The directory (`rd-`+6), Root (`r-`+6), a folder (`fd-`+10) or a member account (16 digits). */
export const bindingTargetPattern = /^(?:rd-[A-Za-z0-9]{6}|r-[A-Za-z0-9]{6}|fd-[A-Za-z0-9]{10}|\d{16})$/;
export const isBindingTarget = (id: string): boolean => bindingTargetPattern.test(id);

/** Bound objects per contact (spec api.md §2.4). */
export const maxBindingsPerContact = 10;
/** IDs per Associate/Disassociate call. */
export const maxMembersPerCall = 5;

export interface BindingChange {
  contactId: string;
  memberId: string;
  /** Stored timestamp: when it was bound (Associate) or unbound (Disassociate). */
  modifiedAt: string;
}

export interface DeletionStatusReport {
  contactId: string;
  status?: 'Deleting' | 'Failed';
  failures: { accountId: string; messageTypes: string[] }[];
}

function checkMembers(members: readonly string[] | undefined, tooMany: 'InvalidParameter.Members' | 'InvalidParameter.Members.Length'): string[] {
  if (!members || members.length === 0) throw new ApiError('MissingParameter.Members');
  if (members.length > maxMembersPerCall) throw new ApiError(tooMany);
  if (!members.every(isBindingTarget)) throw new ApiError('InvalidParameter.Members');
  if (new Set(members).size !== members.length) throw new ApiError('InvalidParameter.Members.Duplicate');
  return [...members];
}

export class BindingService {
  readonly runner: DeletionRunner;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly contacts: ContactService,
    runnerOptions: DeletionRunnerOptions = {},
  ) {
    this.runner = new DeletionRunner(store, clock, runnerOptions);
  }

  /** Binds every ID or none; IDs already bound keep their original binding time. */
  async associate(tenant: Tenant, contactIdParam: string | undefined, membersParam: string[] | undefined): Promise<BindingChange[]> {
    const contactId = checkContactId(contactIdParam);
    const memberIds = checkMembers(membersParam, 'InvalidParameter.Members');
    const row = await this.contacts.loadWritable(tenant, contactId);
    const now = toStored(this.clock());
    // Targets and the limit are checked inside the transaction, so a folder deleted meanwhile
    // cannot be bound.
    const existing = await this.store.transaction(async (tx) => {
      // Quotas, limits and the tree are checked under the directory's lock (PostgreSQL: other instances).
      await tx.locks.directory(tenant.directoryId);
      const kinds = new Map<string, BindingKind>();
      for (const id of memberIds) {
        const kind = await tx.bindings.resolveTarget(tenant.directoryId, id);
        if (!kind) throw new ApiError('InvalidMember');
        kinds.set(id, kind);
      }
      const bound = new Map((await tx.bindings.listForContact(contactId)).map((b) => [b.member_id, b]));
      const added = memberIds.filter((id) => !bound.has(id));
      if (bound.size + added.length > maxBindingsPerContact) throw new ApiError('LimitExceeded.ContactMembers');
      if (added.length === 0) return bound;
      const nextPosition = Math.max(0, ...[...bound.values()].map((b) => b.position)) + 1;
      await this.contacts.claim(tx, row, { updated_at: now });
      await tx.bindings.insert(
        added.map((id, index) => ({
          contact_id: contactId,
          member_id: id,
          member_kind: kinds.get(id)!,
          created_at: now,
          position: nextPosition + index,
        })),
      );
      await recordAudit(tx, tenant, now, 'AssociateMembers', contactId, { Members: added });
      return bound;
    });
    return memberIds.map((id) => ({ contactId, memberId: id, modifiedAt: existing.get(id)?.created_at ?? now }));
  }

  /**
   * Unbinds every ID or none. A bound ID is accepted even if it no longer resolves (a removed account);
   * an ID that resolves but is not bound is an idempotent success; one that does neither is InvalidMember.
   */
  async disassociate(tenant: Tenant, contactIdParam: string | undefined, membersParam: string[] | undefined): Promise<BindingChange[]> {
    const contactId = checkContactId(contactIdParam);
    const memberIds = checkMembers(membersParam, 'InvalidParameter.Members.Length');
    const row = await this.contacts.loadWritable(tenant, contactId);
    const now = toStored(this.clock());
    await this.store.transaction(async (tx) => {
      const bound = new Set((await tx.bindings.listForContact(contactId)).map((b) => b.member_id));
      for (const id of memberIds) {
        if (!bound.has(id) && !(await tx.bindings.resolveTarget(tenant.directoryId, id))) throw new ApiError('InvalidMember');
      }
      const removed = memberIds.filter((id) => bound.has(id));
      if (removed.length === 0) return;
      await this.contacts.claim(tx, row, { updated_at: now });
      await tx.bindings.remove(contactId, removed);
      await recordAudit(tx, tenant, now, 'DisassociateMembers', contactId, { Members: removed });
    });
    return memberIds.map((id) => ({ contactId, memberId: id, modifiedAt: now }));
  }

  /** Deleting (with the failures so far), Failed (until the next delete), or no status when never deleted. */
  async deletionStatus(tenant: Tenant, contactIdParam: string | undefined): Promise<DeletionStatusReport> {
    const contactId = checkContactId(contactIdParam);
    // The job first, then the contact: a job that finishes between the two reads (on PostgreSQL each
    // read sees the latest commits) then shows as a contact that no longer exists, never as a
    // contact with no deletion status.
    const job = await this.store.bindings.findJob(contactId);
    await this.contacts.load(tenant, contactId);
    if (!job) return { contactId, failures: [] };
    const failed = await this.store.bindings.listProgress(contactId, 'Failed');
    return {
      contactId,
      status: job.status,
      failures: failed.map((row) => ({ accountId: row.account_id, messageTypes: JSON.parse(row.message_types ?? '[]') as string[] })),
    };
  }
}
