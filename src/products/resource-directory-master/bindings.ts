/** The binding actions: AssociateMembers, DisassociateMembers, GetMessageContactDeletionStatus (spec api.md §4.6, §4.9, §4.10). */
import { bindingShape, deletionStatusShape } from './contact-shapes.js';
import { type Action, defineAction, param } from '../define.js';
import { contact, everything } from './resources.js';

const bindingParams = { ContactId: param.string(), Members: param.list() };

export const bindingActions: Action[] = [
  defineAction({
    name: 'AssociateMembers',
    resources: everything,
    params: bindingParams,
    async handle({ tenant, services }, p) {
      return { Members: (await services.bindings.associate(tenant, p.ContactId, p.Members)).map(bindingShape) };
    },
  }),

  defineAction({
    name: 'DisassociateMembers',
    resources: everything,
    params: bindingParams,
    async handle({ tenant, services }, p) {
      return { Members: (await services.bindings.disassociate(tenant, p.ContactId, p.Members)).map(bindingShape) };
    },
  }),

  defineAction({
    name: 'GetMessageContactDeletionStatus',
    resources: contact(),
    readOnly: true,
    params: { ContactId: param.string() },
    async handle({ tenant, services }, p) {
      return { ContactDeletionStatus: deletionStatusShape(await services.bindings.deletionStatus(tenant, p.ContactId)) };
    },
  }),
];
