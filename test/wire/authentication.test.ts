/**
 * Authentication on the wire, through real sockets: ACS3-HMAC-SHA256 and RPC HMAC-SHA1, GET and
 * POST. The official clients make every case they can; raw requests (./raw-request.ts) the rest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClientName, apiClient, clientNames, failure } from '../support/clients.js';
import { type Credentials, type TestServer, startServer } from '../support/server.js';
import { rpcSignature } from '../../src/wire/rpc-signature.js';
import {
  type Acs3RequiredHeader,
  type RawRequest,
  type RpcCommonParam,
  type SigningKey,
  newNonce,
  send,
  signAcs3,
  signRpc,
  signRpcParams,
  timestamp,
} from './raw-request.js';
import { assertError, assertOk } from '../support/answers.js';

/** One way of signing a request: the scheme and the method. */
interface Variant {
  name: string;
  sign(options: {
    key: SigningKey;
    action?: string;
    params?: Record<string, string>;
    nonce?: string;
    date?: string;
    secret?: string;
  }): RawRequest;
}

function variants(server: () => TestServer): Variant[] {
  return [
    {
      name: 'RPC GET',
      sign: (o) =>
        signRpc({ method: 'GET', key: o.key, action: o.action, params: o.params, nonce: o.nonce, timestamp: o.date, signWithSecret: o.secret }),
    },
    {
      name: 'RPC POST (form body)',
      sign: (o) =>
        signRpc({ method: 'POST', key: o.key, action: o.action, params: o.params, nonce: o.nonce, timestamp: o.date, signWithSecret: o.secret }),
    },
    {
      name: 'RPC POST (query)',
      sign: (o) =>
        signRpc({
          method: 'POST',
          postInQuery: true,
          key: o.key,
          action: o.action,
          params: o.params,
          nonce: o.nonce,
          timestamp: o.date,
          signWithSecret: o.secret,
        }),
    },
    {
      name: 'ACS3 POST',
      sign: (o) =>
        signAcs3({ method: 'POST', host: server().endpoint, key: o.key, action: o.action, query: o.params, nonce: o.nonce, date: o.date, signWithSecret: o.secret }),
    },
    {
      name: 'ACS3 GET',
      sign: (o) =>
        signAcs3({ method: 'GET', host: server().endpoint, key: o.key, action: o.action, query: o.params, nonce: o.nonce, date: o.date, signWithSecret: o.secret }),
    },
  ];
}

const contact = (name: string) => ({
  Name: name,
  EmailAddress: `${name.toLowerCase()}@example.com`,
  Title: 'TechnicalDirector',
  MessageTypes: ['AccountExpenses', 'SecurityMessage'],
});

