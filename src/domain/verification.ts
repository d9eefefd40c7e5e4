/**
 * Verification of a contact's pending email or phone: a single-use link token, sent through the
 * outbox, confirmed by the recipient. Tokens are stored as SHA-256 hashes only; the message that
 * carries one holds it in clear only until it is sent, used, superseded, cancelled or expired
 * (src/domain/delivery-queue.ts).
 */
import { createHash } from 'node:crypto';
import type { Language } from '../delivery/language.js';
import { verificationEmail, verificationSms } from '../delivery/templates.js';
import { type DeliveryQueue, newMessageId, retireLinks, retireTokens } from './delivery-queue.js';
import type { Store } from '../store/store.js';
import type { TargetKind } from '../store/schema.js';
import { checkEmail, checkPhone } from './contact-fields.js';
import { type ContactService, checkContactId } from './contacts.js';
import { ApiError } from './errors.js';
import { newVerificationToken, verificationTokenPattern } from './ids.js';
import { recordAudit, serviceActors } from './audit.js';
import type { RequestOrigin, Tenant } from './tenant.js';
import { type Clock, addSeconds, toStored } from './time.js';

export interface VerificationRules {
  phoneCountryCodes: readonly string[];
  tokenTtlSeconds: number;
  sendsPerMinutePerAddress: number;
  sendsPerDayPerAccount: number;
  /** Base of the links in messages, without a trailing slash. */
  publicUrl: string;
  /** Language of the messages. */
  language: Language;
}

/** What a verification link leads to. */
export type TokenOutcome =
  | { state: 'ready' | 'confirmed'; contactName: string; kind: TargetKind; target: string }
  | { state: 'unknown' | 'expired' | 'used' | 'cancelled' | 'superseded' | 'busy' };

