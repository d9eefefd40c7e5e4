/** The verification actions: Send*Verification, CancelMessageContactUpdate, ListMessageContactVerifications. */
import { page, pageParams } from './contacts.js';
import { defineAction, param } from '../define.js';
import { contact } from './resources.js';

export const verificationActions = [
  defineAction({
    name: 'SendEmailVerificationForMessageContact',
    resources: contact(),
    params: { ContactId: param.string(), EmailAddress: param.string() },
    async handle({ tenant, services }, p) {
      await services.verification.send(tenant, 'email', p.ContactId, p.EmailAddress);
      return {};
    },
  }),

  defineAction({
    name: 'SendPhoneVerificationForMessageContact',
    resources: contact(),
    params: { ContactId: param.string(), PhoneNumber: param.string() },
    async handle({ tenant, services }, p) {
      await services.verification.send(tenant, 'phone', p.ContactId, p.PhoneNumber);
      return {};
    },
  }),

  defineAction({
    name: 'CancelMessageContactUpdate',
    resources: contact(),
    params: { ContactId: param.string(), EmailAddress: param.string(), PhoneNumber: param.string() },
    async handle({ tenant, services }, p) {
      await services.contacts.cancelUpdate(tenant, p.ContactId, {
        emailAddress: p.EmailAddress,
        phoneNumber: p.PhoneNumber,
      });
      return {};
    },
  }),

  defineAction({
    name: 'ListMessageContactVerifications',
    resources: contact({ absentMeansAll: true }),
    readOnly: true,
    params: { ContactId: param.string(), ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const { verifications, total } = await services.contacts.listVerifications(tenant, p.ContactId, paging);
      return {
        TotalCount: total,
        PageNumber: paging.pageNumber,
        PageSize: paging.pageSize,
        ContactVerifications: verifications.map((v) => ({ ContactId: v.contactId, Target: v.target })),
      };
    },
  }),
];
