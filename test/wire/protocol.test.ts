/**
 * The protocol around the actions: routing, versions, formats, the envelope, throttling, size limits
 * and malformed input. Official clients where they can make the case, raw requests otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenApiModule, * as OpenApiTypes from '@alicloud/openapi-client';
import * as TeaUtil from '@alicloud/tea-util';
import { XMLParser } from 'fast-xml-parser';
import { apiClient, clientNames, failure, rpcParams } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { type Credentials, type TestServer, startServer } from '../support/server.js';
import { encodeParams, send, sendBytes, signAcs3, signRpc, signRpcParams } from './raw-request.js';
import { assertError, assertOk } from '../support/answers.js';

const OpenApi = ((OpenApiModule as any).default ?? OpenApiModule) as any;

/** @alicloud/openapi-client used directly, for what test/support/clients.ts does not expose. */
function rawOpenApi(endpoint: string, credentials: Credentials) {
  const client = new OpenApi(
    new OpenApiTypes.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      endpoint,
      protocol: 'http',
    }),
  );
  return (action: string, query: Record<string, unknown>): Promise<{ statusCode: number; headers: any; body: any }> =>
    client.callApi(
      rpcParams(action),
      new OpenApiTypes.OpenApiRequest({ query: query as any }),
      new TeaUtil.RuntimeOptions({}),
    );
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded, but a failure was expected');
}

const newContact = (name: string) => ({
  Name: name,
  EmailAddress: `${name.toLowerCase()}@example.com`,
  Title: 'TechnicalDirector',
  MessageTypes: ['AccountExpenses', 'SecurityMessage'],
});

