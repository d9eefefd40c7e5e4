/**
 * The signature code against the vectors of spec/api.md §6.3 and §6.5 and against requests the real
 * clients sent (spec/clients.md captures, secret `fakeSecret/+=!*()`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Acs3Request,
  acs3Signature,
  acs3StringToSign,
  canonicalQueryString,
  canonicalRequest,
  emptyPayloadHash,
  parseAcs3Authorization,
  sha256Hex,
} from '../../src/wire/acs3-signature.js';
import { decodeParams } from '../../src/wire/params.js';
import { percentEncode } from '../../src/wire/percent-encode.js';
import { canonicalizedParams, rpcSignature, rpcStringToSign } from '../../src/wire/rpc-signature.js';

const v3SignedHeaders = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];

describe('ACS3-HMAC-SHA256: spec/api.md §6.3 vector', () => {
  const request: Acs3Request = {
    method: 'POST',
    query: {
      EmailAddress: 'someone@example.com',
      'MessageTypes.1': 'AccountExpenses',
      'MessageTypes.2': 'SecurityMessage',
      Name: 'tom',
      Title: 'TechnicalDirector',
    },
    headers: {
      host: 'resourcedirectory.aliyuncs.com',
      'x-acs-action': 'AddMessageContact',
      'x-acs-content-sha256': emptyPayloadHash,
      'x-acs-date': '2023-10-26T09:01:01Z',
      'x-acs-signature-nonce': 'd410180a5abf7fe235dd9b74aca91fc0',
      'x-acs-version': '2022-04-19',
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2',
      accept: 'application/json',
    },
    signedHeaders: v3SignedHeaders,
    payloadHash: emptyPayloadHash,
  };

  test('the empty-body hash is SHA-256 of nothing', () => {
    assert.equal(sha256Hex(''), emptyPayloadHash);
    assert.equal(sha256Hex(Buffer.alloc(0)), emptyPayloadHash);
  });

  test('canonical request', () => {
    assert.equal(
      canonicalRequest(request),
      [
        'POST',
        '/',
        'EmailAddress=someone%40example.com&MessageTypes.1=AccountExpenses&MessageTypes.2=SecurityMessage&Name=tom&Title=TechnicalDirector',
        'host:resourcedirectory.aliyuncs.com',
        'x-acs-action:AddMessageContact',
        `x-acs-content-sha256:${emptyPayloadHash}`,
        'x-acs-date:2023-10-26T09:01:01Z',
        'x-acs-signature-nonce:d410180a5abf7fe235dd9b74aca91fc0',
        'x-acs-version:2022-04-19',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        emptyPayloadHash,
      ].join('\n'),
    );
  });

  test('string to sign', () => {
    assert.equal(acs3StringToSign(request), 'ACS3-HMAC-SHA256\n0fab7fedd41def51dbc96d3bbaa4720e347e9ed4e9ca03b7d2ad0900f0fef9a1');
  });

  test('signature (secret used as is, no "&")', () => {
    assert.equal(acs3Signature(request, 'testsecret'), 'fd105ca0dd914a2de56e93e3d4684f67583165c8a5eb6a76c32033372ab2f947');
    assert.notEqual(acs3Signature(request, 'testsecret&'), 'fd105ca0dd914a2de56e93e3d4684f67583165c8a5eb6a76c32033372ab2f947');
  });

  test('the order SignedHeaders lists names in, and the order of query keys, do not matter', () => {
    const shuffled: Acs3Request = {
      ...request,
      signedHeaders: [...v3SignedHeaders].reverse(),
      query: Object.fromEntries(Object.entries(request.query).reverse()),
    };
    assert.equal(acs3Signature(shuffled, 'testsecret'), 'fd105ca0dd914a2de56e93e3d4684f67583165c8a5eb6a76c32033372ab2f947');
  });

  test('unsigned headers (user-agent, accept) do not change the signature; a changed signed one does', () => {
    const other: Acs3Request = { ...request, headers: { ...request.headers, 'user-agent': 'x', accept: '*/*' } };
    assert.equal(acs3Signature(other, 'testsecret'), 'fd105ca0dd914a2de56e93e3d4684f67583165c8a5eb6a76c32033372ab2f947');
    const changed: Acs3Request = { ...request, headers: { ...request.headers, 'x-acs-date': '2023-10-26T09:01:02Z' } };
    assert.notEqual(acs3Signature(changed, 'testsecret'), 'fd105ca0dd914a2de56e93e3d4684f67583165c8a5eb6a76c32033372ab2f947');
  });

  test('header values are trimmed; repeated headers are sorted and joined with ","', () => {
    const spaced: Acs3Request = { ...request, headers: { ...request.headers, 'x-acs-date': '  2023-10-26T09:01:01Z ' } };
    assert.equal(acs3Signature(spaced, 'testsecret'), 'fd105ca0dd914a2de56e93e3d4684f67583165c8a5eb6a76c32033372ab2f947');
    const repeated: Acs3Request = {
      ...request,
      headers: { ...request.headers, 'x-acs-extra': ['b', ' a'] },
      signedHeaders: [...v3SignedHeaders, 'x-acs-extra'],
    };
    assert.match(canonicalRequest(repeated), /\nx-acs-extra:a,b\nx-acs-signature-nonce:/);
  });
});

