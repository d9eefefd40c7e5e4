/** Finding the policy a request names (by type and name), or the 404 that says it is not there. */
import { type RamPolicyRow, nameKeyOf } from '../../store/identity-repositories.js';
import type { Repositories } from '../../store/repositories.js';
import type { RamPolicyType } from '../../store/schema.js';
import { type SystemPolicy, systemPolicy } from '../access/system-policies.js';
import { ApiError } from '../errors.js';
import type { Tenant } from '../tenant.js';

/** A policy found: built in, or one of the account's custom policies. `key` is what attachments store. */
export type FoundPolicy = { type: 'System'; key: string; system: SystemPolicy } | { type: 'Custom'; key: string; row: RamPolicyRow };

/** The policy of that type and name; a name that exists only with the other type is not found either. */
export async function findPolicy(repos: Repositories, tenant: Tenant, type: RamPolicyType, name: string): Promise<FoundPolicy> {
  if (type === 'System') {
    const system = systemPolicy(name);
    if (!system) throw new ApiError('EntityNotExist.Policy');
    return { type, key: nameKeyOf(system.policyName), system };
  }
  return { type, key: nameKeyOf(name), row: await findCustomPolicy(repos, tenant, name) };
}

/** A custom policy of the account; a system policy's name is not one (404, spec §6). */
export async function findCustomPolicy(repos: Repositories, tenant: Tenant, name: string): Promise<RamPolicyRow> {
  const row = await repos.ram.policies.find(tenant.accountId, name);
  if (!row) throw new ApiError('EntityNotExist.Policy');
  return row;
}
