/**
 * The evaluator against the rules of spec/ram.md §4.3–§5 and the consequences of §6, table by
 * table: effects and precedence, Action/NotAction, Resource matching, several resources, every
 * condition operator (positive and negated, absent keys, lists, several keys and operators), the
 * system policies, and the ARNs the authorization tables build.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  accountArn,
  accountCollectionArn,
  allResources,
  callerRootArn,
  callerUserArn,
  contactArn,
  contactCollectionArn,
  folderArn,
  ramAccountArn,
  ramGroupArn,
  ramGroupCollectionArn,
  ramPolicyArn,
  ramPolicyCollectionArn,
  ramUserArn,
  ramUserCollectionArn,
} from '../../src/domain/access/arns.js';
import { authorize, compilePolicySet, type Decision, type RequestContext } from '../../src/domain/access/evaluator.js';
import { conditionOperators, parsePolicyDocument, type ConditionOperator, type PolicyDocument } from '../../src/domain/access/policy-document.js';
import { systemPolicy } from '../../src/domain/access/system-policies.js';

const account = '1234567890123456';
const baseContext: RequestContext = {
  currentTime: new Date('2024-06-01T12:00:00.000Z'),
  sourceIp: '192.168.1.10',
  secureTransport: true,
  mfaPresent: false,
};

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]): PolicyDocument =>
  parsePolicyDocument(JSON.stringify({ Version: '1', Statement: statements }));
const allow = (fields: Statement = {}): Statement => ({ Effect: 'Allow', Action: '*', Resource: '*', ...fields });
const deny = (fields: Statement = {}): Statement => ({ Effect: 'Deny', Action: '*', Resource: '*', ...fields });
const system = (name: string): PolicyDocument => systemPolicy(name)!.document;

function decide(
  documents: readonly PolicyDocument[],
  action: string,
  resources: string | readonly string[] = '*',
  context: RequestContext = baseContext,
): Decision {
  return authorize(compilePolicySet(documents), {
    action,
    resources: typeof resources === 'string' ? [resources] : resources,
    context,
  });
}

/** The effect alone, for tables that only ask which way a decision goes. */
const effectOf = (...args: Parameters<typeof decide>): Decision['effect'] => decide(...args).effect;

describe('effects: implicit deny by default, explicit Deny wins over Allow', () => {
  const user = ramUserArn(account, 'alice');
  const cases: ReadonlyArray<readonly [name: string, documents: readonly PolicyDocument[], action: string, expected: Decision]> = [
    ['no policy at all', [], 'ram:ListUsers', { effect: 'ImplicitDeny', resource: user }],
    ['a policy for other actions', [policy(allow({ Action: 'resourcemanager:*' }))], 'ram:ListUsers', { effect: 'ImplicitDeny', resource: user }],
    ['an Allow', [policy(allow({ Action: 'ram:ListUsers' }))], 'ram:ListUsers', { effect: 'Allow' }],
    ['a Deny alone', [policy(deny({ Action: 'ram:ListUsers' }))], 'ram:ListUsers', { effect: 'ExplicitDeny', resource: user }],
    ['Allow then Deny in one document', [policy(allow(), deny({ Action: 'ram:ListUsers' }))], 'ram:ListUsers', { effect: 'ExplicitDeny', resource: user }],
    ['Deny then Allow in one document', [policy(deny({ Action: 'ram:ListUsers' }), allow())], 'ram:ListUsers', { effect: 'ExplicitDeny', resource: user }],
    ['Allow and Deny in two documents', [policy(allow()), policy(deny({ Action: 'ram:*' }))], 'ram:ListUsers', { effect: 'ExplicitDeny', resource: user }],
    ['Deny and Allow in two documents', [policy(deny({ Action: 'ram:*' })), policy(allow())], 'ram:ListUsers', { effect: 'ExplicitDeny', resource: user }],
    ['a Deny for another action beside an Allow', [policy(allow()), policy(deny({ Action: 'ram:CreateUser' }))], 'ram:ListUsers', { effect: 'Allow' }],
    ['a Deny for another resource beside an Allow', [policy(allow()), policy(deny({ Resource: ramUserArn(account, 'bob') }))], 'ram:ListUsers', { effect: 'Allow' }],
    ['a Deny whose condition is not met', [policy(allow()), policy(deny({ Condition: { Bool: { 'acs:SecureTransport': false } } }))], 'ram:ListUsers', { effect: 'Allow' }],
    ['a Deny whose condition is met', [policy(allow()), policy(deny({ Condition: { Bool: { 'acs:SecureTransport': true } } }))], 'ram:ListUsers', { effect: 'ExplicitDeny', resource: user }],
    ['an Allow whose condition is not met', [policy(allow({ Condition: { Bool: { 'acs:MFAPresent': true } } }))], 'ram:ListUsers', { effect: 'ImplicitDeny', resource: user }],
    ['the same Allow twice', [policy(allow()), policy(allow())], 'ram:ListUsers', { effect: 'Allow' }],
  ];
  for (const [name, documents, action, expected] of cases) {
    test(name, () => assert.deepEqual(decide(documents, action, user), expected));
  }

  test('a compiled set is reused across requests with different answers', () => {
    const set = compilePolicySet([policy(allow({ Action: 'ram:Get*' }), deny({ Action: 'ram:GetUser', Resource: ramUserArn(account, 'root-*') }))]);
    const ask = (action: string, resource: string) => authorize(set, { action, resources: [resource], context: baseContext }).effect;
    assert.equal(ask('ram:GetUser', ramUserArn(account, 'alice')), 'Allow');
    assert.equal(ask('ram:GetUser', ramUserArn(account, 'root-ops')), 'ExplicitDeny');
    assert.equal(ask('ram:ListUsers', ramUserArn(account, 'alice')), 'ImplicitDeny');
    assert.equal(ask('ram:GetGroup', ramGroupArn(account, 'ops')), 'Allow');
  });
});