describe('RPC signature 1.0 HMAC-SHA1: spec/api.md §6.5 vector', () => {
  const params = {
    AccessKeyId: 'testid',
    Action: 'AddMessageContact',
    EmailAddress: 'someone@example.com',
    Format: 'json',
    'MessageTypes.1': 'AccountExpenses',
    'MessageTypes.2': 'SecurityMessage',
    Name: 'tom',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: 'd410180a5abf7fe235dd9b74aca91fc0',
    SignatureVersion: '1.0',
    Timestamp: '2023-10-26T09:01:01Z',
    Title: 'TechnicalDirector',
    Version: '2022-04-19',
  };

  test('canonicalized parameters', () => {
    assert.equal(
      canonicalizedParams(params),
      'AccessKeyId=testid&Action=AddMessageContact&EmailAddress=someone%40example.com&Format=json&MessageTypes.1=AccountExpenses&MessageTypes.2=SecurityMessage&Name=tom&SignatureMethod=HMAC-SHA1&SignatureNonce=d410180a5abf7fe235dd9b74aca91fc0&SignatureVersion=1.0&Timestamp=2023-10-26T09%3A01%3A01Z&Title=TechnicalDirector&Version=2022-04-19',
    );
  });

  test('string to sign', () => {
    assert.equal(
      rpcStringToSign('POST', params),
      'POST&%2F&AccessKeyId%3Dtestid%26Action%3DAddMessageContact%26EmailAddress%3Dsomeone%2540example.com%26Format%3Djson%26MessageTypes.1%3DAccountExpenses%26MessageTypes.2%3DSecurityMessage%26Name%3Dtom%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dd410180a5abf7fe235dd9b74aca91fc0%26SignatureVersion%3D1.0%26Timestamp%3D2023-10-26T09%253A01%253A01Z%26Title%3DTechnicalDirector%26Version%3D2022-04-19',
    );
  });

  test('signature (key is secret + "&")', () => {
    assert.equal(rpcSignature('POST', params, 'testsecret'), 'n0tMMbZgcwm405zCjkQPlmvYd/g=');
  });

  test('the Signature parameter itself is left out of what is signed', () => {
    assert.equal(rpcSignature('POST', { ...params, Signature: 'anything' }, 'testsecret'), 'n0tMMbZgcwm405zCjkQPlmvYd/g=');
  });

  test('the HTTP method is part of what is signed', () => {
    assert.ok(rpcStringToSign('GET', params).startsWith('GET&%2F&'));
    assert.notEqual(rpcSignature('GET', params, 'testsecret'), 'n0tMMbZgcwm405zCjkQPlmvYd/g=');
  });
});

