/**
 * The policy language's validation (spec/ram.md §4.1–§4.2): every row of the MalformedPolicyDocument
 * table with its exact message, the length limit, and the documents that must be accepted (the
 * system policies among them) in their normalized form.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conditionOperators, parsePolicyDocument, type ConditionOperator } from '../../src/domain/access/policy-document.js';
import { systemPolicies, systemPolicy } from '../../src/domain/access/system-policies.js';

const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
/** A one-statement document whose statement is `allowAll` with `changes` applied (undefined removes). */
function withStatement(changes: Record<string, unknown>): string {
  const statement: Record<string, unknown> = { ...allowAll, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete statement[key];
  return JSON.stringify({ Version: '1', Statement: [statement] });
}
const withCondition = (condition: unknown): string => withStatement({ Condition: condition });

function rejects(text: string, message: string): void {
  assert.throws(() => parsePolicyDocument(text), { code: 'MalformedPolicyDocument', status: 400, message }, text);
}

describe('MalformedPolicyDocument: every row of the §4.2 table, first problem named', () => {
  const rows: ReadonlyArray<readonly [problem: string, document: string, message: string]> = [
    // not JSON
    ['empty text', '', 'Syntax errors in policy.'],
    ['truncated object', '{"Version":"1"', 'Syntax errors in policy.'],
    ['trailing comma', '{"Version":"1","Statement":[],}', 'Syntax errors in policy.'],
    ['single quotes', "{'Version':'1'}", 'Syntax errors in policy.'],
    ['a comment', '{"Version":"1" /* x */}', 'Syntax errors in policy.'],
    ['two documents', '{}{}', 'Syntax errors in policy.'],
    // top level not an object, or a key other than Version/Statement
    ['top level an array', '[]', 'Unsupported element [].'],
    ['top level a string', '"policy"', 'Unsupported element policy.'],
    ['top level a number', '1', 'Unsupported element 1.'],
    ['top level null', 'null', 'Unsupported element null.'],
    ['an unknown top-level key', JSON.stringify({ Version: '1', Statement: [allowAll], Id: 'x' }), 'Unsupported element Id.'],
    ['a lower-case version key', JSON.stringify({ version: '1', Statement: [allowAll] }), 'Unsupported element version.'],
    ['an unknown key before a missing Version', JSON.stringify({ Statement: [allowAll], Foo: 1 }), 'Unsupported element Foo.'],
    // Version
    ['Version missing', JSON.stringify({ Statement: [allowAll] }), 'The policy must contain a valid version string.'],
    ['Version a number', JSON.stringify({ Version: 1, Statement: [allowAll] }), 'The policy must contain a valid version string.'],
    ['Version "2"', JSON.stringify({ Version: '2', Statement: [allowAll] }), 'The policy must contain a valid version string.'],
    ['an AWS version', JSON.stringify({ Version: '2012-10-17', Statement: [allowAll] }), 'The policy must contain a valid version string.'],
    ['Version null', JSON.stringify({ Version: null, Statement: [allowAll] }), 'The policy must contain a valid version string.'],
    // Statement
    ['Statement missing', JSON.stringify({ Version: '1' }), 'Missing required field Statement.'],
    ['Statement empty', JSON.stringify({ Version: '1', Statement: [] }), 'Missing required field Statement.'],
    ['Statement a single object', JSON.stringify({ Version: '1', Statement: allowAll }), 'Missing required field Statement.'],
    ['Statement a string', JSON.stringify({ Version: '1', Statement: 'x' }), 'Missing required field Statement.'],
    // statement not an object; unknown key
    ['a statement that is a string', JSON.stringify({ Version: '1', Statement: ['Allow'] }), 'Unsupported element Allow in statement.'],
    ['a statement that is a number', JSON.stringify({ Version: '1', Statement: [allowAll, 7] }), 'Unsupported element 7 in statement.'],
    ['a statement that is an array', JSON.stringify({ Version: '1', Statement: [[]] }), 'Unsupported element [] in statement.'],
    ['a statement that is null', JSON.stringify({ Version: '1', Statement: [null] }), 'Unsupported element null in statement.'],
    ['an unknown statement key', withStatement({ Foo: 'bar' }), 'Unsupported element Foo in statement.'],
    ['a lower-case effect key', withStatement({ Effect: undefined, effect: 'Allow' }), 'Unsupported element effect in statement.'],
    ['a Sid that is not a string', withStatement({ Sid: 1 }), 'Unsupported element Sid in statement.'],
    // Effect
    ['Effect missing', withStatement({ Effect: undefined }), 'Missing required field Effect.'],
    ['Effect lower case', withStatement({ Effect: 'allow' }), 'Invalid effect: allow.'],
    ['Effect upper case', withStatement({ Effect: 'DENY' }), 'Invalid effect: DENY.'],
    ['Effect empty', withStatement({ Effect: '' }), 'Invalid effect: .'],
    ['Effect a number', withStatement({ Effect: 1 }), 'Invalid effect: 1.'],
    ['Effect an array', withStatement({ Effect: ['Allow'] }), 'Invalid effect: ["Allow"].'],
    ['Effect null', withStatement({ Effect: null }), 'Invalid effect: null.'],
    // Action / NotAction
    ['neither Action nor NotAction', withStatement({ Action: undefined }), 'Missing required field Action.'],
    ['both Action and NotAction', withStatement({ NotAction: 'ram:*' }), 'Statement has both Action and NotAction.'],
    ['Action an empty string', withStatement({ Action: '' }), 'Missing required field Action.'],
    ['Action an empty array', withStatement({ Action: [] }), 'Missing required field Action.'],
    ['NotAction an empty array', withStatement({ Action: undefined, NotAction: [] }), 'Missing required field NotAction.'],
    ['NotAction an empty string', withStatement({ Action: undefined, NotAction: '' }), 'Missing required field NotAction.'],
    ['an action without a colon', withStatement({ Action: 'ListUsers' }), 'Invalid action: ListUsers.'],
    ['a second action without a colon', withStatement({ Action: ['ram:List*', 'GetUser'] }), 'Invalid action: GetUser.'],
    ['a NotAction without a colon', withStatement({ Action: undefined, NotAction: 'ram' }), 'Invalid action: ram.'],
    ['an empty action in a list', withStatement({ Action: ['ram:*', ''] }), 'Invalid action: .'],
    ['a wildcard that is not *', withStatement({ Action: '**' }), 'Invalid action: **.'],
    ['an action that is a number', withStatement({ Action: 5 }), 'Invalid action: 5.'],
    ['an action that is null', withStatement({ Action: null }), 'Invalid action: null.'],
    ['an action that is an object', withStatement({ Action: { a: 1 } }), 'Invalid action: {"a":1}.'],
    ['a nested action list', withStatement({ Action: [['ram:*']] }), 'Invalid action: ["ram:*"].'],
    // Resource
    ['Resource missing', withStatement({ Resource: undefined }), 'Missing required field Resource.'],
    ['Resource an empty string', withStatement({ Resource: '' }), 'Missing required field Resource.'],
    ['Resource an empty array', withStatement({ Resource: [] }), 'Missing required field Resource.'],
    ['an AWS ARN', withStatement({ Resource: 'arn:aws:s3:::bucket' }), 'Invalid resource: arn:aws:s3:::bucket.'],
    ['an upper-case acs prefix', withStatement({ Resource: 'ACS:ram:*:*:*' }), 'Invalid resource: ACS:ram:*:*:*.'],
    ['a second resource not acs:', withStatement({ Resource: ['*', 'user/alice'] }), 'Invalid resource: user/alice.'],
    ['a resource that is a number', withStatement({ Resource: [1] }), 'Invalid resource: 1.'],
    ['a resource that is null', withStatement({ Resource: null }), 'Invalid resource: null.'],
    // NotResource, Principal, NotPrincipal
    ['NotResource', withStatement({ Resource: undefined, NotResource: '*' }), 'Unsupported element NotResource in statement.'],
    ['Principal', withStatement({ Principal: { RAM: ['acs:ram::123:root'] } }), 'Unsupported element Principal in statement.'],
    ['NotPrincipal', withStatement({ NotPrincipal: '*' }), 'Unsupported element NotPrincipal in statement.'],
    ['Principal before a missing Effect', withStatement({ Effect: undefined, Principal: '*' }), 'Unsupported element Principal in statement.'],
    // Condition: not an object of objects, unknown operator
    ['Condition a string', withCondition('IpAddress'), 'Invalid Condition type: IpAddress.'],
    ['Condition an array', withCondition([]), 'Invalid Condition type: [].'],
    ['Condition null', withCondition(null), 'Invalid Condition type: null.'],
    ['an operator whose value is a string', withCondition({ StringEquals: 'x' }), 'Invalid Condition type: StringEquals.'],
    ['an operator whose value is an array', withCondition({ Bool: [{ 'acs:MFAPresent': true }] }), 'Invalid Condition type: Bool.'],
    ['an operator whose value is null', withCondition({ IpAddress: null }), 'Invalid Condition type: IpAddress.'],
    ['an unknown operator', withCondition({ StringEqualz: { k: 'v' } }), 'Invalid Condition type: StringEqualz.'],
    ['an operator in the wrong case', withCondition({ stringequals: { k: 'v' } }), 'Invalid Condition type: stringequals.'],
    ['an AWS set qualifier', withCondition({ 'ForAnyValue:StringEquals': { k: 'v' } }), 'Invalid Condition type: ForAnyValue:StringEquals.'],
    ['an AWS IfExists suffix', withCondition({ StringEqualsIfExists: { k: 'v' } }), 'Invalid Condition type: StringEqualsIfExists.'],
    ['an AWS Null operator', withCondition({ Null: { k: 'true' } }), 'Invalid Condition type: Null.'],
    ['an AWS ARN operator', withCondition({ ArnLike: { k: 'acs:*' } }), 'Invalid Condition type: ArnLike.'],
    // Condition: values that are not string/number/boolean or an array of them
    ['a value that is an object', withCondition({ StringEquals: { 'acs:SourceIp': { a: 1 } } }), 'Invalid condition value for acs:SourceIp.'],
    ['a value that is null', withCondition({ StringEquals: { 'acs:SourceIp': null } }), 'Invalid condition value for acs:SourceIp.'],
    ['a nested array', withCondition({ StringLike: { k: [['a']] } }), 'Invalid condition value for k.'],
    ['an empty value list', withCondition({ StringEquals: { k: [] } }), 'Invalid condition value for k.'],
    ['a null in a value list', withCondition({ StringEquals: { k: ['a', null] } }), 'Invalid condition value for k.'],
    // Condition: a bad value for its operator
    ['a number that is not one', withCondition({ NumericEquals: { n: 'abc' } }), 'Invalid condition value for n.'],
    ['a number with a trailing exponent mark', withCondition({ NumericLessThan: { n: '1e' } }), 'Invalid condition value for n.'],
    ['a hexadecimal number', withCondition({ NumericGreaterThan: { n: '0x10' } }), 'Invalid condition value for n.'],
    ['an empty number', withCondition({ NumericEquals: { n: '' } }), 'Invalid condition value for n.'],
    ['a boolean for a number', withCondition({ NumericNotEquals: { n: true } }), 'Invalid condition value for n.'],
    ['one bad number among good ones', withCondition({ NumericGreaterThanEquals: { n: [1, '2', 'three'] } }), 'Invalid condition value for n.'],
    ['a date that is not one', withCondition({ DateLessThan: { 'acs:CurrentTime': 'yesterday' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['month 13', withCondition({ DateEquals: { 'acs:CurrentTime': '2012-13-01T00:00:00Z' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['February 30', withCondition({ DateNotEquals: { 'acs:CurrentTime': '2012-02-30' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['February 29 of a common year', withCondition({ DateNotEquals: { 'acs:CurrentTime': '2023-02-29' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['hour 24', withCondition({ DateGreaterThan: { 'acs:CurrentTime': '2012-11-11T24:00:00Z' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['a zone hour 24', withCondition({ DateGreaterThan: { 'acs:CurrentTime': '2012-11-11T23:00:00+24:00' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['a space instead of T', withCondition({ DateLessThanEquals: { 'acs:CurrentTime': '2012-11-11 23:59:59' } }), 'Invalid condition value for acs:CurrentTime.'],
    ['an epoch number for a date', withCondition({ DateGreaterThanEquals: { 'acs:CurrentTime': 1700000000 } }), 'Invalid condition value for acs:CurrentTime.'],
    ['a boolean for a date', withCondition({ DateEquals: { 'acs:CurrentTime': false } }), 'Invalid condition value for acs:CurrentTime.'],
    ['an IPv4 octet over 255', withCondition({ IpAddress: { 'acs:SourceIp': '1.2.3.256' } }), 'Invalid condition value for acs:SourceIp.'],
    ['an IPv4 prefix over 32', withCondition({ IpAddress: { 'acs:SourceIp': '10.0.0.0/33' } }), 'Invalid condition value for acs:SourceIp.'],
    ['an IPv6 prefix over 128', withCondition({ NotIpAddress: { 'acs:SourceIp': '2001:db8::/129' } }), 'Invalid condition value for acs:SourceIp.'],
    ['a prefix that is not a number', withCondition({ IpAddress: { 'acs:SourceIp': '10.0.0.0/x' } }), 'Invalid condition value for acs:SourceIp.'],
    ['an empty prefix', withCondition({ IpAddress: { 'acs:SourceIp': '10.0.0.0/' } }), 'Invalid condition value for acs:SourceIp.'],
    ['a negative prefix', withCondition({ IpAddress: { 'acs:SourceIp': '10.0.0.0/-1' } }), 'Invalid condition value for acs:SourceIp.'],
    ['an IPv6 zone index', withCondition({ IpAddress: { 'acs:SourceIp': 'fe80::1%eth0' } }), 'Invalid condition value for acs:SourceIp.'],
    ['a host name', withCondition({ NotIpAddress: { 'acs:SourceIp': 'localhost' } }), 'Invalid condition value for acs:SourceIp.'],
    ['a number for an address', withCondition({ IpAddress: { 'acs:SourceIp': 5 } }), 'Invalid condition value for acs:SourceIp.'],
    ['a Bool that is yes', withCondition({ Bool: { 'acs:SecureTransport': 'yes' } }), 'Invalid condition value for acs:SecureTransport.'],
    ['a Bool that is 1', withCondition({ Bool: { 'acs:SecureTransport': 1 } }), 'Invalid condition value for acs:SecureTransport.'],
    ['a Bool that is empty', withCondition({ Bool: { 'acs:MFAPresent': '' } }), 'Invalid condition value for acs:MFAPresent.'],
    ['the second key of an operator', withCondition({ Bool: { 'acs:MFAPresent': true, 'acs:SecureTransport': 'maybe' } }), 'Invalid condition value for acs:SecureTransport.'],
    // ordering: the first statement's problem wins
    ['a problem in the second statement', JSON.stringify({ Version: '1', Statement: [allowAll, { ...allowAll, Effect: 'Maybe' }] }), 'Invalid effect: Maybe.'],
    ['Effect before Action', withStatement({ Effect: 'x', Action: 'y' }), 'Invalid effect: x.'],
    ['Action before Resource', withStatement({ Action: 'y', Resource: 'z' }), 'Invalid action: y.'],
    ['Resource before Condition', withStatement({ Resource: 'z', Condition: 1 }), 'Invalid resource: z.'],
  ];
  for (const [problem, document, message] of rows) {
    test(`${problem} → ${message}`, () => rejects(document, message));
  }
});

describe('the 6144-character limit', () => {
  const padded = (length: number, pad = ' '): string => {
    const document = JSON.stringify({ Version: '1', Statement: [allowAll] });
    return document + pad.repeat(length - document.length);
  };

  test('6144 characters are accepted, 6145 are InvalidParameter.PolicyDocument.Length', () => {
    assert.equal(padded(6144).length, 6144);
    assert.equal(parsePolicyDocument(padded(6144)).statements.length, 1);
    assert.throws(() => parsePolicyDocument(padded(6145)), { code: 'InvalidParameter.PolicyDocument.Length', status: 400 });
  });

  test('the length is checked before the syntax: a long non-JSON text is a Length error', () => {
    assert.throws(() => parsePolicyDocument('x'.repeat(6145)), { code: 'InvalidParameter.PolicyDocument.Length' });
  });

  test('characters are code points: 6144 of them in astral characters (12288 UTF-16 units) are accepted', () => {
    const skeleton = (sid: string): string => JSON.stringify({ Version: '1', Statement: [{ Sid: sid, ...allowAll }] });
    const room = 6144 - skeleton('').length;
    const text = skeleton('😀'.repeat(room));
    assert.equal([...text].length, 6144);
    assert.ok(text.length > 6144);
    assert.equal(parsePolicyDocument(text).statements[0]!.sid, '😀'.repeat(room));
    assert.throws(() => parsePolicyDocument(skeleton('😀'.repeat(room + 1))), { code: 'InvalidParameter.PolicyDocument.Length' });
  });
});

describe('accepted documents', () => {
  test('the five system policies of §6', () => {
    assert.equal(systemPolicies.length, 5);
    for (const policy of systemPolicies) {
      const document = parsePolicyDocument(policy.policyDocument);
      assert.deepEqual(document, policy.document, policy.policyName);
      assert.ok(document.statements.every((statement) => statement.effect === 'Allow'));
    }
  });

  test('single strings become arrays; Sid is kept and means nothing else', () => {
    const document = parsePolicyDocument(
      JSON.stringify({
        Statement: [{ Sid: 'ReadContacts', Effect: 'Deny', Action: 'resourcemanager:Get*', Resource: 'acs:resourcemanager:*:*:messagecontact/*' }],
        Version: '1',
      }),
    );
    assert.deepEqual(document, {
      version: '1',
      statements: [
        {
          sid: 'ReadContacts',
          effect: 'Deny',
          actionElement: 'Action',
          actions: ['resourcemanager:Get*'],
          resources: ['acs:resourcemanager:*:*:messagecontact/*'],
          conditions: [],
        },
      ],
    });
  });

  test('NotAction, lists, and a condition block split into one condition per operator and key', () => {
    const document = parsePolicyDocument(
      JSON.stringify({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            NotAction: ['ram:*', 'sts:*'],
            Resource: ['acs:resourcemanager::*:folder/*', '*'],
            Condition: {
              IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
              Bool: { 'acs:SecureTransport': 'true', 'acs:MFAPresent': false },
            },
          },
        ],
      }),
    );
    assert.deepEqual(document.statements[0], {
      sid: undefined,
      effect: 'Allow',
      actionElement: 'NotAction',
      actions: ['ram:*', 'sts:*'],
      resources: ['acs:resourcemanager::*:folder/*', '*'],
      conditions: [
        { operator: 'IpAddress', key: 'acs:SourceIp', values: ['10.0.0.0/8', '2001:db8::/32'] },
        { operator: 'Bool', key: 'acs:SecureTransport', values: ['true'] },
        { operator: 'Bool', key: 'acs:MFAPresent', values: [false] },
      ],
    });
  });

  test('several statements, in order; whitespace and key order do not matter', () => {
    const document = parsePolicyDocument(`
      { "Statement": [
          { "Resource": "*", "Action": "ram:List*", "Effect": "Allow" },
          { "Effect": "Deny", "Action": ["ram:ListAccessKeys"], "Resource": ["acs:ram:*:*:user/root-*"] }
        ],
        "Version": "1" }`);
    assert.deepEqual(
      document.statements.map((statement) => statement.effect),
      ['Allow', 'Deny'],
    );
  });

  test('an empty Condition block, and an operator without keys, are accepted (and always met)', () => {
    assert.deepEqual(parsePolicyDocument(withCondition({})).statements[0]!.conditions, []);
    assert.deepEqual(parsePolicyDocument(withCondition({ StringEquals: {} })).statements[0]!.conditions, []);
  });

  test('unknown condition keys are accepted at create time', () => {
    const document = parsePolicyDocument(withCondition({ StringEquals: { 'resourcemanager:Tag/env': 'prod', 'acs:UserAgent': 'x' } }));
    assert.equal(document.statements[0]!.conditions.length, 2);
  });

  test('patterns need only a colon (actions) or the acs: prefix (resources)', () => {
    const document = parsePolicyDocument(withStatement({ Action: [':', '*:*', 'ram:'], Resource: ['acs:', 'acs:ram'] }));
    assert.deepEqual(document.statements[0]!.actions, [':', '*:*', 'ram:']);
    assert.deepEqual(document.statements[0]!.resources, ['acs:', 'acs:ram']);
  });

  // One valid value per kind for every operator, in every accepted spelling.
  const validValues: Record<string, readonly unknown[]> = {
    String: ['text', '', 42, true, ['a*', 'b?']],
    Numeric: [42, -1.5, '42', '-1.5', '+3', '.5', '1.', '1e3', '2E-2', [1, '2']],
    Date: [
      '2012-11-11T23:59:59Z',
      '2012-11-11T23:59:59',
      '2012-11-11T23:59:59.123Z',
      '2012-11-11T23:59:59.123456789+08:00',
      '2012-11-11T23:59:59-0530',
      '2012-11-11T23:59',
      '2012-11-11',
      '2024-02-29',
      ['2012-11-11', '2013-01-01T00:00:00Z'],
    ],
    Bool: [true, false, 'true', 'false', 'TRUE', 'False', [true, 'false']],
    IpAddress: [
      '192.168.0.1',
      '10.0.0.0/8',
      '10.0.0.1/8',
      '0.0.0.0/0',
      '2001:db8::1',
      '2001:db8::/32',
      '::/0',
      '::ffff:192.168.0.1',
      'FE80::ABCD',
      ['10.0.0.0/8', '::1'],
    ],
  };
  for (const operator of Object.keys(conditionOperators) as ConditionOperator[]) {
    const { family } = conditionOperators[operator];
    test(`${operator} accepts every ${family} value`, () => {
      for (const value of validValues[family]!) {
        const document = parsePolicyDocument(withCondition({ [operator]: { 'acs:SourceIp': value } }));
        const expected = Array.isArray(value) ? value : [value];
        assert.deepEqual(document.statements[0]!.conditions, [{ operator, key: 'acs:SourceIp', values: expected }], JSON.stringify(value));
      }
    });
  }
});

describe('system policies as data', () => {
  test('names, descriptions, default versions and documents are those of §6', () => {
    assert.deepEqual(
      systemPolicies.map(({ policyName, defaultVersion, policyType }) => [policyName, defaultVersion, policyType]),
      [
        ['AdministratorAccess', 'v1', 'System'],
        ['AliyunResourceDirectoryFullAccess', 'v1', 'System'],
        ['AliyunResourceDirectoryReadOnlyAccess', 'v6', 'System'],
        ['AliyunRAMFullAccess', 'v1', 'System'],
        ['AliyunRAMReadOnlyAccess', 'v3', 'System'],
      ],
    );
    assert.equal(systemPolicy('AdministratorAccess')!.policyDocument, '{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"1"}');
    assert.equal(
      systemPolicy('AliyunResourceDirectoryReadOnlyAccess')!.policyDocument,
      '{"Version":"1","Statement":[{"Action":["resourcemanager:Get*","resourcemanager:List*"],"Resource":"*","Effect":"Allow"}]}',
    );
    assert.equal(
      systemPolicy('AliyunRAMReadOnlyAccess')!.description,
      'Provides read-only access to Resource Access Management(RAM) via Management Console.',
    );
  });

  test('the dates the spec gives, and the chosen constant elsewhere', () => {
    const dates = (name: string) => {
      const { createDate, updateDate } = systemPolicy(name)!;
      return [createDate, updateDate];
    };
    assert.deepEqual(dates('AliyunResourceDirectoryReadOnlyAccess'), ['2019-09-24T08:02:56.000Z', '2022-07-21T07:38:47.000Z']);
    assert.deepEqual(dates('AliyunRAMReadOnlyAccess'), ['2015-04-28T16:15:45.000Z', '2025-12-03T10:03:48.000Z']);
    for (const name of ['AdministratorAccess', 'AliyunResourceDirectoryFullAccess', 'AliyunRAMFullAccess']) {
      assert.deepEqual(dates(name), ['2015-04-28T16:15:45.000Z', '2015-04-28T16:15:45.000Z'], name);
    }
  });

  test('lookup is case-insensitive; an unknown name is undefined', () => {
    assert.equal(systemPolicy('administratoraccess'), systemPolicy('AdministratorAccess'));
    assert.equal(systemPolicy('ALIYUNRAMREADONLYACCESS')!.policyName, 'AliyunRAMReadOnlyAccess');
    assert.equal(systemPolicy('PowerUserAccess'), undefined);
    assert.equal(systemPolicy(''), undefined);
  });

  test('the data cannot be changed by a caller', () => {
    assert.ok(Object.isFrozen(systemPolicies));
    assert.ok(systemPolicies.every(Object.isFrozen));
  });
});
