/**
 * Versions of custom policies (spec ram.md §3.7): at most five kept (the quota), numbered `v1, v2, …`
 * in sequence per policy and never reused, exactly one of them the default. A system policy has
 * one version, its default, and cannot be changed.
 */
import { parsePolicyDocument } from '../access/policy-document.js';
import { ApiError } from '../errors.js';
import { recordRamChange } from '../identities/audit.js';
import { type RamContext, nowOf, writeRam } from '../identities/context.js';
import type { Tenant } from '../tenant.js';
import { findCustomPolicy, findPolicy } from './lookups.js';
import { checkPolicyName, checkVersionId, versionIdOf } from './names.js';
import { requirePolicyNameAndType } from './policies.js';
import { type RamPolicyVersion, customVersion, systemVersion } from './records.js';

export type RotateStrategy = 'None' | 'DeleteOldestNonDefaultVersionWhenLimitExceeded';
const rotateStrategies: readonly RotateStrategy[] = ['None', 'DeleteOldestNonDefaultVersionWhenLimitExceeded'];

export interface CreatePolicyVersionInput {
  policyName?: string;
  policyDocument?: string;
  setAsDefault?: boolean;
  /** Absent or empty: `None` (a version beyond the quota is refused). */
  rotateStrategy?: string;
}

export interface PolicyVersionInput {
  policyName?: string;
  policyType?: string;
  versionId?: string;
}

/** A version of a custom policy (the actions that change versions only know custom ones). */
export interface CustomVersionInput {
  policyName?: string;
  versionId?: string;
}

function requireCustomVersion(input: CustomVersionInput): { name: string; versionNumber: number } {
  if (!input.policyName) throw new ApiError('MissingPolicyName');
  if (!input.versionId) throw new ApiError('MissingVersionId');
  return { name: checkPolicyName(input.policyName), versionNumber: checkVersionId(input.versionId) };
}

export class PolicyVersionService {
  constructor(private readonly context: RamContext) {}

  async create(tenant: Tenant, input: CreatePolicyVersionInput): Promise<RamPolicyVersion> {
    if (!input.policyName) throw new ApiError('MissingPolicyName');
    if (!input.policyDocument) throw new ApiError('MissingPolicyDocument');
    const policyName = checkPolicyName(input.policyName);
    const document = input.policyDocument;
    parsePolicyDocument(document);
    const rotate = input.rotateStrategy ? input.rotateStrategy : 'None';
    if (!(rotateStrategies as readonly string[]).includes(rotate)) throw new ApiError('InvalidParameter.RotateStrategy');
    const now = nowOf(this.context);
    return writeRam(this.context, tenant, async (tx) => {
      const policy = await findCustomPolicy(tx, tenant, policyName);
      const versions = await tx.ram.policies.versions(tenant.accountId, policy.name_key);
      const rotated: string[] = [];
      // Oldest first; the default version is never rotated out.
      const removable = versions.filter((version) => version.version_number !== policy.default_version);
      let kept = versions.length;
      while (kept >= this.context.quotas.versionsPerPolicy) {
        const oldest = removable.shift();
        if (rotate === 'None' || oldest === undefined) throw new ApiError('LimitExceeded.Policy.Version');
        await tx.ram.policies.removeVersion(tenant.accountId, policy.name_key, oldest.version_number);
        rotated.push(versionIdOf(oldest.version_number));
        kept -= 1;
      }
      const versionNumber = policy.last_version + 1;
      const defaultVersion = input.setAsDefault ? versionNumber : policy.default_version;
      await tx.ram.policies.insertVersion({ account_id: tenant.accountId, policy_key: policy.name_key, version_number: versionNumber, document, created_at: now });
      await tx.ram.policies.update(tenant.accountId, policy.name_key, { last_version: versionNumber, default_version: defaultVersion, updated_at: now });
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'CreatePolicyVersion', `policy/${policy.policy_name}`, {
        PolicyName: policy.policy_name,
        VersionId: versionIdOf(versionNumber),
        PolicyDocument: document,
        SetAsDefault: input.setAsDefault === true,
        ...(rotated.length > 0 ? { DeletedVersionIds: rotated } : {}),
      });
      return { versionId: versionIdOf(versionNumber), isDefaultVersion: defaultVersion === versionNumber, policyDocument: document, createdAt: now };
    });
  }

  async get(tenant: Tenant, input: PolicyVersionInput): Promise<RamPolicyVersion> {
    if (!input.policyName) throw new ApiError('MissingPolicyName');
    if (!input.policyType) throw new ApiError('MissingPolicyType');
    if (!input.versionId) throw new ApiError('MissingVersionId');
    const { name, type } = requirePolicyNameAndType(input);
    const versionNumber = checkVersionId(input.versionId);
    const found = await findPolicy(this.context.store, tenant, type, name);
    if (found.type === 'System') {
      if (input.versionId !== found.system.defaultVersion) throw new ApiError('EntityNotExist.Policy.Version');
      return systemVersion(found.system);
    }
    const version = await this.context.store.ram.policies.findVersion(tenant.accountId, found.key, versionNumber);
    if (!version) throw new ApiError('EntityNotExist.Policy.Version');
    return customVersion(version, found.row.default_version);
  }

  /** Oldest first. */
  async list(tenant: Tenant, input: { policyName?: string; policyType?: string }): Promise<RamPolicyVersion[]> {
    const { name, type } = requirePolicyNameAndType(input);
    const found = await findPolicy(this.context.store, tenant, type, name);
    if (found.type === 'System') return [systemVersion(found.system)];
    const versions = await this.context.store.ram.policies.versions(tenant.accountId, found.key);
    return versions.map((version) => customVersion(version, found.row.default_version));
  }

  /** Any version but the default one. */
  async delete(tenant: Tenant, input: CustomVersionInput): Promise<void> {
    const { name, versionNumber } = requireCustomVersion(input);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const policy = await findCustomPolicy(tx, tenant, name);
      if (!(await tx.ram.policies.findVersion(tenant.accountId, policy.name_key, versionNumber))) throw new ApiError('EntityNotExist.Policy.Version');
      if (versionNumber === policy.default_version) throw new ApiError('DeleteConflict.Policy.Version.Default');
      await tx.ram.policies.removeVersion(tenant.accountId, policy.name_key, versionNumber);
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'DeletePolicyVersion', `policy/${policy.policy_name}`, { PolicyName: policy.policy_name, VersionId: versionIdOf(versionNumber) });
    });
  }

  /** In force from the next request on. Setting the current default again changes nothing. */
  async setDefault(tenant: Tenant, input: CustomVersionInput): Promise<void> {
    const { name, versionNumber } = requireCustomVersion(input);
    const now = nowOf(this.context);
    await writeRam(this.context, tenant, async (tx) => {
      const policy = await findCustomPolicy(tx, tenant, name);
      if (!(await tx.ram.policies.findVersion(tenant.accountId, policy.name_key, versionNumber))) throw new ApiError('EntityNotExist.Policy.Version');
      if (versionNumber === policy.default_version) return;
      await tx.ram.policies.update(tenant.accountId, policy.name_key, { default_version: versionNumber, updated_at: now });
      await tx.ram.accounts.bumpRevision(tenant.accountId);
      await recordRamChange(tx, tenant, now, 'SetDefaultPolicyVersion', `policy/${policy.policy_name}`, { PolicyName: policy.policy_name, VersionId: versionIdOf(versionNumber) });
    });
  }
}
