/**
 * Extension actions (not in the Alibaba Cloud API; listed in the README): effective recipients of a
 * member account and the coverage of the directory. Same endpoint, signatures and error envelope;
 * lists are bare JSON arrays like the rest of the message-contact family.
 */
import { page, pageParams } from './contacts.js';
import { type Action, defineAction, param } from './define.js';

export const extensionActions: Action[] = [
  defineAction({
    name: 'ListEffectiveMessageContacts',
    params: { AccountId: param.string(), MessageType: param.string() },
    async handle({ tenant, services }, p) {
      const recipients = await services.recipients.effectiveRecipients(tenant, p.AccountId, p.MessageType);
      return {
        AccountId: p.AccountId,
        Contacts: recipients.map((recipient) => ({
          ContactId: recipient.contactId,
          Name: recipient.name,
          ...(recipient.title ? { Title: recipient.title } : {}),
          MessageTypes: recipient.messageTypes,
          Status: recipient.status,
          ...(recipient.emailAddress ? { EmailAddress: recipient.emailAddress } : {}),
          ...(recipient.phoneNumber ? { PhoneNumber: recipient.phoneNumber } : {}),
          Sources: recipient.sources.map((source) => ({ MemberId: source.memberId, Type: source.type })),
        })),
      };
    },
  }),

  defineAction({
    name: 'GetMessageContactCoverage',
    params: { MessageType: param.string(), ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const report = await services.recipients.coverage(tenant, p.MessageType, paging);
      return {
        TotalCount: report.totalAccounts,
        PageNumber: paging.pageNumber,
        PageSize: paging.pageSize,
        Totals: report.totals.map((total) => ({
          MessageType: total.messageType,
          CoveredAccounts: total.coveredAccounts,
          UncoveredAccounts: total.uncoveredAccounts,
        })),
        Accounts: report.accounts.map((account) => ({
          AccountId: account.accountId,
          DisplayName: account.displayName,
          FolderId: account.folderId,
          UncoveredMessageTypes: account.uncoveredMessageTypes,
        })),
      };
    },
  }),
];
