/**
 * RAM policies (spec ram.md §3.7, §6): custom policies are created with their first version as the
 * default, described, listed with the system ones, and deleted once nothing is attached to them;
 * system policies are built in and read-only.
 */
import { type RamPolicyRow, nameKeyOf } from '../../store/identity-repositories.js';
import type { Repositories } from '../../store/repositories.js';
import type { RamPolicyType } from '../../store/schema.js';
import { parsePolicyDocument } from '../access/policy-document.js';
import { type SystemPolicy, systemPolicies, systemPolicy } from '../access/system-policies.js';
import { ApiError } from '../errors.js';
import { recordRamChange } from '../identities/audit.js';
import { type RamContext, nowOf, writeRam } from '../identities/context.js';
import { type Page, decodeMarker, encodeMarker, pageSize } from '../identities/paging.js';
import type { Tenant } from '../tenant.js';
import { findCustomPolicy, findPolicy } from './lookups.js';
import { checkDescription, checkPolicyName, checkPolicyType } from './names.js';
import { type PolicyTag, type RamPolicy, type RamPolicyVersion, customPolicy, customVersion, systemPolicyRecord, systemVersion } from './records.js';
import { type TagInput, checkTagFilter, checkTags } from './tag-rules.js';

export interface CreatePolicyInput {
  policyName?: string;
  policyDocument?: string;
  description?: string;
  tags?: readonly TagInput[];
}

export interface PolicyNameInput {
  policyName?: string;
  policyType?: string;
}

export interface DeletePolicyInput {
  policyName?: string;
  /** Also delete the versions other than the default one (attachments still block). */
  cascadingDelete?: boolean;
}

export interface ListPoliciesInput {
  /** Absent or empty: both types. */
  policyType?: string;
  marker?: string;
  maxItems?: number;
  /** Only custom policies carrying every one of these tags (system policies carry none). */
  tags?: readonly TagInput[];
}

export interface UpdatePolicyDescriptionInput {
  policyName?: string;
  /** `""` clears the description. */
  newDescription?: string;
}

export type ListedPolicy = RamPolicy & { tags: PolicyTag[] };

const listing = 'policies';
export const listPoliciesMaxItems = 1000;
/** Tags a ListPolicies filter may name. */
const maxFilterTags = 20;

/** `PolicyName` and `PolicyType`, both required, checked in the spec's order. */
export function requirePolicyNameAndType(input: PolicyNameInput): { name: string; type: RamPolicyType } {
  if (!input.policyName) throw new ApiError('MissingPolicyName');
  if (!input.policyType) throw new ApiError('MissingPolicyType');
  const type = checkPolicyType(input.policyType);
  return { name: checkPolicyName(input.policyName), type };
}

export async function attachmentCount(repos: Repositories, tenant: Tenant, type: RamPolicyType, key: string): Promise<number> {
  const counts = await repos.ram.attachments.countForPolicy(tenant.accountId, type, key);
  return counts.users + counts.groups;
}

export class PolicyService {
  constructor(private readonly context: RamContext) {}

  async create(tenant: Tenant, input: CreatePolicyInput): Promise<RamPolicy> {
    if (!input.policyName) throw new ApiError('MissingPolicyName');
    if (!input.policyDocument) throw new ApiError('MissingPolicyDocument');
    const policyName = checkPolicyName(input.policyName);
    const document = input.policyDocument;
    parsePolicyDocument(document);
    const description = input.description ? checkDescription(input.description) : null;
    const tags = checkTags(input.tags ?? [], this.context.quotas.tagsPerPolicy);
    const now = nowOf(this.context);
    const key = nameKeyOf(policyName);
    return writeRam(
      this.context,
      tenant,
      async (tx) => {
        // A system policy's name is taken in every account.
        if (systemPolicy(policyName) || (await tx.ram.policies.find(tenant.accountId, policyName))) throw new ApiError('EntityAlreadyExists.Policy');
        if ((await tx.ram.policies.count(tenant.accountId)) >= this.context.quotas.customPoliciesPerAccount) throw new ApiError('LimitExceeded.Policy');
        const row = {
          account_id: tenant.accountId,
          name_key: key,
          policy_name: policyName,
          description,
          default_version: 1,
          last_version: 1,
          created_at: now,
          updated_at: now,
        };
        await tx.ram.policies.insert(row);
        await tx.ram.policies.insertVersion({ account_id: tenant.accountId, policy_key: key, version_number: 1, document, created_at: now });
        await tx.ram.policyTags.put(tenant.accountId, key, tags);
        await tx.ram.accounts.bumpRevision(tenant.accountId);
        await recordRamChange(tx, tenant, now, 'CreatePolicy', `policy/${policyName}`, {
          PolicyName: policyName,
          ...(description !== null ? { Description: description } : {}),
          PolicyDocument: document,
          ...(tags.length > 0 ? { Tag: tags.map((tag) => ({ Key: tag.key, Value: tag.value })) } : {}),
        });
        return customPolicy(row, 0);
      },
      'EntityAlreadyExists.Policy',
    );
  }

  /** The policy with its default version (whose document GetPolicy must always carry). */
  async get(tenant: Tenant, input: PolicyNameInput): Promise<{ policy: RamPolicy; defaultVersion: RamPolicyVersion }> {
    const { name, type } = requirePolicyNameAndType(input);
    const store = this.context.store;
    const found = await findPolicy(store, tenant, type, name);
    const count = await attachmentCount(store, tenant, type, found.key);
    if (found.type === 'System') return { policy: systemPolicyRecord(found.system, count), defaultVersion: systemVersion(found.system) };
    const version = await store.ram.policies.findVersion(tenant.accountId, found.key, found.row.default_version);
    // A custom policy always has its default version: the write that removes one is refused.
    if (!version) throw new Error(`policy ${found.row.policy_name} has no default version ${found.row.default_version}`);
    return { policy: customPolicy(found.row, count), defaultVersion: customVersion(version, found.row.default_version) };
  }