const verificationPurpose = 'verification' as const;
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class VerificationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly contacts: ContactService,
    private readonly rules: VerificationRules,
    private readonly deliveries: DeliveryQueue,
  ) {}

  /** SendEmailVerificationForMessageContact / SendPhoneVerificationForMessageContact. */
  async send(tenant: Tenant, kind: TargetKind, contactIdParam: string | undefined, targetParam: string | undefined) {
    const contactId = checkContactId(contactIdParam);
    let target: string;
    if (kind === 'email') {
      if (!targetParam) throw new ApiError('MissingParameter.EmailAddress');
      target = checkEmail(targetParam);
    } else {
      if (!targetParam) throw new ApiError('MissingParameter.PhoneNumber');
      target = checkPhone(targetParam, this.rules.phoneCountryCodes);
    }
    const row = await this.contacts.loadWritable(tenant, contactId);
    const pending = kind === 'email' ? row.pending_email : row.pending_phone;
    if (pending !== target) throw new ApiError('EntityNotExists.Contact.Verification');

    const now = this.clock();
    const token = newVerificationToken();
    const link = `${this.rules.publicUrl}/verify/${token}`;
    const lang = this.rules.language;
    const content =
      kind === 'email'
        ? ({
            channel: 'email',
            email: verificationEmail(lang, {
              contactName: row.name,
              emailAddress: target,
              link,
              expiresInHours: this.rules.tokenTtlSeconds / 3600,
            }),
          } as const)
        : ({ channel: 'sms', sms: verificationSms(lang, { contactName: row.name, link }) } as const);
    await this.store.transaction(async (tx) => {
      // Quotas, limits and the tree are checked under the directory's lock (PostgreSQL: other instances).
      await tx.locks.directory(tenant.directoryId);
      const minuteAgo = toStored(addSeconds(now, -60));
      const dayAgo = toStored(addSeconds(now, -86_400));
      if (
        // Both counted within the directory only: another tenant's sends to the same address
        // neither use up this one's allowance nor show in its answers (docs/decisions.md).
        (await tx.outbox.countToRecipientSince(verificationPurpose, tenant.directoryId, target, minuteAgo)) >=
          this.rules.sendsPerMinutePerAddress ||
        (await tx.outbox.countForDirectorySince(verificationPurpose, tenant.directoryId, dayAgo)) >=
          this.rules.sendsPerDayPerAccount
      ) {
        throw new ApiError('SendValidateCodeExceedsLimitForAccount');
      }
      await this.contacts.claim(tx, row, {});
      // The newest link for a target is the only one that works; older messages lose theirs.
      await retireTokens(tx, contactId, 'Superseded', kind);
      const expiresAt = toStored(addSeconds(now, this.rules.tokenTtlSeconds));
      await tx.tokens.insert({
        token_hash: hashToken(token),
        contact_id: contactId,
        kind,
        target,
        state: 'Pending',
        created_at: toStored(now),
        expires_at: expiresAt,
        used_at: null,
      });
      await this.deliveries.add(tx, toStored(now), {
        messageId: newMessageId(),
        directoryId: tenant.directoryId,
        contactId,
        purpose: verificationPurpose,
        recipient: target,
        link,
        linkExpiresAt: expiresAt,
        content,
      });
      await recordAudit(
        tx,
        tenant,
        toStored(now),
        kind === 'email' ? 'SendEmailVerificationForMessageContact' : 'SendPhoneVerificationForMessageContact',
        contactId,
        { Target: target },
      );
    });
    this.deliveries.queued();
  }

  /** What the link shows, without changing anything. */
  async describe(token: string): Promise<TokenOutcome> {
    if (!verificationTokenPattern.test(token)) return { state: 'unknown' };
    const tokenRow = await this.store.tokens.findByHash(hashToken(token));
    if (!tokenRow) return { state: 'unknown' };
    if (tokenRow.state === 'Used') return { state: 'used' };
    if (tokenRow.state === 'Cancelled') return { state: 'cancelled' };
    if (tokenRow.state === 'Superseded') return { state: 'superseded' };
    if (tokenRow.expires_at <= toStored(this.clock())) return { state: 'expired' };
    const contact = await this.store.contacts.findById(tokenRow.contact_id);
    if (!contact || contact.lifecycle !== 'Live') return { state: 'cancelled' };
    const pending = tokenRow.kind === 'email' ? contact.pending_email : contact.pending_phone;
    if (pending !== tokenRow.target) return { state: 'superseded' };
    return { state: 'ready', contactName: contact.name, kind: tokenRow.kind, target: tokenRow.target };
  }

  /** Confirms the link: the target becomes the verified value of the contact. */
  async confirm(token: string, origin?: RequestOrigin): Promise<TokenOutcome> {
    const outcome = await this.describe(token);
    if (outcome.state !== 'ready') return outcome;
    const tokenHash = hashToken(token);
    const tokenRow = (await this.store.tokens.findByHash(tokenHash))!;
    const contact = (await this.store.contacts.findById(tokenRow.contact_id))!;
    const now = toStored(this.clock());
    const tenant: Tenant = { accountId: '', directoryId: contact.directory_id, actor: serviceActors.link, ...(origin ? { origin } : {}) };
    try {
      await this.store.transaction(async (tx) => {
        if (!(await tx.tokens.markUsed(tokenHash, now))) throw new ApiError('ConcurrentCallNotSupported');
        const verified = tokenRow.kind === 'email' ? { email: tokenRow.target } : { phone: tokenRow.target };
        await this.contacts.claim(tx, contact, { ...verified, updated_at: now });
        await tx.pendingTargets.remove(contact.id, tokenRow.kind);
        await retireLinks(tx, contact.id, 'Used', tokenRow.kind);
        await recordAudit(tx, tenant, now, 'ConfirmMessageContactVerification', contact.id, {
          [tokenRow.kind === 'email' ? 'EmailAddress' : 'PhoneNumber']: tokenRow.target,
          Verified: true,
        });
      });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ConcurrentCallNotSupported') {
        const now = await this.describe(token);
        return now.state === 'ready' ? { state: 'busy' } : now;
      }
      throw error;
    }
    return { ...outcome, state: 'confirmed' };
  }
}