describe('Action and NotAction', () => {
  const cases: ReadonlyArray<readonly [patterns: string | string[], action: string, matches: boolean]> = [
    ['*', 'ram:ListUsers', true],
    ['*', 'resourcemanager:UpdateMessageContact', true],
    ['ram:ListUsers', 'ram:ListUsers', true],
    ['ram:ListUsers', 'ram:listusers', true],
    ['ram:ListUsers', 'RAM:LISTUSERS', true],
    ['RAM:listUSERS', 'ram:ListUsers', true],
    ['ram:ListUsers', 'ram:ListUser', false],
    ['ram:ListUsers', 'ram:ListUsersForGroup', false],
    ['ram:ListUsers', 'xram:ListUsers', false],
    ['ram:List*', 'ram:ListUsers', true],
    ['ram:List*', 'ram:List', true],
    ['ram:List*', 'ram:GetUser', false],
    ['ram:list*', 'ram:ListPolicies', true],
    ['ram:*', 'ram:CreateUser', true],
    ['ram:*', 'resourcemanager:GetFolder', false],
    ['*:List*', 'ram:ListUsers', true],
    ['*:List*', 'resourcemanager:ListAccounts', true],
    ['*:List*', 'resourcemanager:GetAccount', false],
    ['ram:Get?ser', 'ram:GetUser', true],
    ['ram:Get?ser', 'ram:GetUUser', false],
    ['ram:Get?ser', 'ram:Getser', false],
    ['ram:*User', 'ram:CreateUser', true],
    ['ram:*User', 'ram:CreateUsers', false],
    ['ram:*User*', 'ram:AddUserToGroup', true],
    ['resourcemanager:*MessageContact*', 'resourcemanager:GetMessageContactDeletionStatus', true],
    ['ram:List.sers', 'ram:ListUsers', false],
    ['ram:(List|Get)Users', 'ram:ListUsers', false],
    [['ram:GetUser', 'ram:ListUsers'], 'ram:ListUsers', true],
    [['ram:GetUser', 'ram:Create*'], 'ram:ListUsers', false],
    [['ram:Get*', 'resourcemanager:List*'], 'resourcemanager:ListAccounts', true],
  ];
  for (const [patterns, action, matches] of cases) {
    test(`Action ${JSON.stringify(patterns)} ${matches ? 'matches' : 'does not match'} ${action}`, () => {
      assert.equal(effectOf([policy(allow({ Action: patterns }))], action), matches ? 'Allow' : 'ImplicitDeny');
    });
    test(`NotAction ${JSON.stringify(patterns)} ${matches ? 'excludes' : 'covers'} ${action}`, () => {
      assert.equal(effectOf([policy(allow({ Action: undefined, NotAction: patterns }))], action), matches ? 'ImplicitDeny' : 'Allow');
    });
  }

  test('a Deny with NotAction denies everything but the listed actions', () => {
    const documents = [system('AdministratorAccess'), policy(deny({ Action: undefined, NotAction: ['resourcemanager:Get*', 'resourcemanager:List*'] }))];
    assert.equal(effectOf(documents, 'ram:ListUsers'), 'ExplicitDeny');
    assert.equal(effectOf(documents, 'resourcemanager:UpdateMessageContact'), 'ExplicitDeny');
    assert.equal(effectOf(documents, 'resourcemanager:GetFolder'), 'Allow');
    assert.equal(effectOf(documents, 'RESOURCEMANAGER:listaccounts'), 'Allow');
  });
});

describe('Resource', () => {
  const user = (name: string, acct = account) => ramUserArn(acct, name);
  const cases: ReadonlyArray<readonly [patterns: string | string[], resource: string, matches: boolean, why: string]> = [
    ['*', user('alice'), true, '* matches every ARN'],
    ['*', '*', true, '* matches the All-Resources resource'],
    ['*', 'not-an-arn', true, '* matches anything at all'],
    [user('alice'), user('alice'), true, 'the exact ARN'],
    [user('alice'), user('alice2'), false, 'no implicit trailing wildcard'],
    [user('alice'), user('ali'), false, 'no prefix match'],
    [`acs:ram:*:${account}:user/*`, user('alice'), true, 'relative-id *'],
    [`acs:ram:*:${account}:user/*`, ramGroupArn(account, 'ops'), false, 'relative-id * keeps its prefix'],
    [`acs:ram:*:${account}:*`, user('alice'), true, 'relative-id * spans /'],
    [`acs:ram:*:${account}:*`, `acs:ram:*:${account}:a:b:c`, true, 'relative-id * spans :'],
    [`acs:ram:*:${account}:user/al?ce`, user('alice'), true, '? is one character'],
    [`acs:ram:*:${account}:user/al?ce`, user('alce'), false, '? is not zero characters'],
    [`acs:ram:*:${account}:user/al?ce`, user('allice'), false, '? is not two characters'],
    [`acs:ram:*:${account}:user/?`, user('😀'), true, '? is one code point'],
    [`acs:ram:*:${account}:user/a.b`, user('aXb'), false, '. is literal'],
    [`acs:ram:*:${account}:user/a+`, user('aa'), false, '+ is literal'],
    [`acs:ram:*:${account}:user/a+`, user('a+'), true, '+ matches itself'],
    [`acs:ram:*:${account}:user/[ab]`, user('a'), false, '[ ] is literal'],
    [`acs:ram:*:${account}:user/alice`, user('Alice'), false, 'relative id is case-sensitive'],
    [`acs:ram:*:${account}:user/Al*`, user('alice'), false, 'relative-id glob is case-sensitive'],
    [`acs:RAM:*:${account}:user/alice`, user('alice'), true, 'service is case-insensitive (pattern)'],
    [`acs:ram:*:${account}:user/alice`, `acs:Ram:*:${account}:user/alice`, true, 'service is case-insensitive (ARN)'],
    [`acs:R*:*:${account}:user/alice`, user('alice'), true, 'service glob, case-insensitive'],
    [`acs:ecs:*:${account}:user/alice`, user('alice'), false, 'another service'],
    [`acs:*:*:${account}:user/alice`, user('alice'), true, 'service *'],
    [`acs:ram:cn-hangzhou:${account}:user/alice`, user('alice'), true, 'region ignored (pattern names one)'],
    [`acs:ram::${account}:user/alice`, `acs:ram:eu-central-1:${account}:user/alice`, true, 'region ignored (ARN names one)'],
    ['acs:resourcemanager:*:*:folder/rd-1/*', folderArn(account, 'rd-1/r-1/fd-1'), true, 'empty region in the ARN'],
    [`acs:ram:*:*:user/alice`, user('alice'), true, 'account *'],
    [`acs:ram:*:*:user/alice`, user('alice', '999'), true, 'account * is any account'],
    [`acs:ram:*:1234*:user/alice`, user('alice'), true, 'account glob'],
    [`acs:ram:*:123456789012345?:user/alice`, user('alice'), true, 'account ?'],
    [`acs:ram:*:999:user/alice`, user('alice'), false, 'another account'],
    ['acs:ram:*:system:policy/*', ramPolicyArn(account, 'AdministratorAccess', 'System'), true, 'the system account'],
    ['acs:ram:*:system:policy/*', ramPolicyArn(account, 'Mine', 'Custom'), false, 'a custom policy is not in the system account'],
    [`acs:ram:*:1*:user/x`, `acs:ram:*:1:2:user/x`, false, 'an account glob stays in its segment'],
    [`acs:r*m:*:${account}:user/x`, `acs:r:a:m:${account}:user/x`, false, 'a service glob stays in its segment'],
    [`acs:ram:*:${account}`, `acs:ram:*:${account}`, false, 'fewer than four colons match nothing, not even themselves'],
    ['acs:*', user('alice'), false, 'acs:* matches nothing'],
    ['acs:ram:*:*', user('alice'), false, 'three colons match nothing'],
    ['acs:*:*:*:*', user('alice'), true, 'every segment *'],
    ['acs:*:*:*:*', '*', false, 'the All-Resources resource only by *'],
    ['acs:*:*:*:*', 'arn:aws:iam::1:user/x', false, 'a non-acs resource only by *'],
    [[`acs:ram:*:${account}:group/*`, `acs:ram:*:${account}:user/alice`], user('alice'), true, 'any pattern of a list'],
    [[`acs:ram:*:${account}:group/*`, 'acs:ram:*'], user('alice'), false, 'no pattern of a list'],
  ];
  for (const [patterns, resource, matches, why] of cases) {
    test(`${why}: ${JSON.stringify(patterns)} ${matches ? 'matches' : 'does not match'} ${resource}`, () => {
      assert.equal(effectOf([policy(allow({ Resource: patterns }))], 'ram:GetUser', resource), matches ? 'Allow' : 'ImplicitDeny');
    });
  }
});