describe('authentication on the wire', () => {
  let server: TestServer;
  let other: Credentials;
  before(async () => {
    server = await startServer();
    other = await server.newTenant();
  });
  after(() => server.close());

  const all = variants(() => server);

  describe('replay', () => {
    for (const variant of all) {
      test(`${variant.name}: the same signed request twice → SignatureNonceUsed the second time`, async () => {
        const request = variant.sign({ key: server.credentials });
        assertOk(await send(server.endpoint, request));
        assertError(await send(server.endpoint, request), 400, 'SignatureNonceUsed');
      });

      test(`${variant.name}: a fresh request reusing only the nonce is also refused`, async () => {
        const nonce = newNonce();
        assertOk(await send(server.endpoint, variant.sign({ key: server.credentials, nonce })));
        const again = variant.sign({ key: server.credentials, nonce, params: { PageSize: '5' } });
        assertError(await send(server.endpoint, again), 400, 'SignatureNonceUsed');
      });

      test(`${variant.name}: the same nonce with a different key is fine`, async () => {
        const nonce = newNonce();
        assertOk(await send(server.endpoint, variant.sign({ key: server.credentials, nonce })));
        assertOk(await send(server.endpoint, variant.sign({ key: other, nonce })));
      });

      test(`${variant.name}: a request refused for its signature does not use up its nonce`, async () => {
        const nonce = newNonce();
        const forged = variant.sign({ key: server.credentials, nonce, secret: 'not-the-secret' });
        assertError(await send(server.endpoint, forged), 400, 'SignatureDoesNotMatch');
        assertOk(await send(server.endpoint, variant.sign({ key: server.credentials, nonce })));
      });
    }

    test('a replay after the skew window has passed is refused as expired, never accepted', async () => {
      for (const variant of all) {
        const request = variant.sign({ key: server.credentials });
        assertOk(await send(server.endpoint, request));
        server.clock.advance(16 * 60);
        try {
          assertError(await send(server.endpoint, request), 400, 'InvalidTimeStamp.Expired');
        } finally {
          server.clock.advance(-16 * 60);
        }
      }
    });
  });

  describe('clock skew', () => {
    async function withClockMoved<T>(seconds: number, run: () => Promise<T>): Promise<T> {
      server.clock.advance(seconds);
      try {
        return await run();
      } finally {
        server.clock.advance(-seconds);
      }
    }

    for (const name of clientNames) {
      test(`${name}: server 16 minutes ahead → InvalidTimeStamp.Expired`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        const error = await withClockMoved(16 * 60, () => failure(client.call('ListMessageContacts')));
        assert.equal(error.code, 'InvalidTimeStamp.Expired');
        assert.equal(error.statusCode, 400);
      });

      test(`${name}: server 16 minutes behind (request from the future) → InvalidTimeStamp.Expired`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        const error = await withClockMoved(-16 * 60, () => failure(client.call('ListMessageContacts')));
        assert.equal(error.code, 'InvalidTimeStamp.Expired');
      });

      test(`${name}: 14 minutes either way is still fine`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        const ahead = await withClockMoved(14 * 60, () => client.call('ListMessageContacts'));
        assert.equal(typeof ahead.RequestId, 'string');
        const behind = await withClockMoved(-14 * 60, () => client.call('ListMessageContacts'));
        assert.equal(typeof behind.RequestId, 'string');
      });
    }

    const malformed = ['2023/10/26 09:01:01', '2023-10-26T09:01:01', '2023-10-26 09:01:01Z', 'yesterday', '1698310861', '2023-13-45T99:99:99Z', ''];
    for (const variant of all) {
      test(`${variant.name}: a malformed timestamp → InvalidTimeStamp.Format`, async () => {
        for (const value of malformed.filter((text) => text !== '' || variant.name.startsWith('ACS3'))) {
          const response = await send(server.endpoint, variant.sign({ key: server.credentials, date: value }));
          assertError(response, 400, 'InvalidTimeStamp.Format');
        }
      });
    }

    test('a timestamp with milliseconds, as some clients send, is accepted', async () => {
      const date = new Date().toISOString();
      for (const variant of all) assertOk(await send(server.endpoint, variant.sign({ key: server.credentials, date })));
    });
  });

  describe('access keys', () => {
    for (const name of clientNames) {
      test(`${name}: unknown key → 404 InvalidAccessKeyId.NotFound`, async () => {
        const client = apiClient(name, server.endpoint, {
          ...server.credentials,
          accessKeyId: 'LTAI_NO_SUCH_KEY_000',
        });
        const error = await failure(client.call('ListMessageContacts'));
        assert.equal(error.code, 'InvalidAccessKeyId.NotFound');
        assert.equal(error.statusCode, 404);
      });

      test(`${name}: wrong secret → SignatureDoesNotMatch`, async () => {
        const client = apiClient(name, server.endpoint, { ...server.credentials, accessKeySecret: 'wrong-secret' });
        const error = await failure(client.call('ListMessageContacts'));
        assert.equal(error.code, 'SignatureDoesNotMatch');
        assert.equal(error.statusCode, 400);
      });
    }

    test('disabled key → InvalidAccessKeyId.Inactive with every client; enabled again, it works', async () => {
      const tenant = await server.newTenant();
      const clients = clientNames.map((name) => apiClient(name, server.endpoint, tenant));
      for (const client of clients) await client.call('ListMessageContacts');
      assert.equal(await server.store.accessKeys.setStatus(tenant.accessKeyId, 'Inactive'), true);
      for (const client of clients) {
        const error = await failure(client.call('ListMessageContacts'));
        assert.equal(error.code, 'InvalidAccessKeyId.Inactive', client.name);
        assert.equal(error.statusCode, 400, client.name);
      }
      await server.store.accessKeys.setStatus(tenant.accessKeyId, 'Active');
      for (const client of clients) await client.call('ListMessageContacts');
    });

    test('a deleted key → InvalidAccessKeyId.NotFound', async () => {
      const tenant = await server.newTenant();
      const client = apiClient('openapi-v3', server.endpoint, tenant);
      await client.call('ListMessageContacts');
      await server.store.accessKeys.remove(tenant.accessKeyId);
      assert.equal((await failure(client.call('ListMessageContacts'))).code, 'InvalidAccessKeyId.NotFound');
    });
  });

  describe('tampering', () => {
    test('ACS3: body changed after signing (x-acs-content-sha256 no longer matches) → SignatureDoesNotMatch', async () => {
      const base = { key: server.credentials, host: server.endpoint, method: 'POST' as const, body: 'PageSize=5' };
      assertOk(await send(server.endpoint, signAcs3(base)));
      assertError(await send(server.endpoint, signAcs3({ ...base, sendBody: 'PageSize=6' })), 400, 'SignatureDoesNotMatch');
    });

    test('ACS3: a body sent with the empty-body hash, signed consistently → SignatureDoesNotMatch', async () => {
      const request = signAcs3({
        key: server.credentials,
        host: server.endpoint,
        body: 'PageSize=5',
        payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      });
      assertError(await send(server.endpoint, request), 400, 'SignatureDoesNotMatch');
    });

    test('ACS3: query changed after signing → SignatureDoesNotMatch', async () => {
      const request = signAcs3({ key: server.credentials, host: server.endpoint, query: { PageSize: '5' } });
      assert.match(request.path, /PageSize=5/);
      const tampered = { ...request, path: request.path.replace('PageSize=5', 'PageSize=6') };
      assertError(await send(server.endpoint, tampered), 400, 'SignatureDoesNotMatch');
    });

    test('ACS3: a signed header changed after signing → SignatureDoesNotMatch', async () => {
      const request = signAcs3({ key: server.credentials, host: server.endpoint, headers: { 'x-acs-credentials-provider': 'static_ak' } });
      const tampered = { ...request, headers: { ...request.headers, 'x-acs-credentials-provider': 'other' } };
      assertError(await send(server.endpoint, tampered), 400, 'SignatureDoesNotMatch');
    });

    test('ACS3: the action header changed after signing → SignatureDoesNotMatch', async () => {
      const request = signAcs3({ key: server.credentials, host: server.endpoint });
      const tampered = { ...request, headers: { ...request.headers, 'x-acs-action': 'ListMessageContactVerifications' } };
      assertError(await send(server.endpoint, tampered), 400, 'SignatureDoesNotMatch');
    });

    for (const method of ['GET', 'POST'] as const) {
      test(`RPC ${method}: a parameter changed after signing → SignatureDoesNotMatch`, async () => {
        const request = signRpc({
          key: server.credentials,
          method,
          params: { PageSize: '5' },
          afterSigning: (params) => (params.PageSize = '6'),
        });
        assertError(await send(server.endpoint, request), 400, 'SignatureDoesNotMatch');
      });

      test(`RPC ${method}: a parameter added after signing → SignatureDoesNotMatch`, async () => {
        const request = signRpc({ key: server.credentials, method, afterSigning: (params) => (params.PageSize = '6') });
        assertError(await send(server.endpoint, request), 400, 'SignatureDoesNotMatch');
      });

      test(`RPC ${method}: signed for the other method → SignatureDoesNotMatch`, async () => {
        const other = method === 'GET' ? 'POST' : 'GET';
        const nonce = newNonce();
        const stamp = timestamp();
        const signedForOther = signRpcParams({ key: server.credentials, method: other, nonce, timestamp: stamp });
        const request = signRpc({ key: server.credentials, method, nonce, timestamp: stamp, signature: signedForOther.Signature! });
        assertError(await send(server.endpoint, request), 400, 'SignatureDoesNotMatch');
      });
    }
  });

  describe('missing and invalid pieces', () => {
    const rpcPieces: RpcCommonParam[] = ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'];
    for (const method of ['GET', 'POST'] as const) {
      for (const piece of rpcPieces) {
        test(`RPC ${method} without ${piece} → Missing${piece}`, async () => {
          const response = await send(server.endpoint, signRpc({ key: server.credentials, method, omit: [piece] }));
          assertError(response, 400, `Missing${piece}`);
        });
        test(`RPC ${method} with an empty ${piece} → Missing${piece}`, async () => {
          const response = await send(
            server.endpoint,
            signRpc({ key: server.credentials, method, afterSigning: (params) => (params[piece] = '') }),
          );
          assertError(response, 400, `Missing${piece}`);
        });
      }

      test(`RPC ${method} with SignatureMethod=HMAC-SHA256 → InvalidSignatureMethod`, async () => {
        const response = await send(server.endpoint, signRpc({ key: server.credentials, method, signatureMethod: 'HMAC-SHA256' }));
        assertError(response, 400, 'InvalidSignatureMethod');
      });

      test(`RPC ${method} with SignatureVersion=2.0 → InvalidSignatureVersion`, async () => {
        const response = await send(server.endpoint, signRpc({ key: server.credentials, method, signatureVersion: '2.0' }));
        assertError(response, 400, 'InvalidSignatureVersion');
      });

      test(`RPC ${method} with a signature that is not base64 → SignatureDoesNotMatch`, async () => {
        const response = await send(server.endpoint, signRpc({ key: server.credentials, method, signature: '!!not base64!!' }));
        assertError(response, 400, 'SignatureDoesNotMatch');
      });
    }

    test('no signature of any kind → MissingAccessKeyId', async () => {
      const response = await send(server.endpoint, {
        method: 'GET',
        path: '/?Action=ListMessageContacts&Version=2022-04-19',
        headers: {},
      });
      assertError(response, 400, 'MissingAccessKeyId');
    });

    for (const method of ['GET', 'POST'] as const) {
      const acs3 = (options: Partial<Parameters<typeof signAcs3>[0]> = {}) =>
        signAcs3({ key: server.credentials, host: server.endpoint, method, ...options });

      for (const piece of ['Signature', 'Credential', 'SignedHeaders']) {
        test(`ACS3 ${method}: Authorization without ${piece}= → IncompleteSignature`, async () => {
          const request = acs3({
            authorization: (signed) =>
              signed.replace(new RegExp(`,?${piece}=[^,]*`), '').replace('ACS3-HMAC-SHA256 ,', 'ACS3-HMAC-SHA256 '),
          });
          assert.doesNotMatch(request.headers.authorization!, new RegExp(`${piece}=`));
          assertError(await send(server.endpoint, request), 400, 'IncompleteSignature');
        });
      }

      test(
        `ACS3 ${method}: Authorization with only the algorithm → IncompleteSignature`,
        async () => {
        assertError(await send(server.endpoint, acs3({ authorization: () => 'ACS3-HMAC-SHA256' })), 400, 'IncompleteSignature');
        assertError(await send(server.endpoint, acs3({ authorization: () => 'ACS3-HMAC-SHA256 ' })), 400, 'IncompleteSignature');
        },
      );

      const required: Acs3RequiredHeader[] = ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];
      for (const header of required) {
        test(`ACS3 ${method}: ${header} sent but not signed → IncompleteSignature`, async () => {
          const request = acs3({ unsigned: [header] });
          assert.ok(request.headers[header] !== undefined);
          assert.doesNotMatch(request.headers.authorization!, new RegExp(`${header}[;,]`));
          assertError(await send(server.endpoint, request), 400, 'IncompleteSignature');
        });
        test(`ACS3 ${method}: ${header} not sent at all → IncompleteSignature`, async () => {
          assertError(await send(server.endpoint, acs3({ omit: [header] })), 400, 'IncompleteSignature');
        });
      }

      for (const header of ['host', 'x-acs-action', 'x-acs-version']) {
        test(`ACS3 ${method}: ${header} sent but not signed → IncompleteSignature`, async () => {
          assertError(await send(server.endpoint, acs3({ unsigned: [header] })), 400, 'IncompleteSignature');
        });
      }

      for (const algorithm of ['ACS3-HMAC-SM3', 'ACS3-RSA-SHA256']) {
        test(`ACS3 ${method}: Authorization '${algorithm} …' → InvalidSignatureMethod`, async () => {
          const request = acs3({ authorization: (signed) => signed.replace('ACS3-HMAC-SHA256', algorithm) });
          assertError(await send(server.endpoint, request), 400, 'InvalidSignatureMethod');
        });
      }

      test(`ACS3 ${method}: an upper-case hex signature is accepted`, async () => {
        const request = acs3({ authorization: (signed) => signed.replace(/Signature=([0-9a-f]+)$/, (_m, hex: string) => `Signature=${hex.toUpperCase()}`) });
        assertOk(await send(server.endpoint, request));
      });
    }
  });

  describe('secrets never leak', () => {
    test('no error body or response header carries a secret or the expected signature', async () => {
      const key = server.credentials;
      const disabled = await server.newTenant();
      await server.store.accessKeys.setStatus(disabled.accessKeyId, 'Inactive');
      const secrets = [key.accessKeySecret, other.accessKeySecret, disabled.accessKeySecret];

      // The signature the server computes for a forged request must not be echoed either.
      const forgedParams = signRpcParams({ key, signWithSecret: 'guess' });
      const expectedSignature = rpcSignature('GET', withoutSignature(forgedParams), key.accessKeySecret);
      const forged = signRpc({
        key,
        nonce: forgedParams.SignatureNonce!,
        timestamp: forgedParams.Timestamp!,
        signWithSecret: 'guess',
      });

      const replayed = signAcs3({ key, host: server.endpoint });
      await send(server.endpoint, replayed);
      const cases: [string, RawRequest][] = [
        ['RPC wrong signature', forged],
        ['ACS3 wrong signature', signAcs3({ key, host: server.endpoint, signWithSecret: 'guess' })],
        ['ACS3 tampered body', signAcs3({ key, host: server.endpoint, body: 'PageSize=5', sendBody: 'PageSize=6' })],
        ['ACS3 replay', replayed],
        ['RPC inactive key', signRpc({ key: disabled })],
        ['ACS3 inactive key', signAcs3({ key: disabled, host: server.endpoint })],
        ['RPC malformed timestamp', signRpc({ key, timestamp: 'soon' })],
        ['ACS3 incomplete', signAcs3({ key, host: server.endpoint, unsigned: ['x-acs-date'] })],
        ['RPC XML error', signRpc({ key, format: 'XML', signWithSecret: 'guess' })],
        ['unknown contact', signRpc({ key, action: 'GetMessageContact', params: { ContactId: 'c-0000000000000000' } })],
      ];
      for (const [name, request] of cases) {
        const response = await send(server.endpoint, request);
        assert.ok(response.status >= 400, `${name} should fail, got ${response.status}`);
        const text = response.fullText();
        for (const secret of secrets) assert.ok(!text.includes(secret), `${name}: a secret appears in the response`);
        assert.ok(!text.includes(expectedSignature), `${name}: the expected signature appears in the response`);
        assert.ok(!text.includes(encodeURIComponent(expectedSignature)), `${name}: the expected signature appears in the response`);
      }
    });

    test('the official clients see no secret in their errors', async () => {
      for (const name of clientNames) {
        const client = apiClient(name, server.endpoint, { ...server.credentials, accessKeySecret: 'wrong-secret' });
        const error = await failure(client.call('ListMessageContacts'));
        const text = `${error.message}\n${JSON.stringify(error.data)}`;
        assert.ok(!text.includes(server.credentials.accessKeySecret), name);
      }
    });
  });

  describe('tenancy at the wire', () => {
    let contactId: string;
    before(async () => {
      const owner = apiClient('openapi-v3', server.endpoint, server.credentials);
      const added = await owner.call('AddMessageContact', contact('Tenancy'));
      contactId = added.Contact.ContactId;
    });

    for (const name of clientNames) {
      test(`${name}: another tenant's key cannot Get the first tenant's contact → EntityNotExists.Contact`, async () => {
        const intruder = apiClient(name, server.endpoint, other);
        const error = await failure(intruder.call('GetMessageContact', { ContactId: contactId }));
        assert.equal(error.code, 'EntityNotExists.Contact');
        assert.equal(error.statusCode, 404);
      });
    }

    test('nor update, delete, verify or list it; the owner still sees it unchanged', async () => {
      const intruder = apiClient('pop-post' satisfies ClientName, server.endpoint, other);
      const calls: [string, Record<string, string>][] = [
        ['UpdateMessageContact', { ContactId: contactId, Name: 'Stolen' }],
        ['DeleteMessageContact', { ContactId: contactId }],
        ['SendEmailVerificationForMessageContact', { ContactId: contactId, EmailAddress: 'tenancy@example.com' }],
        ['CancelMessageContactUpdate', { ContactId: contactId }],
        ['ListMessageContactVerifications', { ContactId: contactId }],
      ];
      for (const [action, params] of calls) {
        const error = await failure(intruder.call(action, params));
        assert.equal(error.code, 'EntityNotExists.Contact', action);
      }
      const listed = await intruder.call('ListMessageContacts', {});
      assert.ok(!JSON.stringify(listed).includes(contactId));

      const owner = apiClient('pop-get', server.endpoint, server.credentials);
      const got = await owner.call('GetMessageContact', { ContactId: contactId });
      assert.equal(got.Contact.Name, 'Tenancy');
    });
  });
});

function withoutSignature(params: Record<string, string>): Record<string, string> {
  const { Signature: _ignored, ...rest } = params;
  return rest;
}
