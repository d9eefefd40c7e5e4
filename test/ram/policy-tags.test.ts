/**
 * Policy tags on the wire (spec ram.md §3.8), every official client, both stores: TagResources,
 * UntagResources and ListTagResources with their JSON-array parameters ("shrink" style) and the
 * `Tag.N.Key` form, ListTagResources' plain `TagResources` array and its NextToken paging, and every
 * error with its status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientNames, expectError } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { allowEverything, assertAnswer, ramClient, unique } from './support.js';

const tagResource = { ResourceName: 'string', ResourceType: 'string', TagKey: 'string', TagValue: 'string' } as const;
const json = (value: unknown): string => JSON.stringify(value);

for (const backend of backends) {
  describe(`Ram policy tags on the wire [${backend.name}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    for (const name of clientNames) {
      test(`${name}: tag, list, untag; ListTagResources answers a plain TagResources array`, async () => {
        const ram = ramClient(server, name);
        const first = unique('tagged');
        const second = unique('tagged');
        await ram.call('CreatePolicy', { PolicyName: first, PolicyDocument: allowEverything, Tag: json([{ Key: 'owner', Value: 'alice' }]) });
        await ram.call('CreatePolicy', { PolicyName: second, PolicyDocument: allowEverything });
        assertAnswer(await ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: json([second]) }), { TagResources: [] });

        assertAnswer(await ram.call('TagResources', { ResourceType: 'policy', ResourceNames: json([first, second]), Tag: json([{ Key: 'env', Value: 'prod' }]) }), {});
        await ram.call('TagResources', { ResourceType: 'policy', ResourceNames: json([second]), 'Tag.1.Key': 'team', 'Tag.1.Value': 'core', 'Tag.2.Key': 'blank' });
        const listed = await ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: json([first, second]) });
        assertAnswer(listed, { TagResources: [tagResource] });
        const byPolicy = (policyName: string) =>
          listed.TagResources.filter((item: { ResourceName: string }) => item.ResourceName === policyName).map(
            (item: { ResourceType: string; TagKey: string; TagValue: string }) => [item.ResourceType, item.TagKey, item.TagValue],
          );
        assert.deepEqual(byPolicy(first), [['policy', 'env', 'prod'], ['policy', 'owner', 'alice']]);
        assert.deepEqual(byPolicy(second), [['policy', 'blank', ''], ['policy', 'env', 'prod'], ['policy', 'team', 'core']]);
        // Tagging a key again replaces its value.
        await ram.call('TagResources', { ResourceType: 'policy', ResourceNames: json([first]), Tag: json([{ Key: 'env', Value: 'test' }]) });
        const filtered = await ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: json([first, second]), Tag: json([{ Key: 'env', Value: 'test' }]) });
        assert.deepEqual(filtered.TagResources.map((item: { ResourceName: string }) => item.ResourceName), [first, first]);

        // Terraform also sends TagKey.N beside TagKeys: those are not read.
        assertAnswer(await ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: json([first]), TagKeys: json(['env', 'absent']), 'TagKey.1': 'owner' }), {});
        assert.deepEqual(
          (await ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: json([first]) })).TagResources.map((item: { TagKey: string }) => item.TagKey),
          ['owner'],
        );
        await ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: json([second]), All: true });
        assertAnswer(await ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: json([second]) }), { TagResources: [] });
        // There are no roles: nothing is tagged.
        assertAnswer(await ram.call('ListTagResources', { ResourceType: 'role' }), { TagResources: [] });
      });

      test(`${name}: ListTagResources pages with NextToken and PageSize`, async () => {
        const tenant = await server.newTenant();
        const ram = ramClient(server, name, tenant);
        const policyName = unique('paged-tags');
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything, Tag: json([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]) });
        const firstPage = await ram.call('ListTagResources', { ResourceType: 'policy', PageSize: 2 });
        assertAnswer(firstPage, { NextToken: 'string', TagResources: [tagResource] });
        const secondPage = await ram.call('ListTagResources', { ResourceType: 'policy', PageSize: 2, NextToken: firstPage.NextToken });
        assertAnswer(secondPage, { TagResources: [tagResource] });
        assert.deepEqual(
          [...firstPage.TagResources, ...secondPage.TagResources].map((item: { TagKey: string }) => item.TagKey),
          ['a', 'b', 'c'],
        );
      });
    }

    test('tag actions: every error with its status, in the order of the checks', async () => {
      for (const name of clientNames) {
        const ram = ramClient(server, name);
        const policyName = unique('tag-errors');
        await ram.call('CreatePolicy', { PolicyName: policyName, PolicyDocument: allowEverything });
        const names = json([policyName]);
        const tag = json([{ Key: 'k', Value: 'v' }]);

        await expectError(ram.call('TagResources', { ResourceNames: names, Tag: tag }), 'MissingResourceType', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', Tag: tag }), 'MissingResourceNames', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: '[]', Tag: tag }), 'MissingResourceNames', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names }), 'MissingTag', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'role', ResourceNames: names, Tag: tag }), 'InvalidParameter.ResourceType', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: policyName, Tag: tag }), 'InvalidParameter.ResourceNames', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: json(['bad_name']), Tag: tag }), 'InvalidParameter.ResourceNames', 400);
        const fiftyOne = json(Array.from({ length: 51 }, (_, index) => `p-${index}`));
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: fiftyOne, Tag: tag }), 'InvalidParameter.ResourceNames', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: 'k=v' }), 'InvalidParameter.Tag', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: json([{ Key: 'k' }, { Key: 'k' }]) }), 'InvalidParameter.Tag', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: json([{ Key: 'k', Value: 'v'.repeat(257) }]) }), 'InvalidParameter.Tag', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: json([{ Key: 'aliyun-x', Value: 'v' }]) }), 'InvalidParameter.TagKey', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: json([{ Key: 'k'.repeat(129) }]) }), 'InvalidParameter.TagKey', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, 'Tag.1.Value': 'keyless' }), 'InvalidParameter.TagKey', 400);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: json([policyName, unique('nothing')]), Tag: tag }), 'EntityNotExist.Policy', 404);
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: json(['AdministratorAccess']), Tag: tag }), 'EntityNotExist.Policy', 404);
        const twenty = json(Array.from({ length: 20 }, (_, index) => ({ Key: `k${index}`, Value: 'v' })));
        await ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: twenty });
        await expectError(ram.call('TagResources', { ResourceType: 'policy', ResourceNames: names, Tag: json([{ Key: 'one-more', Value: 'v' }]) }), 'LimitExceeded.Tag', 409);

        await expectError(ram.call('UntagResources', { ResourceNames: names, TagKeys: '["k0"]' }), 'MissingResourceType', 400);
        await expectError(ram.call('UntagResources', { ResourceType: 'policy', TagKeys: '["k0"]' }), 'MissingResourceNames', 400);
        await expectError(ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: names }), 'InvalidParameter.TagKeys', 400);
        await expectError(ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: names, TagKeys: 'k0' }), 'InvalidParameter.TagKeys', 400);
        await expectError(ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: names, TagKeys: '[1]' }), 'InvalidParameter.TagKeys', 400);
        await expectError(ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: names, All: 'everything' }), 'InvalidParameter.All', 400);
        await expectError(ram.call('UntagResources', { ResourceType: 'policy', ResourceNames: json([unique('nothing')]), TagKeys: '["k0"]' }), 'EntityNotExist.Policy', 404);

        await expectError(ram.call('ListTagResources', {}), 'MissingResourceType', 400);
        await expectError(ram.call('ListTagResources', { ResourceType: 'user' }), 'InvalidParameter.ResourceType', 400);
        await expectError(ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: 'p' }), 'InvalidParameter.ResourceNames', 400);
        await expectError(ram.call('ListTagResources', { ResourceType: 'policy', Tag: '{}' }), 'InvalidParameter.Tag', 400);
        for (const pageSize of ['0', '101', 'all']) await expectError(ram.call('ListTagResources', { ResourceType: 'policy', PageSize: pageSize }), 'InvalidParameter.PageSize', 400);
        await expectError(ram.call('ListTagResources', { ResourceType: 'policy', NextToken: 'garbage' }), 'InvalidParameter.NextToken', 400);
        await expectError(ram.call('ListTagResources', { ResourceType: 'policy', ResourceNames: json([unique('nothing')]) }), 'EntityNotExist.Policy', 404);
      }
    });
  });
}