describe('several resources: all must be allowed', () => {
  const alice = ramUserArn(account, 'alice');
  const ops = ramGroupArn(account, 'ops');
  const usersOnly = policy(allow({ Resource: `acs:ram:*:${account}:user/*` }));
  const cases: ReadonlyArray<readonly [name: string, documents: readonly PolicyDocument[], resources: string[], expected: Decision]> = [
    ['both allowed', [policy(allow())], [alice, ops], { effect: 'Allow' }],
    ['the second not allowed', [usersOnly], [alice, ops], { effect: 'ImplicitDeny', resource: ops }],
    ['the first not allowed', [usersOnly], [ops, alice], { effect: 'ImplicitDeny', resource: ops }],
    ['neither allowed: the first is reported', [], [alice, ops], { effect: 'ImplicitDeny', resource: alice }],
    ['the second explicitly denied', [policy(allow()), policy(deny({ Resource: ops }))], [alice, ops], { effect: 'ExplicitDeny', resource: ops }],
    ['ExplicitDeny beats an earlier ImplicitDeny', [policy(deny({ Resource: ops }))], [alice, ops], { effect: 'ExplicitDeny', resource: ops }],
    ['ExplicitDeny beats a later ImplicitDeny', [policy(deny({ Resource: alice }))], [alice, ops], { effect: 'ExplicitDeny', resource: alice }],
    ['both explicitly denied: the first is reported', [policy(deny())], [ops, alice], { effect: 'ExplicitDeny', resource: ops }],
    ['one resource', [usersOnly], [alice], { effect: 'Allow' }],
    ['the same resource twice', [usersOnly], [alice, alice], { effect: 'Allow' }],
  ];
  for (const [name, documents, resources, expected] of cases) {
    test(name, () => assert.deepEqual(decide(documents, 'ram:AddUserToGroup', resources), expected));
  }

  test('no resource at all is a programming error, never a vacuous Allow', () => {
    assert.throws(() => decide([policy(allow())], 'ram:ListUsers', []), RangeError);
  });
});