describe('captures of the real clients (spec/clients.md)', () => {
  const secret = 'fakeSecret/+=!*()';

  test("pop-core GET with the name `tom o'neil (x)*`: decoded query re-signed matches", () => {
    const query = decodeParams(
      'AccessKeyId=LTAI_FAKE_ID_123&Action=UpdateMessageContact&ContactId=c-abc&Format=JSON&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage&Name=tom%20o%27neil%20%28x%29%2A&SignatureMethod=HMAC-SHA1&SignatureNonce=bdc622d2f17b6ef344080e2e11e22c8c&SignatureVersion=1.0&Timestamp=2026-11-24T22%3A40%3A04Z&Version=2022-04-19&Signature=SK7XhtRJMxcyQwNzYNkzGoohDQE%3D',
    );
    assert.equal(query.Name, "tom o'neil (x)*");
    assert.equal(
      rpcStringToSign('GET', query),
      'GET&%2F&AccessKeyId%3DLTAI_FAKE_ID_123%26Action%3DUpdateMessageContact%26ContactId%3Dc-abc%26Format%3DJSON%26MessageTypes.1%3DAccountExpenses%26MessageTypes.2%3DServiceMessage%26Name%3Dtom%2520o%2527neil%2520%2528x%2529%252A%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dbdc622d2f17b6ef344080e2e11e22c8c%26SignatureVersion%3D1.0%26Timestamp%3D2026-11-24T22%253A40%253A04Z%26Version%3D2022-04-19',
    );
    assert.equal(rpcSignature('GET', query, secret), 'SK7XhtRJMxcyQwNzYNkzGoohDQE=');
    assert.equal(rpcSignature('GET', query, secret), query.Signature);
  });

  test('pop-core POST: everything in the form body, signed with POST', () => {
    const body = decodeParams(
      'AccessKeyId=LTAI_FAKE_ID_123&Action=UpdateMessageContact&ContactId=c-abc&Format=JSON&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage&SignatureMethod=HMAC-SHA1&SignatureNonce=b0f2b18d9ec4477ac26a21edf1fab1e2&SignatureVersion=1.0&Timestamp=2026-11-24T22%3A40%3A04Z&Version=2022-04-19&Signature=GsX%2FygLHmbHPhYsfamTOTYp9pPE%3D',
    );
    assert.equal(body.Signature, 'GsX/ygLHmbHPhYsfamTOTYp9pPE=');
    assert.equal(rpcSignature('POST', body, secret), 'GsX/ygLHmbHPhYsfamTOTYp9pPE=');
  });

  test('openapi-client v2 path: parameters unsorted on the wire, lower-case Format=json', () => {
    const query = decodeParams(
      'Action=UpdateMessageContact&Format=json&Version=2022-04-19&Timestamp=2026-11-24T22%3A40%3A04Z&SignatureNonce=da9add7db0db93b659ad4c91a69b0b0d&ContactId=c-abc&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI_FAKE_ID_123&Signature=eiCg87ciGXDxqXg2lDA0SBFgdzE%3D',
    );
    assert.equal(rpcSignature('POST', query, secret), 'eiCg87ciGXDxqXg2lDA0SBFgdzE=');
  });

  const v3Headers = {
    host: '127.0.0.1:38569',
    'x-acs-action': 'UpdateMessageContact',
    'x-acs-content-sha256': emptyPayloadHash,
    'x-acs-credentials-provider': 'static_ak',
    'x-acs-date': '2026-11-24T22:40:04Z',
    'x-acs-version': '2022-04-19',
  };
  const v3Signed = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-credentials-provider', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];

  test("openapi-client ACS3: wire `Name=tom%20o%27neil%20(x)*`, canonical `Name=tom%20o%27neil%20%28x%29%2A`", () => {
    const query = decodeParams('ContactId=c-abc&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage&Name=tom%20o%27neil%20(x)*');
    assert.equal(query.Name, "tom o'neil (x)*");
    assert.equal(
      canonicalQueryString(query),
      'ContactId=c-abc&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage&Name=tom%20o%27neil%20%28x%29%2A',
    );
    const request: Acs3Request = {
      method: 'POST',
      query,
      headers: { ...v3Headers, 'x-acs-signature-nonce': '2adf13d2a99393fabb875752eef92aa6' },
      signedHeaders: v3Signed,
      payloadHash: emptyPayloadHash,
    };
    assert.equal(acs3Signature(request, secret), '3c28b87dc9ae15afa2e26f175fbb1e19f6a9790b0e6f3a85bd43ae82d63fb71a');
  });

  test('openapi-client ACS3 with a raw array: repeated keys verify as the "A,B" the client signed', () => {
    const query = decodeParams('ContactId=c-abc&MessageTypes=AccountExpenses&MessageTypes=ServiceMessage');
    assert.equal(canonicalQueryString(query), 'ContactId=c-abc&MessageTypes=AccountExpenses%2CServiceMessage');
    const request: Acs3Request = {
      method: 'POST',
      query,
      headers: { ...v3Headers, 'x-acs-signature-nonce': 'dce2f5f0f9ddb389646b7598330ff52c' },
      signedHeaders: v3Signed,
      payloadHash: emptyPayloadHash,
    };
    assert.equal(acs3Signature(request, secret), 'e7d5f66062f0a9cbfb6b0e94961654dad878c9b1551b6e8f0787ffc1ac92fc84');
  });

  test('openapi-client ACS3 with a form body: content-type signed, body hash in x-acs-content-sha256', () => {
    const body = 'ContactId=c-abc&MessageTypes.1=AccountExpenses&MessageTypes.2=ServiceMessage';
    const payloadHash = sha256Hex(body);
    assert.equal(payloadHash, 'ed466bf80551e36aff1c56aee34a4f5a3a5112432e43ee4710aac4652ecff9d8');
    const request: Acs3Request = {
      method: 'POST',
      query: {},
      headers: {
        ...v3Headers,
        'content-type': 'application/x-www-form-urlencoded',
        'x-acs-content-sha256': payloadHash,
        'x-acs-signature-nonce': '4447a7f8a26e9d7b895adf47742ad648',
      },
      signedHeaders: ['content-type', ...v3Signed],
      payloadHash,
    };
    assert.equal(acs3Signature(request, secret), 'be083913b06444b364acef536ff93fb2e3561c4992e69034b8fcc10964444e9d');
  });

  test('openapi-client ACS3 GET', () => {
    const request: Acs3Request = {
      method: 'GET',
      query: { ContactId: 'c-abc' },
      headers: { ...v3Headers, 'x-acs-action': 'GetMessageContact', 'x-acs-signature-nonce': '937c72870c5f1cdc9ce6d052dde4a054' },
      signedHeaders: v3Signed,
      payloadHash: emptyPayloadHash,
    };
    assert.equal(acs3Signature(request, secret), 'c77525f71194b186a4a3eb57bca2e01c7e7d9388e5a31ee10d7cd433d1f7d697');
  });
});

