/**
 * The contact lifecycle: add, update, read, delete, pending email and phone targets, cancel.
 * Every write is one transaction, conditional on the version of the contact it read.
 */
import type { ContactRow, Repositories } from '../store/repositories.js';
import type { Store } from '../store/store.js';
import type { TargetKind } from '../store/schema.js';
import { isUniqueViolation } from '../store/constraint.js';
import { isBindingTarget } from './bindings.js';
import { checkEmail, checkMessageTypes, checkName, checkPhone, checkTitle } from './contact-fields.js';
import { ApiError } from './errors.js';
import { isContactId, newContactId } from './ids.js';
import { recordAudit } from './audit.js';
import { retireTokens } from './delivery-queue.js';
import type { Tenant } from './tenant.js';
import { type Clock, toStored } from './time.js';

export type ContactStatus = 'Verifying' | 'Active' | 'Deleting';

export interface Contact {
  id: string;
  name: string;
  title: string;
  messageTypes: string[];
  /** The newest email: the pending one if any, else the verified one. */
  emailAddress: string | null;
  /** The newest phone number: the pending one if any, else the verified one. */
  phoneNumber: string | null;
  /** The verified values: the ones that receive messages. */
  verifiedEmailAddress: string | null;
  verifiedPhoneNumber: string | null;
  status: ContactStatus;
  /** The IDs bound directly (directory, folders, accounts), in binding order. */
  members: string[];
  createdAt: string;
  /** With a `Member` filter: when the contact was bound to that member (stored form). */
  associatedAt?: string;
}

export interface ContactInput {
  name?: string;
  emailAddress?: string;
  phoneNumber?: string;
  title?: string;
  messageTypes?: string[];
}

export interface Page {
  pageNumber: number;
  pageSize: number;
}

export interface ContactRules {
  maxContactsPerDirectory: number;
  phoneCountryCodes: readonly string[];
}

export interface PendingVerification {
  contactId: string;
  target: string;
}

export function toContact(row: ContactRow, members: string[] = []): Contact {
  const pending = row.pending_email !== null || row.pending_phone !== null;
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    messageTypes: JSON.parse(row.message_types) as string[],
    emailAddress: row.pending_email ?? row.email,
    phoneNumber: row.pending_phone ?? row.phone,
    verifiedEmailAddress: row.email,
    verifiedPhoneNumber: row.phone,
    status: row.lifecycle === 'Deleting' ? 'Deleting' : pending ? 'Verifying' : 'Active',
    members,
    createdAt: row.created_at,
  };
}

/** `MissingParameter.ContactId` / `InvalidParameter.ContactId`, in that order. */
export function checkContactId(contactId: string | undefined): string {
  if (!contactId) throw new ApiError('MissingParameter.ContactId');
  if (!isContactId(contactId)) throw new ApiError('InvalidParameter.ContactId');
  return contactId;
}

