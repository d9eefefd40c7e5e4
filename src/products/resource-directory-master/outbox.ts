/**
 * Extension action ListOutboxMessages: the messages of the caller's directory that the `outbox`
 * transport holds (stored, never sent), with their text and, while its token can still be used,
 * the verification link, so that a test or a tool finishes a verification over HTTP alone.
 */
import { checkContactId } from '../../domain/contacts.js';
import type { HeldMessage } from '../../domain/outbox.js';
import { toApiDate } from '../../domain/time.js';
import { type Action, defineAction, param } from '../define.js';
import { page, pageParams } from './contacts.js';
import { channelNames } from './extensions.js';
import { everything } from './resources.js';

const messageShape = ({ row, text, link }: HeldMessage) => ({
  DeliveryId: row.id,
  Channel: channelNames[row.channel],
  Recipient: row.recipient,
  Purpose: row.purpose,
  ...(row.subject ? { Subject: row.subject } : {}),
  Text: text,
  ...(link !== undefined ? { Link: link } : {}),
  Status: row.status,
  CreateDate: toApiDate(row.created_at),
});

export const outboxActions: Action[] = [
  defineAction({
    name: 'ListOutboxMessages',
    resources: everything,
    readOnly: true,
    params: { Recipient: param.string(), ContactId: param.string(), ...pageParams },
    async handle({ tenant, services }, p) {
      const paging = page(p);
      const filter = {
        ...(p.Recipient ? { recipient: p.Recipient } : {}),
        ...(p.ContactId ? { contactId: checkContactId(p.ContactId) } : {}),
      };
      const { total, messages } = await services.outbox.held(tenant, filter, (paging.pageNumber - 1) * paging.pageSize, paging.pageSize);
      return { TotalCount: total, PageNumber: paging.pageNumber, PageSize: paging.pageSize, Messages: messages.map(messageShape) };
    },
  }),
];