describe('percent-encoding (RFC 3986, UTF-8)', () => {
  test('only A-Z a-z 0-9 - _ . ~ stay as they are', () => {
    assert.equal(percentEncode('AZaz09-_.~'), 'AZaz09-_.~');
    assert.equal(percentEncode("!'()*"), '%21%27%28%29%2A');
    assert.equal(percentEncode(' +/=&@:,'), '%20%2B%2F%3D%26%40%3A%2C');
  });

  test('~ is never escaped, not even as %7E', () => {
    assert.equal(percentEncode('a~b'), 'a~b');
    assert.equal(canonicalQueryString({ Name: 'x~y' }), 'Name=x~y');
    assert.equal(canonicalizedParams({ Name: 'x~y' }), 'Name=x~y');
  });

  test('non-ASCII is encoded as its UTF-8 bytes, upper-case hex', () => {
    assert.equal(percentEncode('张三'), '%E5%BC%A0%E4%B8%89');
    assert.equal(percentEncode('é'), '%C3%A9');
    assert.equal(percentEncode('😀'), '%F0%9F%98%80');
    assert.equal(canonicalQueryString({ Name: '张三~' }), 'Name=%E5%BC%A0%E4%B8%89~');
  });

  test('a non-ASCII value signs over its decoded form, whichever way the wire encoded it', () => {
    const fromPercent = decodeParams('Name=%E5%BC%A0%E4%B8%89');
    const fromPlus = decodeParams('Name=%E5%BC%A0+%E4%B8%89');
    assert.equal(fromPercent.Name, '张三');
    assert.equal(fromPlus.Name, '张 三');
    assert.equal(canonicalizedParams(fromPlus), 'Name=%E5%BC%A0%20%E4%B8%89');
  });

  test('keys sort in UTF-16 code-unit order (upper case before lower case)', () => {
    assert.equal(canonicalQueryString({ b: '1', B: '2', a: '3', 'A.10': '4', 'A.2': '5' }), 'A.10=4&A.2=5&B=2&a=3&b=1');
  });
});

describe('parseAcs3Authorization', () => {
  const good =
    'ACS3-HMAC-SHA256 Credential=LTAI_FAKE_ID_123,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=ce9a4891cce71798faf3f99ae09b336cb2cc5348cd247c5659f5ce6ce6a25684';

  test('a complete header', () => {
    assert.deepEqual(parseAcs3Authorization(good), {
      accessKeyId: 'LTAI_FAKE_ID_123',
      signedHeaders: v3SignedHeaders,
      signature: 'ce9a4891cce71798faf3f99ae09b336cb2cc5348cd247c5659f5ce6ce6a25684',
    });
  });

  test('spaces after commas and upper-case header names are tolerated', () => {
    const parsed = parseAcs3Authorization(
      'ACS3-HMAC-SHA256 Credential=id, SignedHeaders=Host;X-Acs-Date, Signature=abc',
    );
    assert.deepEqual(parsed, { accessKeyId: 'id', signedHeaders: ['host', 'x-acs-date'], signature: 'abc' });
  });

  test('a header missing a piece is incomplete', () => {
    const pieces = {
      Credential: 'Credential=id',
      SignedHeaders: 'SignedHeaders=host;x-acs-date',
      Signature: 'Signature=abc',
    };
    for (const missing of Object.keys(pieces) as (keyof typeof pieces)[]) {
      const rest = Object.entries(pieces)
        .filter(([name]) => name !== missing)
        .map(([, part]) => part)
        .join(',');
      assert.equal(parseAcs3Authorization(`ACS3-HMAC-SHA256 ${rest}`), undefined, `without ${missing}`);
    }
  });

  test('empty pieces and garbage are incomplete', () => {
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature='), undefined);
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=abc'), undefined);
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SHA256'), undefined);
    assert.equal(parseAcs3Authorization('ACS3-HMAC-SHA256 ,,,==,'), undefined);
  });
});
