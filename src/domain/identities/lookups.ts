/** Finding the users and groups a request names, or the 404 that says they are not there. */
import type { RamGroupRow, RamUserRow } from '../../store/identity-repositories.js';
import type { Repositories } from '../../store/repositories.js';
import { ApiError } from '../errors.js';
import type { Tenant } from '../tenant.js';

export async function loadUser(repos: Repositories, tenant: Tenant, userName: string): Promise<RamUserRow> {
  const row = await repos.ram.users.findByName(tenant.accountId, userName);
  if (!row) throw new ApiError('EntityNotExist.User');
  return row;
}

export async function loadGroup(repos: Repositories, tenant: Tenant, groupName: string): Promise<RamGroupRow> {
  const row = await repos.ram.groups.findByName(tenant.accountId, groupName);
  if (!row) throw new ApiError('EntityNotExist.Group');
  return row;
}
