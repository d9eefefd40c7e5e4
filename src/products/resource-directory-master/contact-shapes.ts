/** Wire shapes of contacts: exact PascalCase names, arrays as arrays (spec/api.md §4, §7.2). */
import type { BindingChange, DeletionStatusReport } from '../../domain/bindings.js';
import type { Contact } from '../../domain/contacts.js';
import { toApiDate } from '../../domain/time.js';

export function contactShape(contact: Contact): Record<string, unknown> {
  return {
    ContactId: contact.id,
    Name: contact.name,
    EmailAddress: contact.emailAddress ?? '',
    ...(contact.phoneNumber ? { PhoneNumber: contact.phoneNumber } : {}),
    Title: contact.title,
    MessageTypes: contact.messageTypes,
    Members: contact.members,
    Status: contact.status,
    CreateDate: toApiDate(contact.createdAt),
    // Only with a `Member` filter: when the contact was bound to that member.
    ...(contact.associatedAt ? { AssociatedDate: toApiDate(contact.associatedAt) } : {}),
  };
}

/** One entry of Associate/DisassociateMembers' bare `Members` array. */
export function bindingShape(change: BindingChange): Record<string, unknown> {
  return { ContactId: change.contactId, MemberId: change.memberId, ModifyDate: toApiDate(change.modifiedAt) };
}

/** GetMessageContactDeletionStatus: `Status` only once a deletion was asked; `FailReasonList` always an array. */
export function deletionStatusShape(report: DeletionStatusReport): Record<string, unknown> {
  return {
    ...(report.status ? { Status: report.status } : {}),
    ContactId: report.contactId,
    FailReasonList: report.failures.map((failure) => ({ AccountId: failure.accountId, MessageTypes: failure.messageTypes })),
  };
}
