/**
 * Hostile and careless input at the wire, on every store: control characters and overlong values,
 * names that could be read two ways, HEAD, impossible timestamps, security tokens, list indexes out
 * of range, unsigned action headers. Each answer is a clear 4xx in the envelope, the same on both
 * stores, and nothing is changed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, assertOk } from '../support/answers.js';
import { backends } from '../support/backends.js';
import { apiClient } from '../support/clients.js';
import { type TestServer, startServer } from '../support/server.js';
import { rpcSignature } from '../../src/wire/rpc-signature.js';
import { parseTimestamp } from '../../src/wire/authenticate.js';
import { encodeParams, send, signAcs3, signRpc, signRpcParams } from './raw-request.js';

describe('timestamps of impossible instants', () => {
  test('real instants parse, with or without milliseconds', () => {
    assert.equal(parseTimestamp('2026-11-30T10:00:00Z'), Date.UTC(2026, 10, 30, 10));
    assert.equal(parseTimestamp('2024-02-29T23:59:59.5Z'), Date.UTC(2024, 1, 29, 23, 59, 59, 500));
    assert.equal(parseTimestamp('2026-12-31T00:00:00.123Z'), Date.UTC(2026, 11, 31, 0, 0, 0, 123));
  });

  test('days, hours, minutes and seconds that do not exist are refused, not rolled over', () => {
    for (const value of [
      '2026-11-31T10:00:00Z',
      '2026-02-29T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-00-10T10:00:00Z',
      '2026-11-00T10:00:00Z',
      '2026-11-30T24:00:00Z',
      '2026-11-30T10:60:00Z',
      '2026-11-30T10:00:60Z',
      '0099-01-01T00:00:00Z',
      '2026-11-30 10:00:00Z',
      '2026-11-30T10:00:00',
      '2026-11-30T10:00:00+08:00',
    ]) {
      assert.equal(parseTimestamp(value), undefined, value);
    }
  });
});

for (const backend of backends) {
  describe(`hostile input (${backend.name})`, () => {
    let server: TestServer;
    let contactId: string;
    before(async () => {
      server = await startServer({ backend });
      const added = await apiClient('openapi-v3', server.endpoint, server.credentials).call('AddMessageContact', {
        Name: 'Hostile',
        EmailAddress: 'hostile@example.com',
        Title: 'TechnicalDirector',
        MessageTypes: ['AccountExpenses'],
      });
      contactId = added.Contact.ContactId;
    });
    after(() => server.close());

    const rpc = (options: Omit<Parameters<typeof signRpc>[0], 'key'> = {}) => signRpc({ key: server.credentials, ...options });
    const acs3 = (options: Omit<Parameters<typeof signAcs3>[0], 'key' | 'host'> = {}) =>
      signAcs3({ key: server.credentials, host: server.endpoint, ...options });
    const messageTypes = async () =>
      (await apiClient('openapi-v3', server.endpoint, server.credentials).call('GetMessageContact', { ContactId: contactId })).Contact.MessageTypes;

    describe('control characters and lengths: one rule at the wire', () => {
      test('a NUL byte without any signature (AccessKeyId=%00) → 400 InvalidParameterValue.ControlCharacter', async () => {
        const response = await send(server.endpoint, { method: 'GET', path: '/?Action=ListMessageContacts&Version=2022-04-19&AccessKeyId=%00', headers: {} });
        assertError(response, 400, 'InvalidParameterValue.ControlCharacter');
      });

      test('a NUL in a signed SignatureNonce, Tag key and value, QueryKeyword → 400, both signatures', async () => {
        for (const request of [
          rpc({ nonce: `abc\u0000def` }),
          rpc({ action: 'ListAccounts', params: { 'Tag.1.Key': 'k\u0000', 'Tag.1.Value': 'v' } }),
          rpc({ action: 'ListAccounts', params: { 'Tag.1.Key': 'k', 'Tag.1.Value': 'v\u0000' } }),
          rpc({ action: 'ListAccounts', params: { QueryKeyword: 'a\u0000b' } }),
          acs3({ action: 'ListAccounts', query: { QueryKeyword: 'a\u0000b' } }),
          rpc({ method: 'POST', action: 'ListAccounts', params: { QueryKeyword: '\u001b[31m' } }),
        ]) {
          assertError(await send(server.endpoint, request), 400, 'InvalidParameterValue.ControlCharacter');
        }
      });

      test('a line break in a message is text, not a control character', async () => {
        const body = assertOk(await send(server.endpoint, rpc({ action: 'ListAccounts', params: { QueryKeyword: 'a\r\nb\tc' } })));
        assert.deepEqual(body.Accounts.Account, []);
      });

      test('a nonce longer than 128 characters, or with spaces → 400 InvalidSignatureNonce, both signatures', async () => {
        for (const nonce of ['n'.repeat(129), 'n'.repeat(2000), 'with space', 'é']) {
          assertError(await send(server.endpoint, rpc({ nonce })), 400, 'InvalidSignatureNonce');
        }
        assertError(await send(server.endpoint, acs3({ nonce: 'n'.repeat(129) })), 400, 'InvalidSignatureNonce');
        assertOk(await send(server.endpoint, rpc({ nonce: 'n'.repeat(128) })));
        assertOk(await send(server.endpoint, acs3({ nonce: `${'m'.repeat(127)}~` })));
      });

      test('a value over 8192 characters → 400 InvalidParameterValue.Length', async () => {
        const request = rpc({ method: 'POST', action: 'ListAccounts', params: { QueryKeyword: 'q'.repeat(8193) } });
        assertError(await send(server.endpoint, request), 400, 'InvalidParameterValue.Length');
      });

      test('more than 256 parameters → 400 LimitExceeded.Parameters', async () => {
        const padding = Object.fromEntries(Array.from({ length: 260 }, (_, i) => [`Pad${i}`, '1']));
        assertError(await send(server.endpoint, rpc({ method: 'POST', params: padding })), 400, 'LimitExceeded.Parameters');
      });
    });

    describe('parameter names the ACS3 signature could read two ways', () => {
      test('MessageTypes.2%3DFaultMessage%26MessageTypes.3=ProductMessage is refused and changes nothing', async () => {
        const before = await messageTypes();
        const forged = acs3({
          action: 'UpdateMessageContact',
          query: { ContactId: contactId, 'MessageTypes.1': 'SecurityMessage', 'MessageTypes.2=FaultMessage&MessageTypes.3': 'ProductMessage' },
        });
        assertError(await send(server.endpoint, forged), 400, 'InvalidParameterName');
        assert.deepEqual(await messageTypes(), before);
      });

      test('the same name over RPC is refused the same way', async () => {
        const forged = rpc({ action: 'UpdateMessageContact', params: { ContactId: contactId, 'MessageTypes.2=FaultMessage&MessageTypes.3': 'ProductMessage' } });
        assertError(await send(server.endpoint, forged), 400, 'InvalidParameterName');
      });
    });

    describe('HEAD', () => {
      test('an UpdateMessageContact signed for HEAD and sent as HEAD → 400 UnsupportedHTTPMethod, nothing applied', async () => {
        const before = await messageTypes();
        const params = signRpcParams({
          key: server.credentials,
          action: 'UpdateMessageContact',
          params: { ContactId: contactId, 'MessageTypes.1': 'FaultMessage' },
        });
        params.Signature = rpcSignature('HEAD', { ...params, Signature: '' }, server.credentials.accessKeySecret);
        const response = await send(server.endpoint, { method: 'HEAD', path: `/?${encodeParams(params)}`, headers: {} });
        assert.equal(response.status, 400);
        assert.match(String(response.headers['x-acs-request-id']), /^[0-9A-F-]{36}$/);
        assert.deepEqual(await messageTypes(), before);
      });

      test('GET with the same parameters works (the method, not the action, was refused)', async () => {
        assertOk(await send(server.endpoint, rpc({ action: 'GetMessageContact', params: { ContactId: contactId } })));
      });
    });

    describe('impossible timestamps', () => {
      for (const value of ['2026-11-31T10:00:00Z', '2026-11-30T24:00:00Z']) {
        test(`${value} → InvalidTimeStamp.Format, both signatures`, async () => {
          assertError(await send(server.endpoint, rpc({ timestamp: value })), 400, 'InvalidTimeStamp.Format');
          assertError(await send(server.endpoint, acs3({ date: value })), 400, 'InvalidTimeStamp.Format');
        });
      }
    });

    describe('security tokens (STS is not supported)', () => {
      test('a signed SecurityToken parameter with a permanent key → 400 InvalidSecurityToken.NotSupported', async () => {
        const before = await messageTypes();
        const request = rpc({ action: 'UpdateMessageContact', params: { ContactId: contactId, 'MessageTypes.1': 'FaultMessage', SecurityToken: 'CAIS-bogus' } });
        assertError(await send(server.endpoint, request), 400, 'InvalidSecurityToken.NotSupported');
        assert.deepEqual(await messageTypes(), before);
      });

      test('an x-acs-security-token header, signed (ACS3) or not (RPC) → 400 InvalidSecurityToken.NotSupported', async () => {
        assertError(await send(server.endpoint, acs3({ headers: { 'x-acs-security-token': 'CAIS-bogus' } })), 400, 'InvalidSecurityToken.NotSupported');
        assertError(await send(server.endpoint, rpc({ headers: { 'x-acs-security-token': 'CAIS-bogus' } })), 400, 'InvalidSecurityToken.NotSupported');
      });

      test('an unknown key with a token is an unknown key; an empty token is no token', async () => {
        const stranger = { accessKeyId: 'STS.NotAKeyOfThisService1', accessKeySecret: 'x' };
        assertError(await send(server.endpoint, signRpc({ key: stranger, params: { SecurityToken: 't' } })), 404, 'InvalidAccessKeyId.NotFound');
        assertOk(await send(server.endpoint, rpc({ params: { SecurityToken: '' } })));
      });
    });

    describe('list indexes outside 1–100', () => {
      test('Members.1=Root&Members.1000000=… → 400 InvalidParameter.Members, nothing bound', async () => {
        const { directoryId } = server.credentials;
        const request = rpc({ action: 'AssociateMembers', params: { ContactId: contactId, 'Members.1': directoryId, 'Members.1000000': directoryId } });
        assertError(await send(server.endpoint, request), 400, 'InvalidParameter.Members');
        const bound = assertOk(await send(server.endpoint, rpc({ action: 'ListMessageContacts', params: { Member: directoryId } })));
        assert.deepEqual(bound.Contacts, []);
      });

      test('MessageTypes.0, .101, .01 and .x → 400 InvalidParameter.MessageTypes', async () => {
        for (const key of ['MessageTypes.0', 'MessageTypes.101', 'MessageTypes.01', 'MessageTypes.x']) {
          const request = rpc({ action: 'UpdateMessageContact', params: { ContactId: contactId, [key]: 'FaultMessage' } });
          assertError(await send(server.endpoint, request), 400, 'InvalidParameter.MessageTypes');
        }
      });

      test('Tag.101.Key, Tag.1.Other and Tag.x.Key → 400 InvalidParameter.Tag', async () => {
        for (const key of ['Tag.101.Key', 'Tag.1.Other', 'Tag.x.Key', 'Tag.1.Key.Extra']) {
          assertError(await send(server.endpoint, rpc({ action: 'ListAccounts', params: { [key]: 'k' } })), 400, 'InvalidParameter.Tag');
        }
      });

      test('index 100 is the last one accepted', async () => {
        const request = rpc({ action: 'UpdateMessageContact', params: { ContactId: contactId, 'MessageTypes.100': 'AccountExpenses' } });
        assertOk(await send(server.endpoint, request));
      });
    });

    describe('only signed material chooses the action', () => {
      test('RPC without Action but with an x-acs-action header → 400 MissingAction, nothing applied', async () => {
        const before = await messageTypes();
        const request = rpc({ omit: ['Action'], params: { ContactId: contactId, 'MessageTypes.1': 'FaultMessage' }, headers: { 'x-acs-action': 'UpdateMessageContact' } });
        assertError(await send(server.endpoint, request), 400, 'MissingAction');
        assert.deepEqual(await messageTypes(), before);
      });

      test('RPC without Version but with an x-acs-version header → 400 MissingVersion', async () => {
        assertError(await send(server.endpoint, rpc({ omit: ['Version'], headers: { 'x-acs-version': '2022-04-19' } })), 400, 'MissingVersion');
      });
    });
  });
}
