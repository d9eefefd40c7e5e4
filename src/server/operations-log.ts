/**
 * The log lines of the service's own work, one per event, for a person reading the log: each
 * delivery attempt's outcome, each verification requested, confirmed or refused, each deletion-job
 * step and outcome, each identity (user, group, key, login profile, policy) change. Recipients are masked; no secret, token or link is ever written.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Telemetry } from '../domain/telemetry.js';
import { silentTelemetry } from '../domain/telemetry.js';
import type { NewAuditEvent } from '../store/audit-repository.js';
import { maskRecipient } from './masking.js';

/** Delivery attempts and refused verification links, as log lines. */
export function loggingTelemetry(log: FastifyBaseLogger): Telemetry {
  return {
    ...silentTelemetry,
    deliveryAttempt(report) {
      const fields = {
        deliveryId: report.deliveryId,
        messageId: report.messageId,
        contactId: report.contactId ?? undefined,
        channel: report.channel,
        transport: report.transport,
        purpose: report.purpose,
        recipient: maskRecipient(report.recipient),
        attempt: report.attempt,
      };
      if (report.outcome === 'sent') log.info({ ...fields, providerId: report.providerId ?? undefined }, 'delivery sent');
      else if (report.outcome === 'retry') log.warn({ ...fields, error: report.error, nextAttemptAt: report.nextAttemptAt }, 'delivery failed, retry scheduled');
      else log.error({ ...fields, error: report.error }, 'delivery failed for good');
    },
    verificationRefused(refusal) {
      log.info({ state: refusal.state, contactId: refusal.contactId }, 'verification link refused');
    },
  };
}

/** The message of a committed change's log line, for the changes a person watches; undefined for the rest. */
function messageOf(event: NewAuditEvent): string | undefined {
  if (event.action === 'SendEmailVerificationForMessageContact' || event.action === 'SendPhoneVerificationForMessageContact') return 'verification requested';
  if (event.action === 'ConfirmMessageContactVerification') return 'verification confirmed';
  if (event.action === 'DeleteMessageContactStep') return 'deletion job step';
  if (event.action === 'FinishMessageContactDeletion') return 'deletion job finished';
  if (event.service_name === 'Ram') return 'identity change';
  return undefined;
}

/** Fields of a change that a log line may show as they are (never an address, a number or a secret). */
const shownFields = ['AccountId', 'Outcome', 'Status', 'UserName', 'GroupName', 'PolicyName', 'AccessKeyId', 'Members', 'MessageTypes'];
/** Fields holding an address or a number: shown masked. */
const maskedFields = ['Target', 'EmailAddress', 'PhoneNumber'];

/** One log line per committed change of the kinds `messageOf` names. */
export function logCommittedChange(log: FastifyBaseLogger, event: NewAuditEvent): void {
  const message = messageOf(event);
  if (message === undefined) return;
  const changes = JSON.parse(event.changes) as Record<string, unknown>;
  const details: Record<string, unknown> = {};
  for (const field of shownFields) if (changes[field] !== undefined) details[field] = changes[field];
  for (const field of maskedFields) if (typeof changes[field] === 'string') details[field] = maskRecipient(changes[field] as string);
  log.info(
    {
      event: event.action,
      eventId: event.event_id ?? undefined,
      requestId: event.request_id ?? undefined,
      directoryId: event.directory_id,
      contactId: event.contact_id ?? undefined,
      resource: event.resource ?? undefined,
      user: event.user_name ?? undefined,
      accessKeyId: event.access_key_id ?? undefined,
      ...details,
    },
    message,
  );
}
