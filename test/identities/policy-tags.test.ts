/**
 * Policy tags in the domain (spec ram.md §3.7, §3.8) on every storage backend: CreatePolicy's Tag,
 * TagResources / UntagResources / ListTagResources for ResourceType policy, their limits (20 tags,
 * key 128, value 256, reserved prefixes), paging, the JSON parameters, and isolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isApiError } from '../../src/domain/errors.js';
import { parseNameListParameter, parseTagParameter } from '../../src/domain/policies/tag-rules.js';
import { backends } from '../support/backends.js';
import { type RamWorld, failingAtAudit, ramWorld, rejectsWith } from './support.js';

const document = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'ram:Get*', Resource: '*' }] });

test('the JSON parameters: Tag and name lists', () => {
  assert.deepEqual(parseTagParameter('[{"Key":"owner","Value":"alice"},{"Key":"bare"}]'), [{ key: 'owner', value: 'alice' }, { key: 'bare' }]);
  assert.deepEqual(parseTagParameter('[]'), []);
  for (const bad of ['', 'owner=alice', '{"Key":"k"}', '[{"Key":1}]', '[{"Value":"v"}]', '[{"Key":"k","Value":2}]', '["k"]']) {
    assert.throws(() => parseTagParameter(bad), (error: unknown) => isApiError(error) && error.code === 'InvalidParameter.Tag', bad);
  }
  assert.deepEqual(parseNameListParameter('["my-policy","other"]', 'InvalidParameter.ResourceNames'), ['my-policy', 'other']);
  for (const bad of ['my-policy', '[1]', '{"a":1}']) {
    assert.throws(() => parseNameListParameter(bad, 'InvalidParameter.TagKeys'), (error: unknown) => isApiError(error) && error.code === 'InvalidParameter.TagKeys', bad);
  }
});

for (const backend of backends) {
  describe(`RAM policy tags [${backend.name}]`, () => {
    let world: RamWorld;
    before(async () => {
      world = await ramWorld(backend);
    });
    after(() => world.close());

    const listOf = async (tenant: Parameters<RamWorld['ram']['policyTags']['list']>[0], names?: string[]) =>
      (await world.ram.policyTags.list(tenant, { resourceType: 'policy', ...(names ? { resourceNames: names } : {}) })).tagResources.map((t) => [
        t.resourceName,
        t.tagKey,
        t.tagValue,
      ]);

    test('CreatePolicy’s tags, TagResources adding and replacing, UntagResources by key or all', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.policies.create(account.root, { policyName: 'Tagged', policyDocument: document, tags: [{ key: 'owner', value: 'alice' }, { key: 'empty' }] });
      await ram.policies.create(account.root, { policyName: 'other', policyDocument: document });
      assert.deepEqual(await listOf(account.root, ['tagged']), [['Tagged', 'empty', ''], ['Tagged', 'owner', 'alice']]);

      await ram.policyTags.tag(account.root, { resourceType: 'policy', resourceNames: ['tagged', 'OTHER'], tags: [{ key: 'owner', value: 'bob' }, { key: 'env', value: 'prod' }] });
      assert.deepEqual(await listOf(account.root), [
        ['other', 'env', 'prod'],
        ['other', 'owner', 'bob'],
        ['Tagged', 'empty', ''],
        ['Tagged', 'env', 'prod'],
        ['Tagged', 'owner', 'bob'],
      ]);
      assert.deepEqual((await ram.policies.list(account.root, { policyType: 'Custom', tags: [{ key: 'owner', value: 'bob' }] })).items.map((p) => p.policyName), ['Tagged', 'other']);

      await ram.policyTags.untag(account.root, { resourceType: 'policy', resourceNames: ['tagged'], tagKeys: ['owner', 'not-there'] });
      assert.deepEqual(await listOf(account.root, ['tagged']), [['Tagged', 'empty', ''], ['Tagged', 'env', 'prod']]);
      await ram.policyTags.untag(account.root, { resourceType: 'policy', resourceNames: ['tagged'], all: true });
      assert.deepEqual(await listOf(account.root, ['tagged']), []);
      assert.deepEqual(await listOf(account.root, ['other']), [['other', 'env', 'prod'], ['other', 'owner', 'bob']]);
    });

    test('the rules: required parameters, ResourceType, names, keys, values, reserved prefixes, 20 tags per policy', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.policies.create(account.root, { policyName: 'limits', policyDocument: document });
      const tag = (input: Record<string, unknown>) => ram.policyTags.tag(account.root, { resourceType: 'policy', resourceNames: ['limits'], tags: [{ key: 'k', value: 'v' }], ...input });
      const cases: [Record<string, unknown>, string][] = [
        [{ resourceType: undefined }, 'MissingResourceType'],
        [{ resourceNames: [] }, 'MissingResourceNames'],
        [{ tags: [] }, 'MissingTag'],
        [{ resourceType: 'role' }, 'InvalidParameter.ResourceType'],
        [{ resourceType: 'Policy' }, 'InvalidParameter.ResourceType'],
        [{ resourceNames: ['bad_name'] }, 'InvalidParameter.ResourceNames'],
        [{ resourceNames: Array.from({ length: 51 }, (_, i) => `p${i}`) }, 'InvalidParameter.ResourceNames'],
        [{ tags: [{ key: '' }] }, 'InvalidParameter.TagKey'],
        [{ tags: [{ key: 'k'.repeat(129) }] }, 'InvalidParameter.TagKey'],
        [{ tags: [{ key: 'acs:owner', value: 'x' }] }, 'InvalidParameter.TagKey'],
        [{ tags: [{ key: 'Aliyun-team', value: 'x' }] }, 'InvalidParameter.TagKey'],
        [{ tags: [{ key: 'k', value: 'v'.repeat(257) }] }, 'InvalidParameter.Tag'],
        [{ tags: [{ key: 'k' }, { key: 'k', value: 'again' }] }, 'InvalidParameter.Tag'],
        [{ tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}` })) }, 'LimitExceeded.Tag'],
        [{ resourceNames: ['limits', 'ghost'] }, 'EntityNotExist.Policy'],
        [{ resourceNames: ['AdministratorAccess'] }, 'EntityNotExist.Policy'],
      ];
      for (const [input, code] of cases) await rejectsWith(tag(input), code, JSON.stringify(input).slice(0, 100));
      assert.deepEqual(await listOf(account.root, ['limits']), [], 'a refused request tags nothing, not even the policies it found');

      await tag({ tags: Array.from({ length: 20 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, value: 'v'.repeat(256) })) });
      await tag({ tags: [{ key: 'k00', value: 'replaced' }] });
      await rejectsWith(tag({ tags: [{ key: 'one-more' }] }), 'LimitExceeded.Tag');
      await rejectsWith(
        ram.policies.create(account.root, { policyName: 'too-many', policyDocument: document, tags: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}` })) }),
        'LimitExceeded.Tag',
      );

      const untag = (input: Record<string, unknown>) => ram.policyTags.untag(account.root, { resourceType: 'policy', resourceNames: ['limits'], ...input });
      await rejectsWith(untag({}), 'InvalidParameter.TagKeys');
      await rejectsWith(untag({ tagKeys: [] }), 'InvalidParameter.TagKeys');
      await rejectsWith(untag({ tagKeys: [''] }), 'InvalidParameter.TagKeys');
      await rejectsWith(untag({ tagKeys: Array.from({ length: 21 }, (_, i) => `k${i}`) }), 'InvalidParameter.TagKeys');
      await rejectsWith(untag({ resourceNames: undefined, tagKeys: ['k00'] }), 'MissingResourceNames');
      await rejectsWith(untag({ resourceNames: ['ghost'], tagKeys: ['k00'] }), 'EntityNotExist.Policy');
      await rejectsWith(untag({ resourceType: 'role', tagKeys: ['k00'] }), 'InvalidParameter.ResourceType');
    });

    test('ListTagResources: filters, role answers nothing, NextToken paging, PageSize 1–100', async () => {
      const account = await world.newAccount();
      const { ram } = world;
      await ram.policies.create(account.root, { policyName: 'pa', policyDocument: document, tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'a' }] });
      await ram.policies.create(account.root, { policyName: 'pb', policyDocument: document, tags: [{ key: 'env', value: 'dev' }] });
      const list = (input: Record<string, unknown>) => ram.policyTags.list(account.root, { resourceType: 'policy', ...input });
      assert.deepEqual(
        (await list({ tags: [{ key: 'env', value: 'prod' }] })).tagResources,
        [
          { resourceName: 'pa', resourceType: 'policy', tagKey: 'env', tagValue: 'prod' },
          { resourceName: 'pa', resourceType: 'policy', tagKey: 'team', tagValue: 'a' },
        ],
      );
      assert.deepEqual((await ram.policyTags.list(account.root, { resourceType: 'role' })).tagResources, []);
      const first = await list({ pageSize: 2 });
      assert.equal(first.tagResources.length, 2);
      assert.ok(first.nextToken);
      const rest = await list({ pageSize: 2, nextToken: first.nextToken });
      assert.deepEqual([rest.tagResources.map((t) => [t.resourceName, t.tagKey]), rest.nextToken], [[['pb', 'env']], undefined]);
      await rejectsWith(list({ pageSize: 0 }), 'InvalidParameter.PageSize');
      await rejectsWith(list({ pageSize: 101 }), 'InvalidParameter.PageSize');
      await rejectsWith(list({ nextToken: 'nope' }), 'InvalidParameter.NextToken');
      await rejectsWith(list({ resourceNames: ['ghost'] }), 'EntityNotExist.Policy');
      await rejectsWith(ram.policyTags.list(account.root, {}), 'MissingResourceType');
      await rejectsWith(ram.policyTags.list(account.root, { resourceType: 'user' }), 'InvalidParameter.ResourceType');
      // Another account sees none of these tags, nor the policies by name.
      const other = await world.newAccount();
      assert.deepEqual((await ram.policyTags.list(other.root, { resourceType: 'policy' })).tagResources, []);
      await rejectsWith(ram.policyTags.tag(other.root, { resourceType: 'policy', resourceNames: ['pa'], tags: [{ key: 'x' }] }), 'EntityNotExist.Policy');
    });

    test('a failing tag write tags nothing', async () => {
      const account = await world.newAccount();
      await world.ram.policies.create(account.root, { policyName: 'atomic', policyDocument: document, tags: [{ key: 'keep', value: 'me' }] });
      const broken = world.withOptions({}, failingAtAudit(world.store));
      await assert.rejects(broken.policyTags.tag(account.root, { resourceType: 'policy', resourceNames: ['atomic'], tags: [{ key: 'new' }] }), /audit write failed/);
      await assert.rejects(broken.policyTags.untag(account.root, { resourceType: 'policy', resourceNames: ['atomic'], all: true }), /audit write failed/);
      assert.deepEqual(await listOf(account.root, ['atomic']), [['atomic', 'keep', 'me']]);
    });
  });
}
