/**
 * Tags of custom policies (spec ram.md §3.8): TagResources, UntagResources, ListTagResources.
 * `ResourceNames`, `TagKeys` and `Tag` are JSON-array strings ("shrink" style); `Tag` may also be
 * `Tag.N.Key`/`Tag.N.Value`. Terraform's redundant `TagKey.N` parameters are not read.
 * ListTagResources answers a plain `TagResources` array, unlike every other Ram listing.
 */
import { defineAction, param } from '../define.js';
import { integerOf, namesOf, tagsOf } from './params.js';
import { everything, namedPolicies } from './resources.js';

export const policyTagActions = [
  defineAction({
    name: 'TagResources',
    resources: namedPolicies,
    params: { ResourceType: param.string(), ResourceNames: param.string(), Tag: param.shrunkTags() },
    async handle({ tenant, services }, p) {
      await services.ram.policyTags.tag(tenant, {
        resourceType: p.ResourceType,
        resourceNames: namesOf(p.ResourceNames, 'InvalidParameter.ResourceNames'),
        tags: tagsOf(p.Tag),
      });
      return {};
    },
  }),

  defineAction({
    name: 'UntagResources',
    resources: namedPolicies,
    params: { ResourceType: param.string(), ResourceNames: param.string(), TagKeys: param.string(), All: param.boolean() },
    async handle({ tenant, services }, p) {
      await services.ram.policyTags.untag(tenant, {
        resourceType: p.ResourceType,
        resourceNames: namesOf(p.ResourceNames, 'InvalidParameter.ResourceNames'),
        tagKeys: namesOf(p.TagKeys, 'InvalidParameter.TagKeys'),
        all: p.All,
      });
      return {};
    },
  }),

  defineAction({
    name: 'ListTagResources',
    readOnly: true,
    resources: everything,
    params: { ResourceType: param.string(), ResourceNames: param.string(), Tag: param.shrunkTags(), NextToken: param.string(), PageSize: param.string() },
    async handle({ tenant, services }, p) {
      const { tagResources, nextToken } = await services.ram.policyTags.list(tenant, {
        resourceType: p.ResourceType,
        resourceNames: namesOf(p.ResourceNames, 'InvalidParameter.ResourceNames'),
        tags: tagsOf(p.Tag),
        nextToken: p.NextToken,
        pageSize: integerOf(p.PageSize),
      });
      return {
        ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
        TagResources: tagResources.map((tag) => ({ ResourceName: tag.resourceName, ResourceType: tag.resourceType, TagKey: tag.tagKey, TagValue: tag.tagValue })),
      };
    },
  }),
];