describe('condition operators', () => {
  /** Met (Allow) or not (ImplicitDeny), for one Allow-everything statement with this condition. */
  const met = (condition: Record<string, Record<string, unknown>>, context: Partial<RequestContext> = {}): boolean => {
    const effect = effectOf([policy(allow({ Condition: condition }))], 'ram:ListUsers', '*', { ...baseContext, ...context });
    assert.notEqual(effect, 'ExplicitDeny');
    return effect === 'Allow';
  };

  type Row = readonly [operator: ConditionOperator, key: string, value: unknown, context: Partial<RequestContext>, expected: boolean];
  const v6 = { sourceIp: 'fe80::abcd' };
  // No served key is a number: the Numeric rows use the text form of acs:SourceIp, which a caller
  // could only fill with a number by mistake, to exercise the comparisons through the public API.
  const n42 = { sourceIp: '42' };
  const rows: readonly Row[] = [
    // String, case-sensitive
    ['StringEquals', 'acs:SourceIp', '192.168.1.10', {}, true],
    ['StringEquals', 'acs:SourceIp', '192.168.1.11', {}, false],
    ['StringEquals', 'acs:SourceIp', ['10.0.0.1', '192.168.1.10'], {}, true],
    ['StringEquals', 'acs:SourceIp', ['10.0.0.1', '10.0.0.2'], {}, false],
    ['StringEquals', 'acs:SourceIp', 'FE80::ABCD', v6, false],
    ['StringEquals', 'acs:SourceIp', '192.168.1.*', {}, false],
    ['StringEquals', 'acs:SecureTransport', true, {}, true],
    ['StringEquals', 'acs:SecureTransport', 'true', {}, true],
    ['StringEquals', 'acs:SecureTransport', 'True', {}, false],
    ['StringEquals', 'acs:CurrentTime', '2024-06-01T12:00:00.000Z', {}, true],
    ['StringNotEquals', 'acs:SourceIp', '192.168.1.11', {}, true],
    ['StringNotEquals', 'acs:SourceIp', '192.168.1.10', {}, false],
    ['StringNotEquals', 'acs:SourceIp', ['10.0.0.1', '192.168.1.10'], {}, false],
    ['StringNotEquals', 'acs:SourceIp', ['10.0.0.1', '10.0.0.2'], {}, true],
    ['StringNotEquals', 'acs:SourceIp', 'FE80::ABCD', v6, true],
    // String, ignoring case
    ['StringEqualsIgnoreCase', 'acs:SourceIp', 'FE80::ABCD', v6, true],
    ['StringEqualsIgnoreCase', 'acs:SourceIp', 'fe80::abcd', v6, true],
    ['StringEqualsIgnoreCase', 'acs:SourceIp', 'FE80::ABCE', v6, false],
    ['StringEqualsIgnoreCase', 'acs:SecureTransport', 'TRUE', {}, true],
    ['StringEqualsIgnoreCase', 'acs:SourceIp', ['x', 'Fe80::AbCd'], v6, true],
    ['StringNotEqualsIgnoreCase', 'acs:SourceIp', 'FE80::ABCD', v6, false],
    ['StringNotEqualsIgnoreCase', 'acs:SourceIp', 'FE80::ABCE', v6, true],
    ['StringNotEqualsIgnoreCase', 'acs:SourceIp', ['x', 'FE80::ABCD'], v6, false],
    // String, globs
    ['StringLike', 'acs:SourceIp', '192.168.*', {}, true],
    ['StringLike', 'acs:SourceIp', '192.168.1.1?', {}, true],
    ['StringLike', 'acs:SourceIp', '192.168.?.10', {}, true],
    ['StringLike', 'acs:SourceIp', '192.168.1.1', {}, false],
    ['StringLike', 'acs:SourceIp', '192.168.1.10', {}, true],
    ['StringLike', 'acs:SourceIp', '*', {}, true],
    ['StringLike', 'acs:SourceIp', '10.*', {}, false],
    ['StringLike', 'acs:SourceIp', '192?168*', {}, true],
    ['StringLike', 'acs:SourceIp', '192.168.1.1.', {}, false],
    ['StringLike', 'acs:SourceIp', 'FE80::*', v6, false],
    ['StringLike', 'acs:SourceIp', ['10.*', '192.*'], {}, true],
    ['StringNotLike', 'acs:SourceIp', '10.*', {}, true],
    ['StringNotLike', 'acs:SourceIp', '192.168.*', {}, false],
    ['StringNotLike', 'acs:SourceIp', ['10.*', '192.*'], {}, false],
    ['StringNotLike', 'acs:SourceIp', ['10.*', '172.*'], {}, true],
    ['StringNotLike', 'acs:SourceIp', 'FE80::*', v6, true],
    // Numeric, JSON numbers and numeric strings
    ['NumericEquals', 'acs:SourceIp', 42, n42, true],
    ['NumericEquals', 'acs:SourceIp', '42', n42, true],
    ['NumericEquals', 'acs:SourceIp', '42.0', n42, true],
    ['NumericEquals', 'acs:SourceIp', '4.2e1', n42, true],
    ['NumericEquals', 'acs:SourceIp', 43, n42, false],
    ['NumericEquals', 'acs:SourceIp', [1, '42'], n42, true],
    ['NumericNotEquals', 'acs:SourceIp', 43, n42, true],
    ['NumericNotEquals', 'acs:SourceIp', '42', n42, false],
    ['NumericNotEquals', 'acs:SourceIp', [1, 42], n42, false],
    ['NumericNotEquals', 'acs:SourceIp', [1, 2], n42, true],
    ['NumericLessThan', 'acs:SourceIp', 43, n42, true],
    ['NumericLessThan', 'acs:SourceIp', 42, n42, false],
    ['NumericLessThan', 'acs:SourceIp', '100', n42, true],
    ['NumericLessThan', 'acs:SourceIp', [1, 50], n42, true],
    ['NumericLessThan', 'acs:SourceIp', [1, 2], n42, false],
    ['NumericLessThanEquals', 'acs:SourceIp', 42, n42, true],
    ['NumericLessThanEquals', 'acs:SourceIp', '41.99', n42, false],
    ['NumericGreaterThan', 'acs:SourceIp', 41, n42, true],
    ['NumericGreaterThan', 'acs:SourceIp', '42', n42, false],
    ['NumericGreaterThan', 'acs:SourceIp', [100, -1], n42, true],
    ['NumericGreaterThanEquals', 'acs:SourceIp', '42', n42, true],
    ['NumericGreaterThanEquals', 'acs:SourceIp', 42.5, n42, false],
    ['NumericEquals', 'acs:SecureTransport', 1, {}, false],
    ['NumericNotEquals', 'acs:SecureTransport', 1, {}, true],
    ['NumericLessThan', 'acs:SourceIp', 1e9, {}, false],
    // Date, compared as instants; no zone = UTC
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00:00Z', {}, true],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00:00.000Z', {}, true],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00:00', {}, true],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00', {}, true],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T14:00:00+02:00', {}, true],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T06:30:00-0530', {}, true],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00:01Z', {}, false],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00:00.001Z', {}, false],
    ['DateEquals', 'acs:CurrentTime', '2024-06-01T12:00:00Z', { currentTime: new Date('2024-06-01T12:00:00.999Z') }, false],
    ['DateEquals', 'acs:CurrentTime', ['2020-01-01', '2024-06-01T12:00:00Z'], {}, true],
    ['DateNotEquals', 'acs:CurrentTime', '2024-06-01T12:00:00Z', {}, false],
    ['DateNotEquals', 'acs:CurrentTime', '2024-06-01T12:00:01Z', {}, true],
    ['DateNotEquals', 'acs:CurrentTime', ['2020-01-01', '2024-06-01T14:00:00+02:00'], {}, false],
    ['DateLessThan', 'acs:CurrentTime', '2024-06-01T12:00:01Z', {}, true],
    ['DateLessThan', 'acs:CurrentTime', '2024-06-01T12:00:00Z', {}, false],
    ['DateLessThan', 'acs:CurrentTime', '2024-06-02', {}, true],
    ['DateLessThan', 'acs:CurrentTime', '2024-06-01', {}, false],
    ['DateLessThan', 'acs:CurrentTime', '2024-06-01T13:00:00+02:00', {}, false],
    ['DateLessThan', 'acs:CurrentTime', '2024-06-01T13:00:00', {}, true],
    ['DateLessThan', 'acs:CurrentTime', ['2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z'], {}, true],
    ['DateLessThanEquals', 'acs:CurrentTime', '2024-06-01T12:00:00Z', {}, true],
    ['DateLessThanEquals', 'acs:CurrentTime', '2024-06-01T11:59:59.999Z', {}, false],
    ['DateGreaterThan', 'acs:CurrentTime', '2024-06-01T11:59:59Z', {}, true],
    ['DateGreaterThan', 'acs:CurrentTime', '2024-06-01T12:00:00Z', {}, false],
    ['DateGreaterThan', 'acs:CurrentTime', '2024-06-01T13:00:00+02:00', {}, true],
    ['DateGreaterThan', 'acs:CurrentTime', '2024-06-01T13:00:00', {}, false],
    ['DateGreaterThan', 'acs:CurrentTime', ['2030-01-01', '2020-01-01'], {}, true],
    ['DateGreaterThanEquals', 'acs:CurrentTime', '2024-06-01T12:00:00Z', {}, true],
    ['DateGreaterThanEquals', 'acs:CurrentTime', '2024-06-01T12:00:00.001Z', {}, false],
    ['DateLessThan', 'acs:SourceIp', '2030-01-01', {}, false],
    // Bool
    ['Bool', 'acs:SecureTransport', true, {}, true],
    ['Bool', 'acs:SecureTransport', 'true', {}, true],
    ['Bool', 'acs:SecureTransport', 'TRUE', {}, true],
    ['Bool', 'acs:SecureTransport', false, {}, false],
    ['Bool', 'acs:SecureTransport', false, { secureTransport: false }, true],
    ['Bool', 'acs:MFAPresent', false, {}, true],
    ['Bool', 'acs:MFAPresent', 'False', {}, true],
    ['Bool', 'acs:MFAPresent', true, {}, false],
    ['Bool', 'acs:MFAPresent', 'true', { mfaPresent: true }, true],
    ['Bool', 'acs:MFAPresent', [true, false], {}, true],
    ['Bool', 'acs:SourceIp', true, {}, false],
    // IP addresses and CIDR blocks, IPv4 and IPv6
    ['IpAddress', 'acs:SourceIp', '192.168.1.10', {}, true],
    ['IpAddress', 'acs:SourceIp', '192.168.1.11', {}, false],
    ['IpAddress', 'acs:SourceIp', '192.168.1.0/24', {}, true],
    ['IpAddress', 'acs:SourceIp', '192.168.1.0/29', {}, false],
    ['IpAddress', 'acs:SourceIp', '192.168.1.10/32', {}, true],
    ['IpAddress', 'acs:SourceIp', '192.168.7.7/16', {}, true],
    ['IpAddress', 'acs:SourceIp', '0.0.0.0/0', {}, true],
    ['IpAddress', 'acs:SourceIp', '10.0.0.0/8', {}, false],
    ['IpAddress', 'acs:SourceIp', ['10.0.0.0/8', '192.168.0.0/16'], {}, true],
    ['IpAddress', 'acs:SourceIp', '2001:db8::/32', { sourceIp: '2001:db8::1' }, true],
    ['IpAddress', 'acs:SourceIp', '2001:DB8::1', { sourceIp: '2001:db8:0:0:0:0:0:1' }, true],
    ['IpAddress', 'acs:SourceIp', '2001:db9::/32', { sourceIp: '2001:db8::1' }, false],
    ['IpAddress', 'acs:SourceIp', '::/0', { sourceIp: '2001:db8::1' }, true],
    ['IpAddress', 'acs:SourceIp', '0.0.0.0/0', { sourceIp: '2001:db8::1' }, false],
    ['IpAddress', 'acs:SourceIp', '2001:db8::/32', {}, false],
    ['IpAddress', 'acs:SourceIp', '192.168.1.0/24', { sourceIp: '::ffff:192.168.1.10' }, true],
    ['IpAddress', 'acs:SourceIp', '192.168.1.10', { sourceIp: '::FFFF:192.168.1.10' }, true],
    ['IpAddress', 'acs:SourceIp', '192.168.1.0/24', { sourceIp: '::ffff:c0a8:10a' }, true],
    ['IpAddress', 'acs:SourceIp', '10.0.0.0/8', { sourceIp: '::ffff:192.168.1.10' }, false],
    ['IpAddress', 'acs:SourceIp', '::ffff:192.168.1.10', {}, true],
    ['IpAddress', 'acs:SourceIp', '192.168.1.10', { sourceIp: 'unknown' }, false],
    ['IpAddress', 'acs:SourceIp', '192.168.1.10', { sourceIp: '' }, false],
    ['IpAddress', 'acs:SecureTransport', '0.0.0.0/0', {}, false],
    ['NotIpAddress', 'acs:SourceIp', '10.0.0.0/8', {}, true],
    ['NotIpAddress', 'acs:SourceIp', '192.168.1.0/24', {}, false],
    ['NotIpAddress', 'acs:SourceIp', ['10.0.0.0/8', '192.168.1.0/24'], {}, false],
    ['NotIpAddress', 'acs:SourceIp', ['10.0.0.0/8', '172.16.0.0/12'], {}, true],
    ['NotIpAddress', 'acs:SourceIp', '2001:db8::/32', { sourceIp: '2001:db8::1' }, false],
    ['NotIpAddress', 'acs:SourceIp', '2001:db8::/32', {}, true],
    ['NotIpAddress', 'acs:SourceIp', '192.168.1.0/24', { sourceIp: '::ffff:192.168.1.10' }, false],
    ['NotIpAddress', 'acs:SourceIp', '192.168.1.10', { sourceIp: 'unknown' }, true],
  ];
  for (const [operator, key, value, context, expected] of rows) {
    test(`${operator} ${key} ${JSON.stringify(value)}${context.sourceIp ? ` (SourceIp ${context.sourceIp})` : ''}${context.currentTime ? ` (at ${context.currentTime.toISOString()})` : ''} is ${expected ? 'met' : 'not met'}`, () => {
      assert.equal(met({ [operator]: { [key]: value } }, context), expected);
    });
  }

  test('every operator has rows above, positive and negated alike', () => {
    const covered = new Set(rows.map(([operator]) => operator));
    assert.deepEqual([...covered].sort(), Object.keys(conditionOperators).sort());
  });

  test('StringEquals with a string request value containing glob or regex characters compares literally', () => {
    assert.equal(met({ StringLike: { 'acs:SourceIp': 'a.b' } }, { sourceIp: 'aXb' }), false);
    assert.equal(met({ StringLike: { 'acs:SourceIp': '(a|b)' } }, { sourceIp: 'a' }), false);
    assert.equal(met({ StringLike: { 'acs:SourceIp': '(a|b)*' } }, { sourceIp: '(a|b)c' }), true);
    assert.equal(met({ StringLike: { 'acs:SourceIp': 'a*c' } }, { sourceIp: 'a\nb\nc' }), true);
  });

  test('key names compare case-insensitively', () => {
    assert.equal(met({ Bool: { 'ACS:SECURETRANSPORT': true } }), true);
    assert.equal(met({ Bool: { 'acs:mfapresent': false } }), true);
    assert.equal(met({ IpAddress: { 'Acs:SourceIP': '192.168.0.0/16' } }), true);
    assert.equal(met({ DateLessThan: { 'acs:currenttime': '2030-01-01' } }), true);
  });

  describe('a key the request does not carry: positive operators are not met, negated ones are', () => {
    const sample: Record<string, unknown> = { String: 'x', Numeric: 1, Date: '2024-01-01', Bool: true, IpAddress: '0.0.0.0/0' };
    for (const [operator, { family, negated }] of Object.entries(conditionOperators)) {
      for (const key of ['acs:UserAgent', 'resourcemanager:Tag/env', 'acs:SourceIpX']) {
        test(`${operator} on ${key} is ${negated ? 'met' : 'not met'}`, () => {
          assert.equal(met({ [operator]: { [key]: sample[family] } }), negated);
        });
      }
    }
  });

  test('several values for one key: any of them', () => {
    assert.equal(met({ StringEquals: { 'acs:SourceIp': ['a', 'b', '192.168.1.10'] } }), true);
    assert.equal(met({ StringEquals: { 'acs:SourceIp': ['a', 'b', 'c'] } }), false);
  });

  test('several keys under one operator: all of them', () => {
    assert.equal(met({ Bool: { 'acs:SecureTransport': true, 'acs:MFAPresent': false } }), true);
    assert.equal(met({ Bool: { 'acs:SecureTransport': true, 'acs:MFAPresent': true } }), false);
    assert.equal(met({ Bool: { 'acs:SecureTransport': false, 'acs:MFAPresent': false } }), false);
    assert.equal(met({ StringLike: { 'acs:SourceIp': '192.*', 'acs:Unknown': '*' } }), false);
  });

  test('several operators: all of them', () => {
    assert.equal(met({ IpAddress: { 'acs:SourceIp': '192.168.0.0/16' }, Bool: { 'acs:SecureTransport': true } }), true);
    assert.equal(met({ IpAddress: { 'acs:SourceIp': '192.168.0.0/16' }, Bool: { 'acs:SecureTransport': false } }), false);
    assert.equal(met({ IpAddress: { 'acs:SourceIp': '10.0.0.0/8' }, Bool: { 'acs:SecureTransport': true } }), false);
    assert.equal(
      met({
        IpAddress: { 'acs:SourceIp': '192.168.0.0/16' },
        NotIpAddress: { 'acs:SourceIp': '192.168.2.0/24' },
        DateGreaterThan: { 'acs:CurrentTime': '2024-01-01T00:00:00Z' },
        DateLessThan: { 'acs:CurrentTime': '2025-01-01T00:00:00Z' },
        Bool: { 'acs:SecureTransport': 'true' },
      }),
      true,
    );
  });

  test('an empty condition block and an operator without keys are always met', () => {
    assert.equal(met({}), true);
    assert.equal(met({ StringEquals: {} }), true);
  });

  test('a condition applies per statement: the unconditioned statement still allows', () => {
    const documents = [policy(allow({ Condition: { Bool: { 'acs:MFAPresent': true } } }), allow({ Action: 'ram:List*' }))];
    assert.equal(effectOf(documents, 'ram:ListUsers'), 'Allow');
    assert.equal(effectOf(documents, 'ram:CreateUser'), 'ImplicitDeny');
  });

  test('a typical guard: Deny everything outside the corporate network unless over TLS', () => {
    const documents = [
      system('AdministratorAccess'),
      policy(deny({ Condition: { NotIpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } } })),
      policy(deny({ Condition: { Bool: { 'acs:SecureTransport': false } } })),
    ];
    const ask = (context: Partial<RequestContext>) => effectOf(documents, 'ram:ListUsers', '*', { ...baseContext, ...context });
    assert.equal(ask({ sourceIp: '10.1.2.3' }), 'Allow');
    assert.equal(ask({ sourceIp: '::ffff:10.1.2.3' }), 'Allow');
    assert.equal(ask({ sourceIp: '2001:db8::7' }), 'Allow');
    assert.equal(ask({ sourceIp: '192.168.1.10' }), 'ExplicitDeny');
    assert.equal(ask({ sourceIp: '10.1.2.3', secureTransport: false }), 'ExplicitDeny');
  });
});