export class ContactService {
  /** Called after a RetainContactInMembers=false delete has committed its job (wakes the runner). */
  deletionEnqueued: () => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly rules: ContactRules,
  ) {}

  async add(tenant: Tenant, input: ContactInput): Promise<{ id: string; createdAt: string }> {
    if (!input.name) throw new ApiError('MissingParameter.Name');
    const name = checkName(input.name);
    if (!input.emailAddress) throw new ApiError('MissingParameter.EmailAddress');
    const email = checkEmail(input.emailAddress);
    const phone = input.phoneNumber ? checkPhone(input.phoneNumber, this.rules.phoneCountryCodes) : null;
    if (!input.title) throw new ApiError('MissingParameter.Title');
    const title = checkTitle(input.title);
    if (!input.messageTypes) throw new ApiError('MissingParameter.MessageTypes');
    const messageTypes = checkMessageTypes(input.messageTypes);

    const now = toStored(this.clock());
    const id = newContactId();
    try {
      await this.store.transaction(async (tx) => {
        // Quotas, limits and the tree are checked under the directory's lock (PostgreSQL: other instances).
        await tx.locks.directory(tenant.directoryId);
        if (await tx.contacts.nameTaken(tenant.directoryId, name)) throw new ApiError('InvalidParameter.Name.AlreadyUsed');
        if ((await tx.contacts.countVisible(tenant.directoryId)) >= this.rules.maxContactsPerDirectory) {
          throw new ApiError('LimitExceeded.Contacts');
        }
        await tx.contacts.insert({
          id,
          directory_id: tenant.directoryId,
          name,
          title,
          message_types: JSON.stringify(messageTypes),
          email: null,
          phone: null,
          lifecycle: 'Live',
          version: 1,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        });
        await tx.contacts.setMessageTypes(id, messageTypes);
        await tx.pendingTargets.put({ contact_id: id, kind: 'email', target: email, created_at: now });
        if (phone) await tx.pendingTargets.put({ contact_id: id, kind: 'phone', target: phone, created_at: now });
        await recordAudit(tx, tenant, now, 'AddMessageContact', id, {
          Name: name,
          EmailAddress: email,
          ...(phone ? { PhoneNumber: phone } : {}),
          Title: title,
          MessageTypes: messageTypes,
        });
      });
    } catch (error) {
      // Two Adds with one name at the same moment: the unique index decides.
      if (isUniqueViolation(error)) throw new ApiError('InvalidParameter.Name.AlreadyUsed');
      throw error;
    }
    return { id, createdAt: now };
  }

  async update(tenant: Tenant, contactIdParam: string | undefined, input: ContactInput): Promise<void> {
    const contactId = checkContactId(contactIdParam);
    const name = input.name ? checkName(input.name) : undefined;
    const email = input.emailAddress ? checkEmail(input.emailAddress) : undefined;
    const phone = input.phoneNumber ? checkPhone(input.phoneNumber, this.rules.phoneCountryCodes) : undefined;
    const title = input.title ? checkTitle(input.title) : undefined;
    const messageTypes = input.messageTypes ? checkMessageTypes(input.messageTypes) : undefined;

    const row = await this.loadWritable(tenant, contactId);
    const contact = toContact(row);
    const now = toStored(this.clock());
    const changes: Record<string, unknown> = {};
    const columns: Partial<{ name: string; title: string; message_types: string }> = {};

    if (name !== undefined && name !== contact.name) {
      if (await this.store.contacts.nameTaken(tenant.directoryId, name, contactId)) {
        throw new ApiError('InvalidParameter.Name.AlreadyUsed');
      }
      columns.name = name;
      changes.Name = name;
    }
    if (title !== undefined && title !== contact.title) {
      columns.title = title;
      changes.Title = title;
    }
    if (messageTypes !== undefined && JSON.stringify(messageTypes) !== JSON.stringify(contact.messageTypes)) {
      columns.message_types = JSON.stringify(messageTypes);
      changes.MessageTypes = messageTypes;
    }
    const targetChanges: { kind: TargetKind; pending: string | null }[] = [];
    for (const [kind, given, shown, verified, field] of [
      ['email', email, contact.emailAddress, contact.verifiedEmailAddress, 'EmailAddress'],
      ['phone', phone, contact.phoneNumber, contact.verifiedPhoneNumber, 'PhoneNumber'],
    ] as const) {
      if (given === undefined || given === shown) continue; // unchanged: nothing new to verify
      // Going back to the verified value drops the pending one; anything else becomes pending.
      targetChanges.push({ kind, pending: given === verified ? null : given });
      changes[field] = given;
    }
    if (Object.keys(changes).length === 0) return;

    try {
      await this.store.transaction(async (tx) => {
        await this.claim(tx, row, { ...columns, updated_at: now });
        if (messageTypes !== undefined && columns.message_types !== undefined) {
          await tx.contacts.setMessageTypes(contactId, messageTypes);
        }
        for (const change of targetChanges) {
          await retireTokens(tx, contactId, 'Superseded', change.kind);
          if (change.pending === null) await tx.pendingTargets.remove(contactId, change.kind);
          else await tx.pendingTargets.put({ contact_id: contactId, kind: change.kind, target: change.pending, created_at: now });
        }
        await recordAudit(tx, tenant, now, 'UpdateMessageContact', contactId, changes);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ApiError('InvalidParameter.Name.AlreadyUsed');
      throw error;
    }
  }

  async get(tenant: Tenant, contactIdParam: string | undefined): Promise<Contact> {
    const contactId = checkContactId(contactIdParam);
    return this.withMembers(await this.load(tenant, contactId));
  }

  private async withMembers(row: ContactRow): Promise<Contact> {
    const bindings = await this.store.bindings.listForContact(row.id);
    return toContact(
      row,
      bindings.map((b) => b.member_id),
    );
  }

  private async allWithMembers(rows: ContactRow[]): Promise<Contact[]> {
    const bindings = await this.store.bindings.listForContacts(rows.map((row) => row.id));
    const members = new Map<string, string[]>();
    for (const b of bindings) {
      const list = members.get(b.contact_id) ?? [];
      list.push(b.member_id);
      members.set(b.contact_id, list);
    }
    return rows.map((row) => toContact(row, members.get(row.id) ?? []));
  }

  async list(
    tenant: Tenant,
    filter: { contactId?: string; member?: string },
    page: Page,
  ): Promise<{ contacts: Contact[]; total: number }> {
    const contactId = filter.contactId !== undefined ? checkContactId(filter.contactId) : undefined;
    if (filter.member !== undefined && !isBindingTarget(filter.member)) throw new ApiError('InvalidParameter.Member');
    const offset = (page.pageNumber - 1) * page.pageSize;
    if (contactId !== undefined) {
      const contact = await this.get(tenant, contactId);
      if (filter.member !== undefined) {
        const binding = await this.store.bindings.find(contactId, filter.member);
        if (!binding) return { contacts: [], total: 0 };
        contact.associatedAt = binding.created_at;
      }
      return { contacts: page.pageNumber === 1 ? [contact] : [], total: 1 };
    }
    if (filter.member !== undefined) {
      // The contacts bound directly to that object (no inheritance), in binding order.
      const [bound, total] = await Promise.all([
        this.store.bindings.contactsBoundTo(tenant.directoryId, filter.member, offset, page.pageSize),
        this.store.bindings.countBoundTo(tenant.directoryId, filter.member),
      ]);
      const rows: ContactRow[] = [];
      for (const b of bound) {
        const row = await this.store.contacts.findVisible(tenant.directoryId, b.contact_id);
        if (row) rows.push(row);
      }
      const contacts = await this.allWithMembers(rows);
      const dates = new Map(bound.map((b) => [b.contact_id, b.created_at]));
      for (const contact of contacts) contact.associatedAt = dates.get(contact.id);
      return { contacts, total };
    }
    const [rows, total] = await Promise.all([
      this.store.contacts.listVisible(tenant.directoryId, offset, page.pageSize),
      this.store.contacts.countVisible(tenant.directoryId),
    ]);
    return { contacts: await this.allWithMembers(rows), total };
  }

  /**
   * RetainContactInMembers=true (the default): deleted at once; every account it covered keeps it as
   * a retained recipient (verified email/phone only, one row per message type). false: Deleting, with
   * a durable job row in the same transaction; the job (deletion-runner.ts) unbinds account by account.
   */
  async delete(tenant: Tenant, contactIdParam: string | undefined, retain = true): Promise<'Deleted' | 'Deleting'> {
    const contactId = checkContactId(contactIdParam);
    const row = await this.load(tenant, contactId);
    // A second delete while the job runs: the spec's table has no status code, only 429.
    if (row.lifecycle === 'Deleting') throw new ApiError('ConcurrentCallNotSupported');
    const now = toStored(this.clock());
    if (!retain) {
      await this.store.transaction(async (tx) => {
        await this.claim(tx, row, { lifecycle: 'Deleting', updated_at: now });
        // A Failed report of an earlier attempt ends with this delete.
        await tx.bindings.removeJob(contactId);
        await tx.bindings.removeProgress(contactId);
        await tx.bindings.insertJob({
          contact_id: contactId,
          directory_id: tenant.directoryId,
          status: 'Deleting',
          actor: tenant.actor,
          started_at: now,
          updated_at: now,
          lease_owner: null,
          lease_expires_at: null,
        });
        await recordAudit(tx, tenant, now, 'DeleteMessageContact', contactId, { Status: 'Deleting', RetainContactInMembers: false });
      });
      this.deletionEnqueued();
      return 'Deleting';
    }
    await this.store.transaction(async (tx) => {
      await this.claim(tx, row, { lifecycle: 'Deleted', deleted_at: now, updated_at: now });
      const accounts = await tx.bindings.coveredAccounts(tenant.directoryId, contactId);
      const types = JSON.parse(row.message_types) as string[];
      // Only a contact with a verified email or phone was anyone's recipient, so only it is retained.
      const reachable = row.email !== null || row.phone !== null;
      if (reachable) await tx.bindings.insertRetained(
        accounts.flatMap((accountId) =>
          types.map((type) => ({
            account_id: accountId,
            contact_id: contactId,
            message_type: type,
            name: row.name,
            email: row.email,
            phone: row.phone,
            retained_at: now,
          })),
        ),
      );
      await tx.bindings.removeAllForContact(contactId);
      await tx.bindings.removeJob(contactId);
      await tx.bindings.removeProgress(contactId);
      await tx.pendingTargets.removeAll(contactId);
      await retireTokens(tx, contactId, 'Cancelled');
      await recordAudit(tx, tenant, now, 'DeleteMessageContact', contactId, {
        Status: 'Deleted',
        ...(reachable && accounts.length > 0 ? { RetainedInAccounts: accounts.length } : {}),
      });
    });
    return 'Deleted';
  }

  async cancelUpdate(
    tenant: Tenant,
    contactIdParam: string | undefined,
    targets: { emailAddress?: string; phoneNumber?: string },
  ): Promise<void> {
    const contactId = checkContactId(contactIdParam);
    const phone = targets.phoneNumber ? checkPhone(targets.phoneNumber, this.rules.phoneCountryCodes) : undefined;
    const email = targets.emailAddress ? checkEmail(targets.emailAddress) : undefined;
    const row = await this.loadWritable(tenant, contactId);

    const kinds: TargetKind[] = [];
    if (email === undefined && phone === undefined) {
      if (row.pending_email !== null) kinds.push('email');
      if (row.pending_phone !== null) kinds.push('phone');
    } else {
      if (email !== undefined) {
        if (row.pending_email !== email) throw new ApiError('ContactStatusMismatchAction');
        kinds.push('email');
      }
      if (phone !== undefined) {
        if (row.pending_phone !== phone) throw new ApiError('ContactStatusMismatchAction');
        kinds.push('phone');
      }
    }
    // Nothing pending, or the first email of a contact that has no verified one to fall back to.
    if (kinds.length === 0 || (kinds.includes('email') && row.email === null)) {
      throw new ApiError('ContactStatusMismatchAction');
    }

    const now = toStored(this.clock());
    await this.store.transaction(async (tx) => {
      await this.claim(tx, row, { updated_at: now });
      const changes: Record<string, unknown> = {};
      for (const kind of kinds) {
        await tx.pendingTargets.remove(contactId, kind);
        await retireTokens(tx, contactId, 'Cancelled', kind);
        changes[kind === 'email' ? 'EmailAddress' : 'PhoneNumber'] = kind === 'email' ? row.email : row.phone;
      }
      await recordAudit(tx, tenant, now, 'CancelMessageContactUpdate', contactId, changes);
    });
  }

  async listVerifications(
    tenant: Tenant,
    contactIdParam: string | undefined,
    page: Page,
  ): Promise<{ verifications: PendingVerification[]; total: number }> {
    const contactId = checkContactId(contactIdParam);
    await this.load(tenant, contactId);
    const offset = (page.pageNumber - 1) * page.pageSize;
    const [rows, total] = await Promise.all([
      this.store.pendingTargets.listForContact(contactId, offset, page.pageSize),
      this.store.pendingTargets.countForContact(contactId),
    ]);
    return { verifications: rows.map((row) => ({ contactId: row.contact_id, target: row.target })), total };
  }

  /** The contact, or `EntityNotExists.Contact` when it is not one of the tenant's. */
  async load(tenant: Tenant, contactId: string): Promise<ContactRow> {
    const row = await this.store.contacts.findVisible(tenant.directoryId, contactId);
    if (!row) throw new ApiError('EntityNotExists.Contact');
    return row;
  }

  /** As `load`, for a write: a contact being deleted takes no other change. */
  async loadWritable(tenant: Tenant, contactId: string): Promise<ContactRow> {
    const row = await this.load(tenant, contactId);
    if (row.lifecycle === 'Deleting') throw new ApiError('ContactStatusMismatchAction');
    return row;
  }

  /** Takes the write: bumps the version the caller read, or fails with `ConcurrentCallNotSupported`. */
  async claim(
    tx: Repositories,
    row: ContactRow,
    changes: Parameters<Repositories['contacts']['updateIfVersion']>[2],
  ): Promise<void> {
    if (!(await tx.contacts.updateIfVersion(row.id, row.version, changes))) {
      throw new ApiError('ConcurrentCallNotSupported');
    }
  }
}
