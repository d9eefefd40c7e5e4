/**
 * Who actually receives what. Two questions a platform team asks before an audit:
 * - the effective recipients of one member account (bound to it, inherited from a folder or the
 *   directory, or retained after a deletion), with the verified addresses that would be used;
 * - the coverage of the whole directory: which accounts have no verified recipient for a type.
 */
import type { Store } from '../store/store.js';
import { messageTypes as allMessageTypes } from './contact-fields.js';
import type { ContactStatus } from './contacts.js';
import { ApiError } from './errors.js';
import type { Tenant } from './tenant.js';
import type { Clock } from './time.js';

export type SourceType = 'Account' | 'Folder' | 'ResourceDirectory' | 'Retained';

export interface EffectiveRecipient {
  contactId: string;
  name: string;
  title: string | null;
  /** The contact's types, narrowed to the asked type when one is given. */
  messageTypes: string[];
  status: ContactStatus | 'Retained';
  /** Verified values only: what would receive a message now. */
  emailAddress: string | null;
  phoneNumber: string | null;
  sources: { memberId: string; type: SourceType }[];
}

export interface AccountCoverage {
  accountId: string;
  displayName: string;
  folderId: string;
  uncoveredMessageTypes: string[];
}

export interface CoverageReport {
  totalAccounts: number;
  totals: { messageType: string; coveredAccounts: number; uncoveredAccounts: number }[];
  accounts: AccountCoverage[];
}

const sourceTypes = { account: 'Account', folder: 'Folder', directory: 'ResourceDirectory' } as const;
const accountIdPattern = /^\d{16}$/;

export function checkAccountId(accountId: string | undefined): string {
  if (!accountId) throw new ApiError('MissingParameter.AccountId');
  if (!accountIdPattern.test(accountId)) throw new ApiError('InvalidParameter.AccountId');
  return accountId;
}

export function checkMessageType(messageType: string | undefined): string | undefined {
  if (messageType === undefined) return undefined;
  if (!(allMessageTypes as readonly string[]).includes(messageType)) throw new ApiError('InvalidParameter.MessageType');
  return messageType;
}

export class RecipientService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {}

  async effectiveRecipients(
    tenant: Tenant,
    accountIdParam: string | undefined,
    messageTypeParam: string | undefined,
  ): Promise<EffectiveRecipient[]> {
    const accountId = checkAccountId(accountIdParam);
    const messageType = checkMessageType(messageTypeParam);
    const member = await this.store.tree.findLiveMember(tenant.directoryId, accountId);
    if (!member) throw new ApiError('EntityNotExists.Account');
    const [reaching, retained] = await Promise.all([
      this.store.recipients.bindingsReaching(member),
      this.store.recipients.retainedFor(accountId),
    ]);

    const recipients = new Map<string, EffectiveRecipient>();
    for (const binding of reaching) {
      let recipient = recipients.get(binding.contact_id);
      if (!recipient) {
        recipient = {
          contactId: binding.contact_id,
          name: binding.name,
          title: binding.title,
          messageTypes: JSON.parse(binding.message_types) as string[],
          status: binding.lifecycle === 'Deleting' ? 'Deleting' : Number(binding.has_pending) ? 'Verifying' : 'Active',
          emailAddress: binding.email,
          phoneNumber: binding.phone,
          sources: [],
        };
        recipients.set(binding.contact_id, recipient);
      }
      recipient.sources.push({ memberId: binding.source_id, type: sourceTypes[binding.source_kind] });
    }
    for (const row of retained) {
      const key = `retained:${row.contact_id}`;
      let recipient = recipients.get(key);
      if (!recipient) {
        recipient = {
          contactId: row.contact_id,
          name: row.name,
          title: null,
          messageTypes: [],
          status: 'Retained',
          emailAddress: row.email,
          phoneNumber: row.phone,
          sources: [{ memberId: accountId, type: 'Retained' }],
        };
        recipients.set(key, recipient);
      }
      recipient.messageTypes.push(row.message_type);
    }
    return [...recipients.values()]
      .map((recipient) => ({
        ...recipient,
        messageTypes: messageType ? recipient.messageTypes.filter((type) => type === messageType) : recipient.messageTypes,
      }))
      .filter((recipient) => recipient.messageTypes.length > 0);
  }

  async coverage(
    tenant: Tenant,
    messageTypeParam: string | undefined,
    page: { pageNumber: number; pageSize: number },
  ): Promise<CoverageReport> {
    const messageType = checkMessageType(messageTypeParam);
    const types = messageType ? [messageType] : [...allMessageTypes];
    const queries = this.store.recipients;
    const [totalAccounts, coveredCounts, members] = await Promise.all([
      this.store.tree.countLiveMembers(tenant.directoryId),
      queries.coveredCountsByType(tenant.directoryId, messageType),
      queries.pageOfMembers(tenant.directoryId, (page.pageNumber - 1) * page.pageSize, page.pageSize),
    ]);
    const pairs = await queries.coveredPairsOf(
      tenant.directoryId,
      members.map((member) => member.id),
      messageType,
    );
    const covered = new Set(pairs.map((pair) => `${pair.account_id}\n${pair.message_type}`));
    return {
      totalAccounts,
      totals: types.map((type) => {
        const coveredAccounts = coveredCounts.get(type) ?? 0;
        return { messageType: type, coveredAccounts, uncoveredAccounts: totalAccounts - coveredAccounts };
      }),
      accounts: members.map((member) => ({
        accountId: member.id,
        displayName: member.display_name,
        folderId: member.folder_id,
        uncoveredMessageTypes: types.filter((type) => !covered.has(`${member.id}\n${type}`)),
      })),
    };
  }
}