describe('system policies (§6)', () => {
  const readOnlyRd = system('AliyunResourceDirectoryReadOnlyAccess');
  const contact = contactArn(account, 'c-qL4HqKONzOM7AbCd');
  const member = accountArn(account, 'rd-3G/r-Wm/2223334445556667');

  const rd: ReadonlyArray<readonly [action: string, resource: string, expected: Decision['effect']]> = [
    ['resourcemanager:GetMessageContact', contact, 'Allow'],
    ['resourcemanager:ListMessageContacts', contactCollectionArn(account), 'Allow'],
    ['resourcemanager:GetMessageContactDeletionStatus', contact, 'Allow'],
    ['resourcemanager:ListMessageContactVerifications', contact, 'Allow'],
    ['resourcemanager:GetResourceDirectory', allResources, 'Allow'],
    ['resourcemanager:GetFolder', folderArn(account, 'rd-3G/r-Wm/fd-1'), 'Allow'],
    ['resourcemanager:ListAccounts', accountCollectionArn(account), 'Allow'],
    ['resourcemanager:GetAccount', member, 'Allow'],
    ['resourcemanager:ListEffectiveMessageContacts', member, 'Allow'],
    ['resourcemanager:GetMessageContactCoverage', allResources, 'Allow'],
    ['resourcemanager:ListMessageDeliveries', allResources, 'Allow'],
    ['resourcemanager:AddMessageContact', contactCollectionArn(account), 'ImplicitDeny'],
    ['resourcemanager:UpdateMessageContact', contact, 'ImplicitDeny'],
    ['resourcemanager:DeleteMessageContact', contact, 'ImplicitDeny'],
    ['resourcemanager:CancelMessageContactUpdate', contact, 'ImplicitDeny'],
    ['resourcemanager:SendEmailVerificationForMessageContact', contact, 'ImplicitDeny'],
    ['resourcemanager:AssociateMembers', allResources, 'ImplicitDeny'],
    ['resourcemanager:CreateFolder', folderArn(account, 'rd-3G/r-Wm'), 'ImplicitDeny'],
    ['resourcemanager:MoveAccount', member, 'ImplicitDeny'],
    ['resourcemanager:CheckAccountDelete', member, 'ImplicitDeny'],
    ['resourcemanager:SendMessage', member, 'ImplicitDeny'],
    ['ram:ListUsers', ramUserCollectionArn(account), 'ImplicitDeny'],
  ];
  for (const [action, resource, expected] of rd) {
    test(`AliyunResourceDirectoryReadOnlyAccess: ${action} → ${expected}`, () => {
      assert.equal(effectOf([readOnlyRd], action, resource), expected);
    });
  }

  const ram: ReadonlyArray<readonly [action: string, resource: string, expected: Decision['effect']]> = [
    ['ram:ListUsers', ramUserCollectionArn(account), 'Allow'],
    ['ram:GetUser', ramUserArn(account, 'alice'), 'Allow'],
    ['ram:ListPolicies', ramPolicyCollectionArn(account), 'Allow'],
    ['ram:GetPolicy', ramPolicyArn(account, 'AdministratorAccess', 'System'), 'Allow'],
    ['ram:GetPasswordPolicy', ramAccountArn(account), 'Allow'],
    ['ram:ListAccessKeys', ramUserArn(account, 'alice'), 'Allow'],
    ['ram:GenerateCredentialReport', allResources, 'Allow'],
    ['ram:CreateUser', ramUserCollectionArn(account), 'ImplicitDeny'],
    ['ram:CreateAccessKey', ramUserArn(account, 'alice'), 'ImplicitDeny'],
    ['ram:AttachPolicyToUser', ramUserArn(account, 'alice'), 'ImplicitDeny'],
    ['ram:SetPasswordPolicy', ramAccountArn(account), 'ImplicitDeny'],
    ['resourcemanager:GetFolder', folderArn(account, 'rd-3G/r-Wm'), 'ImplicitDeny'],
  ];
  for (const [action, resource, expected] of ram) {
    test(`AliyunRAMReadOnlyAccess: ${action} → ${expected}`, () => {
      assert.equal(effectOf([system('AliyunRAMReadOnlyAccess')], action, resource), expected);
    });
  }

  test('the full-access policies cover their own service only', () => {
    assert.equal(effectOf([system('AliyunResourceDirectoryFullAccess')], 'resourcemanager:UpdateMessageContact', contact), 'Allow');
    assert.equal(effectOf([system('AliyunResourceDirectoryFullAccess')], 'ram:ListUsers', ramUserCollectionArn(account)), 'ImplicitDeny');
    assert.equal(effectOf([system('AliyunRAMFullAccess')], 'ram:CreateUser', ramUserCollectionArn(account)), 'Allow');
    assert.equal(effectOf([system('AliyunRAMFullAccess')], 'resourcemanager:GetFolder', allResources), 'ImplicitDeny');
  });

  test('AdministratorAccess allows everything; a Deny beside it still wins', () => {
    const admin = system('AdministratorAccess');
    for (const action of ['ram:CreateUser', 'ram:AttachPolicyToUser', 'resourcemanager:UpdateMessageContact', 'sts:Anything']) {
      assert.equal(effectOf([admin], action, '*'), 'Allow', action);
    }
    const guarded = [admin, policy(deny({ Action: 'ram:*', Resource: `acs:ram:*:${account}:user/*` }))];
    assert.deepEqual(decide(guarded, 'ram:DeleteUser', ramUserArn(account, 'alice')), {
      effect: 'ExplicitDeny',
      resource: ramUserArn(account, 'alice'),
    });
    assert.equal(effectOf(guarded, 'ram:DeleteGroup', ramGroupArn(account, 'ops')), 'Allow');
    assert.deepEqual(decide([policy(deny({ Action: 'resourcemanager:Update*' })), admin], 'resourcemanager:UpdateMessageContact', contact), {
      effect: 'ExplicitDeny',
      resource: contact,
    });
  });

  test('read-only plus full access: the union of what they allow', () => {
    const documents = [readOnlyRd, system('AliyunRAMReadOnlyAccess')];
    assert.equal(effectOf(documents, 'resourcemanager:ListAccounts', accountCollectionArn(account)), 'Allow');
    assert.equal(effectOf(documents, 'ram:ListUsers', ramUserCollectionArn(account)), 'Allow');
    assert.equal(effectOf(documents, 'ram:CreateGroup', ramGroupCollectionArn(account)), 'ImplicitDeny');
  });
});

