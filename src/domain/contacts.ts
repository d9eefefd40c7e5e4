/**
 * The contact lifecycle: add, update, read, delete, pending email and phone targets, cancel.
 * Every write is one transaction, conditional on the version of the contact it read.
 */
import type { ContactRow, Repositories } from '../store/repositories.js';
import type { Store } from '../store/store.js';
import type { TargetKind } from '../store/schema.js';
import { isUniqueViolation } from '../store/constraint.js';
import { checkEmail, checkMessageTypes, checkName, checkPhone, checkTitle } from './contact-fields.js';
import { ApiError } from './errors.js';
import { isContactId, newContactId } from './ids.js';
import { recordAudit } from './audit.js';
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
  members: string[];
  createdAt: string;
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

export function toContact(row: ContactRow): Contact {
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
    members: [],
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
          await tx.tokens.retire(contactId, 'Superseded', change.kind);
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
    return toContact(await this.load(tenant, contactId));
  }

  async list(
    tenant: Tenant,
    filter: { contactId?: string; member?: string },
    page: Page,
  ): Promise<{ contacts: Contact[]; total: number }> {
    // No contact is bound to any member yet: bindings arrive with the directory (docs/decisions.md).
    if (filter.member !== undefined) return { contacts: [], total: 0 };
    if (filter.contactId !== undefined) {
      const contact = await this.get(tenant, filter.contactId);
      return { contacts: page.pageNumber === 1 ? [contact] : [], total: 1 };
    }
    const offset = (page.pageNumber - 1) * page.pageSize;
    const [rows, total] = await Promise.all([
      this.store.contacts.listVisible(tenant.directoryId, offset, page.pageSize),
      this.store.contacts.countVisible(tenant.directoryId),
    ]);
    return { contacts: rows.map(toContact), total };
  }

  async delete(tenant: Tenant, contactIdParam: string | undefined): Promise<'Deleted'> {
    const contactId = checkContactId(contactIdParam);
    const row = await this.loadWritable(tenant, contactId);
    const now = toStored(this.clock());
    await this.store.transaction(async (tx) => {
      await this.claim(tx, row, { lifecycle: 'Deleted', deleted_at: now, updated_at: now });
      await tx.pendingTargets.removeAll(contactId);
      await tx.tokens.retire(contactId, 'Cancelled');
      await recordAudit(tx, tenant, now, 'DeleteMessageContact', contactId, { Status: 'Deleted' });
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
        await tx.tokens.retire(contactId, 'Cancelled', kind);
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
