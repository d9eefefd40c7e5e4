/**
 * Policies and their versions (spec ram.md §3.7): CreatePolicy, GetPolicy, DeletePolicy,
 * ListPolicies, UpdatePolicyDescription, CreatePolicyVersion, GetPolicyVersion,
 * ListPolicyVersions, DeletePolicyVersion, SetDefaultPolicyVersion. Documents are answered exactly
 * as they were sent.
 */
import type { ListedPolicy } from '../../domain/policies/policies.js';
import type { RamPolicy, RamPolicyVersion } from '../../domain/policies/records.js';
import { defineAction, param } from '../define.js';
import { optionalStrings, pageFields, ramDate, wrapped } from './format.js';
import { integerOf, tagsOf } from './params.js';
import { allPolicies, customPolicy, typedPolicy } from './resources.js';

/** CreatePolicy's Policy: no AttachmentCount, no UpdateDate. */
const createdPolicyShape = (policy: RamPolicy): Record<string, unknown> => ({
  PolicyName: policy.policyName,
  PolicyType: policy.policyType,
  ...optionalStrings({ Description: policy.description }),
  DefaultVersion: policy.defaultVersion,
  CreateDate: ramDate(policy.createdAt),
});

/** UpdatePolicyDescription's Policy: with UpdateDate, without AttachmentCount. */
const updatedPolicyShape = (policy: RamPolicy): Record<string, unknown> => ({ ...createdPolicyShape(policy), UpdateDate: ramDate(policy.updatedAt) });

/** GetPolicy's Policy and the base of a ListPolicies item: AttachmentCount a JSON number. */
const policyShape = (policy: RamPolicy): Record<string, unknown> => ({
  ...createdPolicyShape(policy),
  AttachmentCount: policy.attachmentCount,
  UpdateDate: ramDate(policy.updatedAt),
});

const listedPolicyShape = (policy: ListedPolicy): Record<string, unknown> => ({
  ...policyShape(policy),
  ...wrapped(
    'Tags',
    'Tag',
    policy.tags.map((tag) => ({ TagKey: tag.key, TagValue: tag.value })),
  ),
});

/** IsDefaultVersion a JSON boolean; the document verbatim. */
const versionShape = (version: RamPolicyVersion): Record<string, unknown> => ({
  VersionId: version.versionId,
  IsDefaultVersion: version.isDefaultVersion,
  PolicyDocument: version.policyDocument,
  CreateDate: ramDate(version.createdAt),
});

const namedPolicyParams = { PolicyName: param.string(), PolicyType: param.string() };
const customVersionParams = { PolicyName: param.string(), VersionId: param.string() };

export const policyActions = [
  defineAction({
    name: 'CreatePolicy',
    resources: allPolicies,
    params: { PolicyName: param.string(), PolicyDocument: param.string(), Description: param.string(), Tag: param.shrunkTags() },
    async handle({ tenant, services }, p) {
      const policy = await services.ram.policies.create(tenant, {
        policyName: p.PolicyName,
        policyDocument: p.PolicyDocument,
        description: p.Description,
        tags: tagsOf(p.Tag),
      });
      return { Policy: createdPolicyShape(policy) };
    },
  }),

  defineAction({
    name: 'GetPolicy',
    readOnly: true,
    resources: typedPolicy,
    params: namedPolicyParams,
    async handle({ tenant, services }, p) {
      const { policy, defaultVersion } = await services.ram.policies.get(tenant, { policyName: p.PolicyName, policyType: p.PolicyType });
      // DefaultPolicyVersion.PolicyDocument always: Terraform reads it unconditionally.
      return { Policy: policyShape(policy), DefaultPolicyVersion: versionShape(defaultVersion) };
    },
  }),

  defineAction({
    name: 'DeletePolicy',
    resources: customPolicy,
    params: { PolicyName: param.string(), CascadingDelete: param.boolean() },
    async handle({ tenant, services }, p) {
      await services.ram.policies.delete(tenant, { policyName: p.PolicyName, cascadingDelete: p.CascadingDelete });
      return {};
    },
  }),

  defineAction({
    name: 'ListPolicies',
    readOnly: true,
    resources: allPolicies,
    params: { PolicyType: param.string(), Marker: param.string(), MaxItems: param.string(), Tag: param.shrunkTags() },
    async handle({ tenant, services }, p) {
      const page = await services.ram.policies.list(tenant, {
        policyType: p.PolicyType,
        marker: p.Marker,
        maxItems: integerOf(p.MaxItems),
        tags: tagsOf(p.Tag),
      });
      return { ...pageFields(page), ...wrapped('Policies', 'Policy', page.items.map(listedPolicyShape)) };
    },
  }),

  defineAction({
    name: 'UpdatePolicyDescription',
    resources: customPolicy,
    // "" clears the description; absent is MissingNewDescription.
    params: { PolicyName: param.string(), NewDescription: param.text() },
    async handle({ tenant, services }, p) {
      const policy = await services.ram.policies.updateDescription(tenant, { policyName: p.PolicyName, newDescription: p.NewDescription });
      return { Policy: updatedPolicyShape(policy) };
    },
  }),

  defineAction({
    name: 'CreatePolicyVersion',
    resources: customPolicy,
    params: { PolicyName: param.string(), PolicyDocument: param.string(), SetAsDefault: param.boolean(), RotateStrategy: param.string() },
    async handle({ tenant, services }, p) {
      const version = await services.ram.policyVersions.create(tenant, {
        policyName: p.PolicyName,
        policyDocument: p.PolicyDocument,
        setAsDefault: p.SetAsDefault,
        rotateStrategy: p.RotateStrategy,
      });
      return { PolicyVersion: versionShape(version) };
    },
  }),

  defineAction({
    name: 'GetPolicyVersion',
    readOnly: true,
    resources: typedPolicy,
    params: { ...namedPolicyParams, VersionId: param.string() },
    async handle({ tenant, services }, p) {
      const version = await services.ram.policyVersions.get(tenant, { policyName: p.PolicyName, policyType: p.PolicyType, versionId: p.VersionId });
      return { PolicyVersion: versionShape(version) };
    },
  }),

  defineAction({
    name: 'ListPolicyVersions',
    readOnly: true,
    resources: typedPolicy,
    params: namedPolicyParams,
    async handle({ tenant, services }, p) {
      const versions = await services.ram.policyVersions.list(tenant, { policyName: p.PolicyName, policyType: p.PolicyType });
      return wrapped('PolicyVersions', 'PolicyVersion', versions.map(versionShape));
    },
  }),

  defineAction({
    name: 'DeletePolicyVersion',
    resources: customPolicy,
    params: customVersionParams,
    async handle({ tenant, services }, p) {
      await services.ram.policyVersions.delete(tenant, { policyName: p.PolicyName, versionId: p.VersionId });
      return {};
    },
  }),

  defineAction({
    name: 'SetDefaultPolicyVersion',
    resources: customPolicy,
    params: customVersionParams,
    async handle({ tenant, services }, p) {
      await services.ram.policyVersions.setDefault(tenant, { policyName: p.PolicyName, versionId: p.VersionId });
      return {};
    },
  }),
];