describe('ARNs of the authorization tables (§7)', () => {
  test('the exact shapes', () => {
    assert.equal(contactArn(account, 'c-1'), `acs:resourcemanager:*:${account}:messagecontact/c-1`);
    assert.equal(contactCollectionArn(account), `acs:resourcemanager:*:${account}:messagecontact/*`);
    assert.equal(folderArn(account, 'rd-3G/r-Wm/fd-1'), `acs:resourcemanager::${account}:folder/rd-3G/r-Wm/fd-1`);
    assert.equal(accountArn(account, 'rd-3G/r-Wm/222'), `acs:resourcemanager::${account}:account/rd-3G/r-Wm/222`);
    assert.equal(accountCollectionArn(account), `acs:resourcemanager::${account}:account/*`);
    assert.equal(ramUserArn(account, 'alice'), `acs:ram:*:${account}:user/alice`);
    assert.equal(ramUserCollectionArn(account), `acs:ram:*:${account}:user/*`);
    assert.equal(ramGroupArn(account, 'ops'), `acs:ram:*:${account}:group/ops`);
    assert.equal(ramGroupCollectionArn(account), `acs:ram:*:${account}:group/*`);
    assert.equal(ramPolicyArn(account, 'Mine', 'Custom'), `acs:ram:*:${account}:policy/Mine`);
    assert.equal(ramPolicyArn(account, 'AdministratorAccess', 'System'), 'acs:ram:*:system:policy/AdministratorAccess');
    assert.equal(ramPolicyCollectionArn(account), `acs:ram:*:${account}:policy/*`);
    assert.equal(ramAccountArn(account), `acs:ram:*:${account}:*`);
    assert.equal(allResources, '*');
    assert.equal(callerRootArn(account), `acs:ram::${account}:root`);
    assert.equal(callerUserArn(account, 'alice'), `acs:ram::${account}:user/alice`);
  });

  test('a delegation policy scopes a user to a folder subtree', () => {
    const delegation = policy(
      allow({ Action: 'resourcemanager:*', Resource: ['acs:resourcemanager:*:*:folder/rd-3G/r-Wm/fd-1/*', 'acs:resourcemanager:*:*:account/rd-3G/r-Wm/fd-1/*'] }),
    );
    assert.equal(effectOf([delegation], 'resourcemanager:GetFolder', folderArn(account, 'rd-3G/r-Wm/fd-1/fd-2')), 'Allow');
    assert.equal(effectOf([delegation], 'resourcemanager:GetAccount', accountArn(account, 'rd-3G/r-Wm/fd-1/222')), 'Allow');
    assert.equal(effectOf([delegation], 'resourcemanager:GetFolder', folderArn(account, 'rd-3G/r-Wm/fd-9')), 'ImplicitDeny');
    assert.deepEqual(
      decide([delegation], 'resourcemanager:MoveAccount', [accountArn(account, 'rd-3G/r-Wm/fd-1/222'), folderArn(account, 'rd-3G/r-Wm/fd-9')]),
      { effect: 'ImplicitDeny', resource: folderArn(account, 'rd-3G/r-Wm/fd-9') },
    );
  });

  test('the ARN the policy sets for a whole collection is the one a collection action is asked about', () => {
    const listOnly = policy(allow({ Action: 'resourcemanager:ListMessageContacts', Resource: `acs:resourcemanager:*:${account}:messagecontact/*` }));
    assert.equal(effectOf([listOnly], 'resourcemanager:ListMessageContacts', contactCollectionArn(account)), 'Allow');
    // A literal `*` in the ARN (the collection) is matched by the pattern's `*` like any character.
    const oneContact = policy(allow({ Resource: contactArn(account, 'c-1') }));
    assert.equal(effectOf([oneContact], 'resourcemanager:ListMessageContacts', contactCollectionArn(account)), 'ImplicitDeny');
  });
});

