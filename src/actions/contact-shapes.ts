/** Wire shapes of contacts: exact PascalCase names, arrays as arrays (spec/api.md §4, §7.2). */
import type { Contact } from '../domain/contacts.js';
import { toApiDate } from '../domain/time.js';

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
  };
}
