/** The contact actions: Add, Update, Get, List, Delete. */
import { toApiDate } from '../../domain/time.js';
import { contactShape } from './contact-shapes.js';
import { defineAction, param } from '../define.js';
import { allContacts, contact } from './resources.js';

export const pageParams = { PageNumber: param.integer(1, 1_000_000), PageSize: param.integer(1, 100) };
export const page = (p: { PageNumber: number | undefined; PageSize: number | undefined }) => ({
  pageNumber: p.PageNumber ?? 1,
  pageSize: p.PageSize ?? 10,
});

const contactFields = {
  Name: param.string(),
  EmailAddress: param.string(),
  PhoneNumber: param.string(),
  Title: param.string(),
  MessageTypes: param.list(),
};

export const contactActions = [
  defineAction({
    name: 'AddMessageContact',
    resources: allContacts,
    params: contactFields,
    async handle({ tenant, services }, p) {
      const created = await services.contacts.add(tenant, {
        name: p.Name,
        emailAddress: p.EmailAddress,
        phoneNumber: p.PhoneNumber,
        title: p.Title,
        messageTypes: p.MessageTypes,
      });
      return { Contact: { ContactId: created.id, CreateDate: toApiDate(created.createdAt) } };
    },
  }),

  defineAction({
    name: 'UpdateMessageContact',
    resources: contact(),
    params: { ContactId: param.string(), ...contactFields },
    async handle({ tenant, services }, p) {
      await services.contacts.update(tenant, p.ContactId, {
        name: p.Name,
        emailAddress: p.EmailAddress,
        phoneNumber: p.PhoneNumber,
        title: p.Title,
        messageTypes: p.MessageTypes,
      });
      return {};
    },
  }),

  defineAction({
    name: 'GetMessageContact',
    resources: contact(),
    readOnly: true,
    params: { ContactId: param.string() },
    async handle({ tenant, services }, p) {
      return { Contact: contactShape(await services.contacts.get(tenant, p.ContactId)) };
    },
  }),

  defineAction({
    name: 'ListMessageContacts',
    resources: allContacts,
    readOnly: true,
    params: { ContactId: param.string(), Member: param.string(), ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const { contacts, total } = await services.contacts.list(
        tenant,
        { contactId: p.ContactId, member: p.Member },
        paging,
      );
      return {
        TotalCount: total,
        PageNumber: paging.pageNumber,
        PageSize: paging.pageSize,
        Contacts: contacts.map(contactShape),
      };
    },
  }),

  defineAction({
    name: 'DeleteMessageContact',
    resources: contact(),
    params: { ContactId: param.string(), RetainContactInMembers: param.boolean() },
    async handle({ tenant, services }, p) {
      return { Status: await services.contacts.delete(tenant, p.ContactId, p.RetainContactInMembers ?? true) };
    },
  }),
];