describe('cost', () => {
  test('a five-statement set decides in a few microseconds', () => {
    const set = compilePolicySet([
      system('AliyunResourceDirectoryReadOnlyAccess'),
      system('AliyunRAMReadOnlyAccess'),
      policy(
        allow({ Action: ['resourcemanager:*MessageContact*', 'resourcemanager:SendTestMessage'], Resource: `acs:resourcemanager:*:${account}:messagecontact/*` }),
        deny({ Action: 'resourcemanager:Delete*', Resource: '*', Condition: { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } }),
      ),
      policy(allow({ Action: 'ram:*AccessKey*', Resource: `acs:ram:*:${account}:user/ops-*`, Condition: { Bool: { 'acs:SecureTransport': true } } })),
    ]);
    const requests = [
      { action: 'resourcemanager:UpdateMessageContact', resources: [contactArn(account, 'c-qL4HqKONzOM7AbCd')], context: baseContext },
      { action: 'resourcemanager:DeleteMessageContact', resources: [contactArn(account, 'c-qL4HqKONzOM7AbCd')], context: baseContext },
      { action: 'ram:CreateAccessKey', resources: [ramUserArn(account, 'ops-ci')], context: baseContext },
      { action: 'resourcemanager:MoveAccount', resources: [accountArn(account, 'rd/r/222'), folderArn(account, 'rd/r/fd-1')], context: baseContext },
    ];
    assert.deepEqual(
      requests.map((request) => authorize(set, request).effect),
      ['Allow', 'ExplicitDeny', 'Allow', 'ImplicitDeny'],
    );
    const rounds = 50_000;
    for (let i = 0; i < 5_000; i++) authorize(set, requests[i % 4]!); // warm up
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) authorize(set, requests[i % 4]!);
    const microseconds = Number(process.hrtime.bigint() - started) / 1000 / rounds;
    // A generous bound so that a loaded CI machine does not fail it; measured well under 1 µs.
    assert.ok(microseconds < 20, `${microseconds.toFixed(2)} µs per decision`);
  });
});