  async delete(tenant: Tenant, input: DeletePolicyInput): Promise<void> {
    if (!input.policyName) throw new ApiError('MissingPolicyName');
    const policyName = checkPolicyName(input.policyName);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const row = await findCustomPolicy(tx, tenant, policyName);
      const attached = await tx.ram.attachments.countForPolicy(tenant.accountId, 'Custom', row.name_key);
      if (attached.users > 0) throw new ApiError('DeleteConflict.Policy.User');
      if (attached.groups > 0) throw new ApiError('DeleteConflict.Policy.Group');
      const versions = await tx.ram.policies.versions(tenant.accountId, row.name_key);
      if (versions.length > 1 && !input.cascadingDelete) throw new ApiError('DeleteConflict.Policy.Version');
      await tx.ram.policies.remove(tenant.accountId, row.name_key);
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'DeletePolicy', `policy/${row.policy_name}`, { PolicyName: row.policy_name, ...(input.cascadingDelete ? { CascadingDelete: true } : {}) });
    });
  }

  /** System policies first (in their fixed order), then custom ones by creation. MaxItems 1–1000, default 100. */
  async list(tenant: Tenant, input: ListPoliciesInput): Promise<Page<ListedPolicy>> {
    const type = input.policyType ? checkPolicyType(input.policyType) : undefined;
    const size = pageSize(input.maxItems, listPoliciesMaxItems);
    const position = decodeMarker(input.marker, listing, [2, 3]);
    const filter = checkTagFilter(input.tags, maxFilterTags);
    const store = this.context.store;

    // The marker says where the last page ended: after a system policy (S, key) or a custom one (C, created, key).
    let systemStart = 0;
    let customAfter: [string, string] | undefined;
    if (position !== undefined) {
      if (position[0] === 'S' && position.length === 2) {
        const index = systemPolicies.findIndex((policy) => nameKeyOf(policy.policyName) === position[1]);
        if (index < 0) throw new ApiError('InvalidParameter.Marker');
        systemStart = index + 1;
      } else if (position[0] === 'C' && position.length === 3) {
        systemStart = systemPolicies.length;
        customAfter = [position[1]!, position[2]!];
      } else {
        throw new ApiError('InvalidParameter.Marker');
      }
    }

    type Entry = { kind: 'S'; policy: SystemPolicy } | { kind: 'C'; row: RamPolicyRow };
    const entries: Entry[] = [];
    // Tags are on custom policies only: a tag filter lists no system policy.
    if (type !== 'Custom' && filter.length === 0) {
      for (const policy of systemPolicies.slice(systemStart, systemStart + size + 1)) entries.push({ kind: 'S', policy });
    }
    if (type !== 'System' && entries.length <= size) {
      const rows = await store.ram.policies.page(tenant.accountId, customAfter, size + 1 - entries.length, filter);
      for (const row of rows) entries.push({ kind: 'C', row });
    }
    const shown = entries.slice(0, size);
    const isTruncated = entries.length > size;

    const systemKeys = shown.flatMap((entry) => (entry.kind === 'S' ? [nameKeyOf(entry.policy.policyName)] : []));
    const customKeys = shown.flatMap((entry) => (entry.kind === 'C' ? [entry.row.name_key] : []));
    const [systemCounts, customCounts, tagRows] = await Promise.all([
      store.ram.attachments.countsForPolicies(tenant.accountId, 'System', systemKeys),
      store.ram.attachments.countsForPolicies(tenant.accountId, 'Custom', customKeys),
      store.ram.policyTags.forPolicies(tenant.accountId, customKeys),
    ]);
    const items = shown.map((entry): ListedPolicy => {
      if (entry.kind === 'S') {
        return { ...systemPolicyRecord(entry.policy, systemCounts.get(nameKeyOf(entry.policy.policyName)) ?? 0), tags: [] };
      }
      const tags = tagRows.filter((tag) => tag.policy_key === entry.row.name_key).map((tag) => ({ key: tag.tag_key, value: tag.tag_value }));
      return { ...customPolicy(entry.row, customCounts.get(entry.row.name_key) ?? 0), tags };
    });
    const last = shown.at(-1);
    const marker =
      !isTruncated || last === undefined
        ? undefined
        : last.kind === 'S'
          ? encodeMarker(listing, ['S', nameKeyOf(last.policy.policyName)])
          : encodeMarker(listing, ['C', last.row.created_at, last.row.name_key]);
    return { items, isTruncated, ...(marker !== undefined ? { marker } : {}) };
  }

  async updateDescription(tenant: Tenant, input: UpdatePolicyDescriptionInput): Promise<RamPolicy> {
    if (!input.policyName) throw new ApiError('MissingPolicyName');
    if (input.newDescription === undefined) throw new ApiError('MissingNewDescription');
    const policyName = checkPolicyName(input.policyName);
    const description = input.newDescription === '' ? null : checkDescription(input.newDescription);
    const now = nowOf(this.context);
    return writeRam(this.context, tenant, async (tx) => {
      const row = await findCustomPolicy(tx, tenant, policyName);
      const count = await attachmentCount(tx, tenant, 'Custom', row.name_key);
      if (description === row.description) return customPolicy(row, count);
      await tx.ram.policies.update(tenant.accountId, row.name_key, { description, updated_at: now });
      await recordRamChange(tx, tenant, now, 'UpdatePolicyDescription', `policy/${row.policy_name}`, { PolicyName: row.policy_name, Description: description });
      return customPolicy({ ...row, description, updated_at: now }, count);
    });
  }
}