describe('protocol', () => {
  let server: TestServer;
  let contactId: string;
  before(async () => {
    server = await startServer();
    const added = await apiClient('openapi-v3', server.endpoint, server.credentials).call('AddMessageContact', newContact('Protocol'));
    contactId = added.Contact.ContactId;
  });
  after(() => server.close());

  const rpc = (options: Omit<Parameters<typeof signRpc>[0], 'key'> = {}) => signRpc({ key: server.credentials, ...options });
  const acs3 = (options: Omit<Parameters<typeof signAcs3>[0], 'key' | 'host'> = {}) =>
    signAcs3({ key: server.credentials, host: server.endpoint, ...options });

  describe('routing and versions', () => {
    for (const name of clientNames) {
      test(`${name}: unknown action → 404 InvalidApi.NotFound`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        const error = await failure(client.call('GetMessageContacts', { ContactId: contactId }));
        assert.equal(error.code, 'InvalidApi.NotFound');
        assert.equal(error.statusCode, 404);
      });
    }

    test('action names are case-sensitive (both schemes)', async () => {
      assertError(await send(server.endpoint, rpc({ action: 'listmessagecontacts' })), 404, 'InvalidApi.NotFound');
      assertError(await send(server.endpoint, acs3({ action: 'listMessageContacts' })), 404, 'InvalidApi.NotFound');
    });

    test('unknown action, raw, both schemes and methods → 404 InvalidApi.NotFound', async () => {
      for (const method of ['GET', 'POST'] as const) {
        assertError(await send(server.endpoint, rpc({ method, action: 'DeleteEverything' })), 404, 'InvalidApi.NotFound');
        assertError(await send(server.endpoint, acs3({ method, action: 'DeleteEverything' })), 404, 'InvalidApi.NotFound');
      }
    });

    test('wrong Version → 400 NoSuchVersion (both schemes)', async () => {
      for (const version of ['2017-03-31', '2022-04-20', 'latest']) {
        for (const method of ['GET', 'POST'] as const) {
          assertError(await send(server.endpoint, rpc({ method, version })), 400, 'NoSuchVersion');
          assertError(await send(server.endpoint, acs3({ method, version })), 400, 'NoSuchVersion');
        }
      }
    });

    test('missing Action → 400 MissingAction (both schemes)', async () => {
      for (const method of ['GET', 'POST'] as const) {
        assertError(await send(server.endpoint, rpc({ method, omit: ['Action'] })), 400, 'MissingAction');
        assertError(await send(server.endpoint, acs3({ method, omit: ['x-acs-action'] })), 400, 'MissingAction');
      }
      const unsigned = await send(server.endpoint, { method: 'GET', path: '/', headers: {} });
      assertError(unsigned, 400, 'MissingAction');
    });

    test('missing Version → 400 MissingVersion (both schemes)', async () => {
      assertError(await send(server.endpoint, rpc({ omit: ['Version'] })), 400, 'MissingVersion');
      assertError(await send(server.endpoint, acs3({ omit: ['x-acs-version'] })), 400, 'MissingVersion');
    });

    test('RPC: Action and Version come from the parameters, not the x-acs-* headers', async () => {
      const request = rpc({ action: 'ListMessageContacts', headers: { 'x-acs-action': 'NoSuchAction', 'x-acs-version': '1999-01-01' } });
      assertOk(await send(server.endpoint, request));
    });

    test('ACS3: Action and Version come from the headers; Action/Version parameters are ignored', async () => {
      const request = acs3({ action: 'ListMessageContacts', query: { Action: 'NoSuchAction', Version: '1999-01-01' } });
      assertOk(await send(server.endpoint, request));
    });
  });

  describe('unknown extra parameters', () => {
    for (const name of clientNames) {
      test(`${name}: RegionId, OwnerId and Format=JSON are accepted and ignored`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        const got = await client.call('GetMessageContact', {
          ContactId: contactId,
          RegionId: 'cn-hangzhou',
          OwnerId: '1234567890123456',
          ResourceOwnerAccount: 'someone',
          ...(name.startsWith('openapi') ? { Format: 'JSON' } : {}),
        });
        assert.equal(got.Contact.ContactId, contactId);
        assert.equal(got.Code, undefined);
      });
    }

    test('raw: Format=json in lower case (openapi-client v2) and unknown params in a form body', async () => {
      assertOk(await send(server.endpoint, rpc({ format: 'json', params: { RegionId: 'cn-shanghai', Whatever: 'x' } })));
      assertOk(await send(server.endpoint, rpc({ method: 'POST', params: { RegionId: 'cn-shanghai', OwnerId: '1' } })));
      assertOk(await send(server.endpoint, acs3({ query: { RegionId: 'cn-shanghai', Format: 'JSON' } })));
    });
  });

  describe('answers', () => {
    const xmlParser = new XMLParser({ parseTagValue: false });

    test('JSON success: content type, x-acs-request-id = RequestId, no Code (several actions, both schemes)', async () => {
      const responses = [
        await send(server.endpoint, rpc({ action: 'GetMessageContact', params: { ContactId: contactId } })),
        await send(server.endpoint, rpc({ method: 'POST', action: 'ListMessageContacts' })),
        await send(server.endpoint, acs3({ action: 'GetMessageContact', query: { ContactId: contactId } })),
        await send(server.endpoint, acs3({ method: 'GET', action: 'ListMessageContactVerifications', query: { ContactId: contactId } })),
        await send(server.endpoint, acs3({ action: 'UpdateMessageContact', query: { ContactId: contactId, Title: 'TechnicalDirector' } })),
      ];
      const ids = new Set<string>();
      for (const response of responses) ids.add(assertOk(response).RequestId);
      assert.equal(ids.size, responses.length, 'every answer has its own RequestId');
    });

    test('JSON types: counts are numbers, lists are arrays', async () => {
      const list = assertOk(await send(server.endpoint, rpc({ action: 'ListMessageContacts', params: { PageSize: '5' } })));
      assert.equal(typeof list.TotalCount, 'number');
      assert.equal(list.PageSize, 5);
      assert.equal(list.PageNumber, 1);
      assert.ok(Array.isArray(list.Contacts));
      assert.ok(Array.isArray(list.Contacts[0].MessageTypes));
    });

    test('Format=XML (RPC signed) answers XML with a <GetMessageContactResponse> root', async () => {
      const response = await send(server.endpoint, rpc({ format: 'XML', action: 'GetMessageContact', params: { ContactId: contactId } }));
      assert.equal(response.status, 200, response.text);
      assert.equal(response.headers['content-type'], 'text/xml;charset=utf-8');
      const parsed = xmlParser.parse(response.text);
      const roots = Object.keys(parsed).filter((key) => key !== '?xml');
      assert.deepEqual(roots, ['GetMessageContactResponse']);
      const root = parsed.GetMessageContactResponse;
      assert.equal(root.RequestId, response.headers['x-acs-request-id']);
      assert.equal(root.Code, undefined);
      assert.equal(root.Contact.ContactId, contactId);
      assert.equal(root.Contact.Name, 'Protocol');
      assert.equal(root.Contact.EmailAddress, 'protocol@example.com');
      assert.equal(root.Contact.Title, 'TechnicalDirector');
      assert.equal(root.Contact.Status, 'Verifying');
      assert.deepEqual(root.Contact.MessageTypes.MessageType, ['AccountExpenses', 'SecurityMessage']);
    });

    test('Format=xml in lower case, and over ACS3, also answers XML', async () => {
      const lower = await send(server.endpoint, rpc({ format: 'xml', action: 'ListMessageContacts' }));
      assert.equal(lower.headers['content-type'], 'text/xml;charset=utf-8');
      const list = xmlParser.parse(lower.text).ListMessageContactsResponse;
      assert.equal(list.TotalCount, '1');
      assert.equal(list.Contacts.Contact.ContactId, contactId);

      const v3 = await send(server.endpoint, acs3({ action: 'GetMessageContact', query: { ContactId: contactId, Format: 'XML' } }));
      assert.equal(v3.headers['content-type'], 'text/xml;charset=utf-8');
      assert.equal(xmlParser.parse(v3.text).GetMessageContactResponse.Contact.ContactId, contactId);
    });

    test('an XML error has an <Error> root with the envelope fields', async () => {
      const response = await send(
        server.endpoint,
        rpc({ format: 'XML', action: 'GetMessageContact', params: { ContactId: 'c-0000000000000000' } }),
      );
      assert.equal(response.status, 404);
      assert.equal(response.headers['content-type'], 'text/xml;charset=utf-8');
      const parsed = xmlParser.parse(response.text);
      assert.deepEqual(Object.keys(parsed).filter((key) => key !== '?xml'), ['Error']);
      assert.equal(parsed.Error.Code, 'EntityNotExists.Contact');
      assert.equal(parsed.Error.Message, 'This Contact does not exist.');
      assert.equal(parsed.Error.RequestId, response.headers['x-acs-request-id']);
      assert.equal(typeof parsed.Error.HostId, 'string');
      assert.equal(typeof parsed.Error.Recommend, 'string');
    });

    test('an XML auth error is XML too', async () => {
      const response = await send(server.endpoint, rpc({ format: 'XML', signWithSecret: 'wrong' }));
      assert.equal(response.status, 400);
      assert.equal(response.headers['content-type'], 'text/xml;charset=utf-8');
      assert.equal(xmlParser.parse(response.text).Error.Code, 'SignatureDoesNotMatch');
    });

    test('Format=YAML → 400 InvalidParameter.Format (as JSON)', async () => {
      assertError(await send(server.endpoint, rpc({ format: 'YAML' })), 400, 'InvalidParameter.Format');
      assertError(await send(server.endpoint, acs3({ query: { Format: 'YAML' } })), 400, 'InvalidParameter.Format');
    });

    test('error envelope: HostId and a Recommend link naming the code and request', async () => {
      const body = assertError(
        await send(server.endpoint, rpc({ action: 'GetMessageContact', params: { ContactId: 'c-0000000000000000' } })),
        404,
        'EntityNotExists.Contact',
      );
      assert.equal(body.Message, 'This Contact does not exist.');
      assert.ok(body.HostId.length > 0);
      const recommend = new URL(body.Recommend);
      assert.equal(recommend.searchParams.get('q'), 'EntityNotExists.Contact');
      assert.equal(recommend.searchParams.get('requestId'), body.RequestId);
    });
  });

  // On PostgreSQL the buckets live in the database (shared by instances), on SQLite in memory.
  for (const backend of backends) describe(`throttling (${backend.name})`, () => {
    let throttled: TestServer;
    let throttledContact: string;
    before(async () => {
      throttled = await startServer({ backend, config: { throttlePerSecond: 2 } });
      const added = await apiClient('pop-post', throttled.endpoint, throttled.credentials).call('AddMessageContact', newContact('Throttle'));
      throttledContact = added.Contact.ContactId;
      // Stop the server's time so buckets cannot refill between calls, however slow the machine.
      throttled.clock.freeze();
    });
    after(() => throttled.close());

    test('the third quick call of one action → Throttling.User with x-acs-retry-after; other actions and accounts are not throttled', async () => {
      const call = rawOpenApi(throttled.endpoint, throttled.credentials);
      const get = { ContactId: throttledContact };
      await call('GetMessageContact', get);
      await call('GetMessageContact', get);

      const third = await send(
        throttled.endpoint,
        signRpc({ key: throttled.credentials, action: 'GetMessageContact', params: get }),
      );
      assertError(third, 400, 'Throttling.User');
      const retryAfter = third.headers['x-acs-retry-after'];
      assert.equal(typeof retryAfter, 'string');
      assert.match(retryAfter as string, /^[1-9]\d*$/, 'a positive integer');

      // What @alicloud/openapi-client surfaces.
      const error = await rejection(call('GetMessageContact', get));
      assert.equal(error.code, 'Throttling.User');
      assert.equal(error.data?.Code, 'Throttling.User');
      // @alicloud/openapi-client 0.4.x has no ThrottlingError (that arrives with @alicloud/openapi-core,
      // which reads x-acs-retry-after into `retryAfter`): it throws its plain ResponseError, with the
      // HTTP status and the whole envelope, like any other 4xx.
      assert.equal(error.name, 'Error');
      assert.equal(error.statusCode, 400);
      assert.equal(error.retryAfter, undefined);
      assert.match(error.message, /^Throttling\.User: code: 400, Request was denied due to user flow control\. request id: /);

      // Another action of the same account is not throttled by the first.
      const list = await call('ListMessageContacts', {});
      assert.equal(list.statusCode, 200);
      // Nor is another account on the same action.
      const tenant = await throttled.newTenant();
      const stranger = await failure(apiClient('openapi-v3', throttled.endpoint, tenant).call('GetMessageContact', get));
      assert.equal(stranger.code, 'EntityNotExists.Contact');
    });

    test('pop-core sees the throttling code too', async () => {
      const client = apiClient('pop-get', throttled.endpoint, throttled.credentials);
      const codes: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        try {
          await client.call('ListMessageContactVerifications', { ContactId: throttledContact });
          codes.push('ok');
        } catch (error: any) {
          codes.push(error.code);
        }
      }
      assert.ok(codes.includes('Throttling.User'), codes.join(','));
      assert.equal(codes[0], 'ok');
    });
  });

  describe('size limits', () => {
    test(
      'a query over 16 KiB → 414 RequestTooLarge.Query',
      async () => {
        const request = rpc({ action: 'GetMessageContact', params: { ContactId: 'c-' + 'a'.repeat(17 * 1024) } });
        assertError(await send(server.endpoint, request), 414, 'RequestTooLarge.Query');
      },
    );

    test('given room for the request line (header limit raised), the 16 KiB query limit answers 414', async () => {
      const roomy = await startServer({ config: { maxHeaderBytes: 64 * 1024 } });
      try {
        const request = signRpc({ key: roomy.credentials, action: 'GetMessageContact', params: { ContactId: 'c-' + 'a'.repeat(17 * 1024) } });
        assertError(await send(roomy.endpoint, request), 414, 'RequestTooLarge.Query');
        // Each value within the 8192-character limit of one value, the query just under 16 KiB.
        const justUnder = signRpc({
          key: roomy.credentials,
          action: 'GetMessageContact',
          params: { ContactId: 'c-' + 'a'.repeat(7 * 1024), Padding: 'p'.repeat(7 * 1024) },
        });
        assertError(await send(roomy.endpoint, justUnder), 400, 'InvalidParameter.ContactId');
      } finally {
        await roomy.close();
      }
    });

    test('an oversized query is answered with a clear 4xx JSON envelope, never a dropped connection', async () => {
      const response = await send(server.endpoint, rpc({ params: { Huge: 'x'.repeat(20 * 1024) } }));
      assert.ok(response.status === 414 || response.status === 431, `status ${response.status}`);
      const body = response.json();
      assert.match(body.Code, /^RequestTooLarge\./);
    });

    test('a signed query just under the limit is processed normally', async () => {
      const params = { ContactId: 'c-' + 'a'.repeat(6 * 1024), Padding: 'p'.repeat(6 * 1024) };
      const response = await send(server.endpoint, rpc({ action: 'GetMessageContact', params }));
      assertError(response, 400, 'InvalidParameter.ContactId');
    });

    test('a body over 64 KiB → 413 RequestTooLarge.Body', async () => {
      const form = rpc({ method: 'POST', params: { Huge: 'x'.repeat(65 * 1024) } });
      assertError(await send(server.endpoint, form), 413, 'RequestTooLarge.Body');
      const v3 = acs3({ body: `Huge=${'x'.repeat(65 * 1024)}` });
      assertError(await send(server.endpoint, v3), 413, 'RequestTooLarge.Body');
    });

    test('a chunked body over 64 KiB (no Content-Length) → 413 RequestTooLarge.Body', async () => {
      const chunk = 'x'.repeat(8 * 1024);
      const chunks = Array.from({ length: 10 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
      const head =
        `POST / HTTP/1.1\r\nHost: ${server.endpoint}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
      const response = await sendBytes(server.endpoint, `${head}5\r\nHuge=\r\n${chunks}0\r\n\r\n`);
      assertError(response, 413, 'RequestTooLarge.Body');
    });

    test('headers over 16 KiB → 431 RequestTooLarge.Header', async () => {
      const response = await sendBytes(
        server.endpoint,
        `POST / HTTP/1.1\r\nHost: ${server.endpoint}\r\nX-Padding: ${'p'.repeat(17 * 1024)}\r\nContent-Length: 0\r\n\r\n`,
      );
      assert.equal(response.status, 431);
      assert.equal(response.json().Code, 'RequestTooLarge.Header');
      assert.match(String(response.headers['content-type']), /^application\/json/);
    });

    test('many small headers adding up to over 16 KiB → 431 RequestTooLarge.Header', async () => {
      const headers = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(40)}\r\n`).join('');
      const response = await sendBytes(server.endpoint, `GET / HTTP/1.1\r\nHost: ${server.endpoint}\r\n${headers}\r\n`);
      assert.equal(response.status, 431);
      assert.equal(response.json().Code, 'RequestTooLarge.Header');
    });

    test('a body that is not a form (application/json, text/plain, none) → 415 UnsupportedMediaType', async () => {
      for (const contentType of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', undefined]) {
        const response = await send(server.endpoint, {
          method: 'POST',
          path: `/?${encodeParams(signRpcParams({ key: server.credentials, method: 'POST' }))}`,
          headers: contentType ? { 'content-type': contentType } : {},
          body: '{"Action":"ListMessageContacts"}',
        });
        assertError(response, 415, 'UnsupportedMediaType');
      }
    });

    test('a form content type with a charset is a form', async () => {
      const request = rpc({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } });
      assertOk(await send(server.endpoint, request));
    });

    test('the server keeps answering afterwards', async () => {
      for (const name of clientNames) {
        const got = await apiClient(name, server.endpoint, server.credentials).call('GetMessageContact', { ContactId: contactId });
        assert.equal(got.Contact.ContactId, contactId);
      }
    });
  });

  describe('malformed input never crashes', () => {
    test('invalid percent-encoding in the query (%E0%A4%A): a clear 400, both schemes', async () => {
      const unsigned = await send(server.endpoint, { method: 'GET', path: '/?Action=ListMessageContacts&Version=2022-04-19&Name=%E0%A4%A', headers: {} });
      assertError(unsigned, 400, 'MissingAccessKeyId');

      const signed = rpc({ action: 'GetMessageContact', params: { ContactId: contactId } });
      assertError(await send(server.endpoint, { ...signed, path: `${signed.path}&Name=%E0%A4%A` }), 400, 'SignatureDoesNotMatch');

      const v3 = acs3({ action: 'GetMessageContact', query: { ContactId: contactId } });
      assertError(await send(server.endpoint, { ...v3, path: `${v3.path}&Name=%E0%A4%A` }), 400, 'SignatureDoesNotMatch');

      // Names that decode to something percent-encoding would change are refused before the signature is looked at.
      const badKey = rpc();
      assertError(await send(server.endpoint, { ...badKey, path: `${badKey.path}&%E0%A4%A=1&%=2` }), 400, 'InvalidParameterName');
    });

    test('invalid percent-encoding in a form body: a clear 400', async () => {
      const form = rpc({ method: 'POST' });
      assertError(await send(server.endpoint, { ...form, body: `${form.body}&Name=%E0%A4%A` }), 400, 'SignatureDoesNotMatch');
    });

    test('a signed value that decodes to garbage reaches validation: InvalidParameter.ContactId', async () => {
      // Signed over what the server decodes the bytes to, so only validation stands in the way.
      const decoded = new URLSearchParams('v=%E0%A4%A').get('v')!;
      const params = signRpcParams({ key: server.credentials, action: 'GetMessageContact', params: { ContactId: decoded } });
      const path = `/?${encodeParams({ ...params, ContactId: 'PLACEHOLDER' })}`.replace('ContactId=PLACEHOLDER', 'ContactId=%E0%A4%A');
      assertError(await send(server.endpoint, { method: 'GET', path, headers: {} }), 400, 'InvalidParameter.ContactId');
    });

    for (const name of ['openapi-v3', 'pop-get'] as const) {
      test(`${name}: PageSize=abc, 0, 101, -1, 1.5, 1e2 → InvalidParameter.PageSize; 1 and 100 are fine`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        for (const pageSize of ['abc', '0', '101', '-1', '1.5', '1e2', ' 5', '99999999999999999999']) {
          const error = await failure(client.call('ListMessageContacts', { PageSize: pageSize }));
          assert.equal(error.code, 'InvalidParameter.PageSize', `PageSize=${JSON.stringify(pageSize)}`);
          assert.equal(error.statusCode, 400);
        }
        for (const pageSize of [1, 100]) {
          const list = await client.call('ListMessageContacts', { PageSize: pageSize });
          assert.equal(list.PageSize, pageSize);
        }
      });

      test(`${name}: PageNumber=0 or abc → InvalidParameter.PageNumber`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        for (const pageNumber of ['0', 'abc']) {
          const error = await failure(client.call('ListMessageContacts', { PageNumber: pageNumber }));
          assert.equal(error.code, 'InvalidParameter.PageNumber');
        }
      });

      test(`${name}: RetainContactInMembers=maybe → InvalidParameter.RetainContactInMembers, nothing deleted`, async () => {
        const client = apiClient(name, server.endpoint, server.credentials);
        const error = await failure(client.call('DeleteMessageContact', { ContactId: contactId, RetainContactInMembers: 'maybe' }));
        assert.equal(error.code, 'InvalidParameter.RetainContactInMembers');
        assert.equal(error.statusCode, 400);
        const got = await client.call('GetMessageContact', { ContactId: contactId });
        assert.equal(got.Contact.ContactId, contactId);
      });
    }

    test('integer params on ListMessageContactVerifications too', async () => {
      const error = await failure(
        apiClient('pop-post', server.endpoint, server.credentials).call('ListMessageContactVerifications', { ContactId: contactId, PageSize: 'abc' }),
      );
      assert.equal(error.code, 'InvalidParameter.PageSize');
    });

    test('openapi-client with a raw JS array in the query (repeated keys, signed as "A,B") is accepted', async () => {
      const call = rawOpenApi(server.endpoint, server.credentials);
      const updated = await call('UpdateMessageContact', {
        ContactId: contactId,
        MessageTypes: ['AccountExpenses', 'ServiceMessage'],
      });
      assert.equal(updated.statusCode, 200);
      const got = await apiClient('openapi-v3', server.endpoint, server.credentials).call('GetMessageContact', { ContactId: contactId });
      assert.deepEqual(got.Contact.MessageTypes, ['AccountExpenses', 'ServiceMessage']);
    });

    test('the same array flattened as MessageTypes.N by every client is accepted', async () => {
      for (const [index, name] of clientNames.entries()) {
        const types = index % 2 === 0 ? ['SecurityMessage', 'AccountExpenses'] : ['AccountExpenses', 'ServiceMessage', 'SecurityMessage'];
        const client = apiClient(name, server.endpoint, server.credentials);
        await client.call('UpdateMessageContact', { ContactId: contactId, MessageTypes: types });
        const got = await client.call('GetMessageContact', { ContactId: contactId });
        assert.deepEqual(got.Contact.MessageTypes, types, name);
      }
    });

    test('a Name with quotes, parentheses and * survives signing (rejected by validation, not by the signature)', async () => {
      for (const name of clientNames) {
        const client = apiClient(name, server.endpoint, server.credentials);
        const error = await failure(client.call('UpdateMessageContact', { ContactId: contactId, Name: "tom o'neil (x)*" }));
        assert.equal(error.code, 'InvalidParameter.Name', name);
      }
    });

    test('a Chinese Name round-trips through every client', async () => {
      for (const [index, name] of clientNames.entries()) {
        const client = apiClient(name, server.endpoint, server.credentials);
        const chinese = ['张三', '李四', '王五', '赵六'][index]!;
        await client.call('UpdateMessageContact', { ContactId: contactId, Name: chinese });
        const got = await client.call('GetMessageContact', { ContactId: contactId });
        assert.equal(got.Contact.Name, chinese, name);
      }
    });
  });
});
