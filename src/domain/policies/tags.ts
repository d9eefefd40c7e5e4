/**
 * Tags of custom policies through the Ram tag actions (spec ram.md §3.8): ResourceType `policy`
 * (ListTagResources also answers `role`, with nothing: roles do not exist here).
 */
import { nameKeyOf } from '../../store/identity-repositories.js';
import { ApiError } from '../errors.js';
import { recordRamChange } from '../identities/audit.js';
import { type RamContext, nowOf, writeRam } from '../identities/context.js';
import { decodeMarker, encodeMarker, pageSize } from '../identities/paging.js';
import type { Tenant } from '../tenant.js';
import { findCustomPolicy } from './lookups.js';
import { checkPolicyName } from './names.js';
import { type TagInput, checkTagFilter, checkTags, tagKeyMaxLength } from './tag-rules.js';

export interface TagResourcesInput {
  resourceType?: string;
  resourceNames?: readonly string[];
  tags?: readonly TagInput[];
}

export interface UntagResourcesInput {
  resourceType?: string;
  resourceNames?: readonly string[];
  tagKeys?: readonly string[];
  /** Removes every tag of the policies (TagKeys is then not needed). */
  all?: boolean;
}

export interface ListTagResourcesInput {
  resourceType?: string;
  resourceNames?: readonly string[];
  /** Only policies carrying every one of these tags. */
  tags?: readonly TagInput[];
  nextToken?: string;
  pageSize?: number;
}

export interface TagResource {
  resourceName: string;
  resourceType: 'policy';
  tagKey: string;
  tagValue: string;
}

export const maxResourceNames = 50;
export const maxTagKeys = 20;
export const listTagResourcesMaxPageSize = 100;
const defaultPageSize = 50;
const listing = 'tags';

function checkResourceType(value: string | undefined, allowRole: boolean): 'policy' | 'role' {
  if (!value) throw new ApiError('MissingResourceType');
  if (value === 'policy' || (allowRole && value === 'role')) return value;
  throw new ApiError('InvalidParameter.ResourceType');
}

/** Policy names, at most 50 and each a valid name (`InvalidParameter.ResourceNames`); duplicates are one. */
function checkResourceNames(names: readonly string[]): string[] {
  if (names.length > maxResourceNames) throw new ApiError('InvalidParameter.ResourceNames');
  for (const name of names) {
    try {
      checkPolicyName(name);
    } catch {
      throw new ApiError('InvalidParameter.ResourceNames');
    }
  }
  return [...new Map(names.map((name) => [nameKeyOf(name), name])).values()];
}

export class PolicyTagService {
  constructor(private readonly context: RamContext) {}

  /** Adds the tags to every named policy (a key it carries gets the new value); at most 20 tags per policy. */
  async tag(tenant: Tenant, input: TagResourcesInput): Promise<void> {
    if (!input.resourceType) throw new ApiError('MissingResourceType');
    if (!input.resourceNames || input.resourceNames.length === 0) throw new ApiError('MissingResourceNames');
    if (!input.tags || input.tags.length === 0) throw new ApiError('MissingTag');
    checkResourceType(input.resourceType, false);
    const names = checkResourceNames(input.resourceNames);
    const tags = checkTags(input.tags, this.context.quotas.tagsPerPolicy);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const policies = [];
      for (const name of names) policies.push(await findCustomPolicy(tx, tenant, name));
      for (const policy of policies) {
        const keys = new Set([...(await tx.ram.policyTags.keys(tenant.accountId, policy.name_key)), ...tags.map((tag) => tag.key)]);
        if (keys.size > this.context.quotas.tagsPerPolicy) throw new ApiError('LimitExceeded.Tag');
      }
      for (const policy of policies) await tx.ram.policyTags.put(tenant.accountId, policy.name_key, tags);
      await recordRamChange(tx, tenant, now, 'TagResources', policyResource(policies), {
        ResourceType: 'policy',
        ResourceNames: policies.map((policy) => policy.policy_name),
        Tag: tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
      });
    });
  }

  /** Removes the given keys (keys a policy does not carry are ignored), or every tag with `all`. */
  async untag(tenant: Tenant, input: UntagResourcesInput): Promise<void> {
    if (!input.resourceType) throw new ApiError('MissingResourceType');
    if (!input.resourceNames || input.resourceNames.length === 0) throw new ApiError('MissingResourceNames');
    checkResourceType(input.resourceType, false);
    const names = checkResourceNames(input.resourceNames);
    const keys = input.all ? undefined : input.tagKeys;
    if (keys !== undefined && (keys.length > maxTagKeys || keys.some((key) => key === '' || [...key].length > tagKeyMaxLength))) {
      throw new ApiError('InvalidParameter.TagKeys');
    }
    if (!input.all && (keys === undefined || keys.length === 0)) throw new ApiError('InvalidParameter.TagKeys');
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const policies = [];
      for (const name of names) policies.push(await findCustomPolicy(tx, tenant, name));
      for (const policy of policies) await tx.ram.policyTags.remove(tenant.accountId, policy.name_key, keys);
      await recordRamChange(tx, tenant, now, 'UntagResources', policyResource(policies), {
        ResourceType: 'policy',
        ResourceNames: policies.map((policy) => policy.policy_name),
        ...(keys === undefined ? { All: true } : { TagKeys: keys }),
      });
    });
  }

  /** Tags of the account's custom policies (of the named ones only, when named), by policy then key. PageSize 1–100, default 50. */
  async list(tenant: Tenant, input: ListTagResourcesInput): Promise<{ tagResources: TagResource[]; nextToken?: string }> {
    const type = checkResourceType(input.resourceType, true);
    const names = input.resourceNames === undefined ? undefined : checkResourceNames(input.resourceNames);
    const filter = checkTagFilter(input.tags, this.context.quotas.tagsPerPolicy);
    const size = pageSize(input.pageSize, listTagResourcesMaxPageSize, defaultPageSize, 'InvalidParameter.PageSize');
    const after = decodeMarker(input.nextToken, listing, [2], 'InvalidParameter.NextToken') as [string, string] | undefined;
    if (type === 'role') return { tagResources: [] };
    const store = this.context.store;
    let policyKeys: string[] | undefined;
    if (names !== undefined && names.length > 0) {
      policyKeys = [];
      for (const name of names) policyKeys.push((await findCustomPolicy(store, tenant, name)).name_key);
    }
    const rows = await store.ram.policyTags.page(tenant.accountId, { ...(policyKeys ? { policyKeys } : {}), filter, ...(after ? { after } : {}), limit: size + 1 });
    const shown = rows.slice(0, size);
    const last = shown.at(-1);
    return {
      tagResources: shown.map((row) => ({ resourceName: row.policy_name, resourceType: 'policy', tagKey: row.tag_key, tagValue: row.tag_value })),
      ...(rows.length > size && last ? { nextToken: encodeMarker(listing, [last.policy_key, last.tag_key]) } : {}),
    };
  }
}

/** The audit resource of a tagging call: its one policy, or `policy/*` when it names several (the event lists them). */
function policyResource(policies: readonly { policy_name: string }[]): string {
  return policies.length === 1 ? `policy/${policies[0]!.policy_name}` : 'policy/*';
}
