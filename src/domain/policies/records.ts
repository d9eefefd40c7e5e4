/** Policies and policy versions as the RAM services answer them (dates in the stored form). */
import type { RamPolicyRow, RamPolicyVersionRow } from '../../store/identity-repositories.js';
import type { RamPolicyType } from '../../store/schema.js';
import type { SystemPolicy } from '../access/system-policies.js';
import { versionIdOf } from './names.js';

export interface RamPolicy {
  policyName: string;
  policyType: RamPolicyType;
  description: string | null;
  /** `v<n>`. */
  defaultVersion: string;
  /** Users and groups the policy is attached to. */
  attachmentCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface RamPolicyVersion {
  versionId: string;
  isDefaultVersion: boolean;
  /** Exactly as it was sent. */
  policyDocument: string;
  createdAt: string;
}

export interface PolicyTag {
  key: string;
  value: string;
}

export const customPolicy = (row: RamPolicyRow, attachmentCount: number): RamPolicy => ({
  policyName: row.policy_name,
  policyType: 'Custom',
  description: row.description,
  defaultVersion: versionIdOf(row.default_version),
  attachmentCount,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const systemPolicyRecord = (policy: SystemPolicy, attachmentCount: number): RamPolicy => ({
  policyName: policy.policyName,
  policyType: 'System',
  description: policy.description,
  defaultVersion: policy.defaultVersion,
  attachmentCount,
  createdAt: policy.createDate,
  updatedAt: policy.updateDate,
});

export const customVersion = (row: RamPolicyVersionRow, defaultVersion: number): RamPolicyVersion => ({
  versionId: versionIdOf(row.version_number),
  isDefaultVersion: row.version_number === defaultVersion,
  policyDocument: row.document,
  createdAt: row.created_at,
});

/** A system policy's one version: its default, made when the policy last changed. */
export const systemVersion = (policy: SystemPolicy): RamPolicyVersion => ({
  versionId: policy.defaultVersion,
  isDefaultVersion: true,
  policyDocument: policy.policyDocument,
  createdAt: policy.updateDate,
});
