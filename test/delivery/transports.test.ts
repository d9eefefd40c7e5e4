/**
 * The three real transports against real servers on 127.0.0.1: an SMTP server (smtp-server), a
 * webhook receiver, and an Alibaba Cloud SMS endpoint that checks signatures with rdcontacts' own
 * verifier. What each sends, and which failures are worth another attempt.
 */
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { describe, test } from 'node:test';
import { DeliveryError, type OutgoingEmail, type OutgoingSms } from '../../src/delivery/transport.js';
import { createAliyunSmsTransport } from '../../src/delivery/transports/aliyun.js';
import { type SmtpSettings, createSmtpTransport } from '../../src/delivery/transports/smtp.js';
import { createWebhookSmsTransport } from '../../src/delivery/transports/webhook.js';
import { freePort } from '../support/ports.js';
import { startAliyunSmsEndpoint, startWebhookReceiver } from '../support/sms-endpoints.js';
import { type SmtpSinkOptions, startSmtpSink, testCaFile } from '../support/smtp-sink.js';

/** The DeliveryError a send rejects with. */
async function failure(sending: Promise<unknown>): Promise<DeliveryError> {
  try {
    await sending;
  } catch (error) {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected the send to fail');
}

const email = (deliveryId = 'd-1'): OutgoingEmail => ({
  deliveryId,
  to: 'tom@example.com',
  subject: 'Vérifiez votre adresse',
  text: 'Hello Tom,\n\nopen https://rd.example.com/verify/abc to confirm.\n',
  html: '<p>Hello Tom,</p><p><a href="https://rd.example.com/verify/abc">Confirm</a></p>',
});

describe('SMTP transport', () => {
  const smtpSettings = (port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings => ({
    host: '127.0.0.1',
    port,
    security: 'none',
    from: 'noreply@example.com',
    fromName: 'rdcontacts',
    timeoutMs: 5_000,
    ...extra,
  });

  async function withSink(options: SmtpSinkOptions, run: (sink: Awaited<ReturnType<typeof startSmtpSink>>) => Promise<void>) {
    const sink = await startSmtpSink(options);
    try {
      await run(sink);
    } finally {
      await sink.close();
    }
  }

  test('plain: sends From with the name, To, Subject, a text and an HTML part and a stable Message-ID', () =>
    withSink({}, async (sink) => {
      const transport = createSmtpTransport(smtpSettings(sink.port));
      assert.equal(transport.name, 'smtp');
      const accepted = await transport.send(email('d-1'));
      assert.deepEqual(accepted, { providerId: '<d-1@rdcontacts>' });
      const [mail] = await sink.waitFor(1);
      assert.equal(mail!.from, '"rdcontacts" <noreply@example.com>');
      assert.deepEqual(mail!.to, ['tom@example.com']);
      assert.deepEqual(mail!.envelope, { from: 'noreply@example.com', to: ['tom@example.com'] });
      assert.equal(mail!.subject, 'Vérifiez votre adresse');
      assert.equal(mail!.text.trim(), email().text.trim());
      assert.equal(mail!.html.trim(), email().html);
      assert.equal(mail!.messageId, '<d-1@rdcontacts>');
      assert.equal((mail!.headers.get('content-type') as { value: string }).value, 'multipart/alternative');
      assert.equal(mail!.secure, false);

      // A second attempt of the same delivery carries the same Message-ID: the receiver can tell.
      await transport.send(email('d-1'));
      const [, again] = await sink.waitFor(2);
      assert.equal(again!.messageId, '<d-1@rdcontacts>');
      await transport.close();
    }));

  test('implicit TLS with the relay CA from caFile', () =>
    withSink({ secure: true }, async (sink) => {
      const transport = createSmtpTransport(smtpSettings(sink.port, { security: 'tls', caFile: testCaFile }));
      await transport.send(email());
      const [mail] = await sink.waitFor(1);
      assert.equal(mail!.secure, true);
      assert.equal(mail!.messageId, '<d-1@rdcontacts>');
    }));

  test('STARTTLS with the relay CA from caFile', () =>
    withSink({ starttls: true }, async (sink) => {
      const transport = createSmtpTransport(smtpSettings(sink.port, { security: 'starttls', caFile: testCaFile }));
      await transport.send(email());
      const [mail] = await sink.waitFor(1);
      assert.equal(mail!.secure, true);
    }));

  test('an untrusted certificate fails (implicit TLS and STARTTLS), and nothing is sent', () =>
    withSink({ secure: true }, async (tlsSink) =>
      withSink({ starttls: true }, async (starttlsSink) => {
        for (const [sink, security] of [[tlsSink, 'tls'], [starttlsSink, 'starttls']] as const) {
          const error = await failure(createSmtpTransport(smtpSettings(sink.port, { security })).send(email()));
          assert.match(error.message, /certificate|TLS/i, error.message);
          assert.equal(error.temporary, true, 'a relay whose certificate is fixed later should get the message');
          assert.equal(sink.attempts, 0);
        }
      }),
    ));

  test('starttls never falls back to plain when the server offers no STARTTLS', () =>
    withSink({}, async (sink) => {
      const error = await failure(createSmtpTransport(smtpSettings(sink.port, { security: 'starttls', caFile: testCaFile })).send(email()));
      assert.equal(sink.attempts, 0, error.message);
      assert.match(error.message, /refused STARTTLS/);
      assert.equal(error.temporary, true, 'fixed on the relay, the message still goes');
    }));

  test('AUTH: accepted with the right credentials, permanent failure with wrong ones, never the password', () =>
    withSink({ starttls: true, auth: { user: 'relay-user', password: 'right-Secret-1' } }, async (sink) => {
      const right = createSmtpTransport(
        smtpSettings(sink.port, { security: 'starttls', caFile: testCaFile, user: 'relay-user', password: 'right-Secret-1' }),
      );
      await right.send(email());
      const [mail] = await sink.waitFor(1);
      assert.equal(mail!.user, 'relay-user');

      const wrong = createSmtpTransport(
        smtpSettings(sink.port, { security: 'starttls', caFile: testCaFile, user: 'relay-user', password: 'wrong-Secret-2' }),
      );
      const error = await failure(wrong.send(email('d-2')));
      assert.equal(error.temporary, false);
      assert.match(error.message, /authentication failed.*535/i);
      assert.ok(!error.message.includes('wrong-Secret-2'), error.message);
      assert.ok(!error.message.includes(Buffer.from('wrong-Secret-2').toString('base64')), error.message);
      assert.ok(!String(error.stack).includes('wrong-Secret-2'));
      assert.equal(sink.attempts, 1);
    }));

  test('no credentials for a relay that requires them: permanent', () =>
    withSink({ auth: { user: 'relay-user', password: 'pw' } }, async (sink) => {
      const error = await failure(createSmtpTransport(smtpSettings(sink.port)).send(email()));
      assert.equal(error.temporary, false, error.message);
      assert.match(error.message, /^SMTP 530/);
    }));

  test('a 4xx reply is temporary, then normal service resumes', () =>
    withSink({}, async (sink) => {
      const transport = createSmtpTransport(smtpSettings(sink.port));
      sink.failNext(1, 451, '4.3.0 try later');
      const error = await failure(transport.send(email()));
      assert.equal(error.temporary, true);
      assert.equal(error.message, 'SMTP 451 4.3.0 try later');
      await transport.send(email());
      await sink.waitFor(1);
      assert.equal(sink.attempts, 2);
    }));

  test('a 5xx reply is permanent', () =>
    withSink({}, async (sink) => {
      sink.failNext(1, 550, '5.7.1 message refused');
      const error = await failure(createSmtpTransport(smtpSettings(sink.port)).send(email()));
      assert.equal(error.temporary, false);
      assert.equal(error.message, 'SMTP 550 5.7.1 message refused');
      assert.equal(sink.received.length, 0);
    }));

  test('server down (connection refused) is temporary; back up, it works again', () =>
    withSink({}, async (sink) => {
      const transport = createSmtpTransport(smtpSettings(sink.port));
      await sink.stop();
      const error = await failure(transport.send(email()));
      assert.equal(error.temporary, true);
      assert.equal(error.message, `connection refused 127.0.0.1:${sink.port}`);
      await sink.start();
      await transport.send(email());
      await sink.waitFor(1);
    }));

  test('a server slower than timeoutMs is temporary', () =>
    withSink({}, async (sink) => {
      sink.setDelay(5_000);
      const started = Date.now();
      const error = await failure(createSmtpTransport(smtpSettings(sink.port, { timeoutMs: 300 })).send(email()));
      assert.equal(error.temporary, true);
      assert.match(error.message, /300 ms/);
      assert.ok(Date.now() - started < 3_000, 'gave up in time');
    }));

  test('a server that never greets is temporary', async () => {
    const silent = createTcpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const error = await failure(createSmtpTransport(smtpSettings(port, { timeoutMs: 300 })).send(email()));
      assert.equal(error.temporary, true);
      assert.match(error.message, /timeout after 300 ms/i);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('a CA file that cannot be read is an error when the transport is created', () => {
    assert.throws(() => createSmtpTransport(smtpSettings(25, { security: 'tls', caFile: '/nonexistent/ca.pem' })), /ENOENT/);
  });
});

const sms = (phoneNumber = '86-13800138000', deliveryId = 's-1'): OutgoingSms => ({
  deliveryId,
  purpose: 'verification',
  phoneNumber,
  text: '[rdcontacts] Tom, confirm this number: https://rd.example.com/verify/abc',
  templateParams: { name: 'Tom', link: 'https://rd.example.com/verify/abc' },
});

describe('webhook SMS transport', () => {
  const secret = 'whsec-test-1';

  test('POSTs the signed JSON body with the number in E.164', async () => {
    const receiver = await startWebhookReceiver({ secret });
    try {
      const transport = createWebhookSmsTransport({ url: receiver.url, secret, timeoutMs: 5_000 });
      assert.equal(transport.name, 'webhook');
      const before = Date.now();
      const accepted = await transport.send(sms('86-13800138000', 's-1'));
      assert.deepEqual(accepted, { providerId: 'wh-1' });
      const [request] = await receiver.waitFor(1);
      assert.equal(request!.signatureValid, true);
      assert.equal(request!.headers['content-type'], 'application/json');
      assert.match(String(request!.headers['x-rdcontacts-signature']), /^sha256=[0-9a-f]{64}$/);
      assert.deepEqual(Object.keys(request!.body), ['deliveryId', 'to', 'text', 'sentAt']);
      assert.equal(request!.body.deliveryId, 's-1');
      assert.equal(request!.body.to, '+8613800138000');
      assert.equal(request!.body.text, sms().text);
      assert.match(request!.body.sentAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.ok(Date.parse(request!.body.sentAt) >= before - 1000);

      await transport.send(sms('852-91234567', 's-2'));
      const [, second] = await receiver.waitFor(2);
      assert.equal(second!.body.to, '+85291234567');
    } finally {
      await receiver.close();
    }
  });

  test('a receiver with another secret sees an invalid signature', async () => {
    const receiver = await startWebhookReceiver({ secret: 'another-secret' });
    try {
      await createWebhookSmsTransport({ url: receiver.url, secret, timeoutMs: 5_000 }).send(sms());
      const [request] = await receiver.waitFor(1);
      assert.equal(request!.signatureValid, false);
    } finally {
      await receiver.close();
    }
  });

  test('500, 429 and 408 are temporary; 400 and 404 are permanent', async () => {
    const receiver = await startWebhookReceiver({ secret });
    try {
      const transport = createWebhookSmsTransport({ url: receiver.url, secret, timeoutMs: 5_000 });
      for (const [status, temporary] of [[500, true], [503, true], [429, true], [408, true], [400, false], [404, false]] as const) {
        receiver.respondNext(1, status);
        const error = await failure(transport.send(sms()));
        assert.equal(error.temporary, temporary, `${status}: ${error.message}`);
        assert.match(error.message, new RegExp(`HTTP ${status}`));
        assert.ok(!error.message.includes(secret));
      }
      assert.deepEqual(await transport.send(sms()), { providerId: 'wh-7' });
    } finally {
      await receiver.close();
    }
  });

  test('unreachable is temporary', async () => {
    const port = await freePort();
    const error = await failure(
      createWebhookSmsTransport({ url: `http://127.0.0.1:${port}/sms?token=hidden`, secret, timeoutMs: 5_000 }).send(sms()),
    );
    assert.equal(error.temporary, true);
    assert.equal(error.message, `connection refused 127.0.0.1:${port}`);
  });

  test('a receiver slower than timeoutMs is temporary', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const error = await failure(createWebhookSmsTransport({ url: `http://127.0.0.1:${port}/`, secret, timeoutMs: 300 }).send(sms()));
      assert.equal(error.temporary, true);
      assert.match(error.message, /timed out after 300 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('aliyun SMS transport', () => {
  const key = { accessKeyId: 'LTAI5tTestSmsKey', accessKeySecret: 'sms-secret-Abc123' };
  const aliyunSettings = (endpoint: string, extra: Partial<{ accessKeySecret: string; timeoutMs: number }> = {}) => ({
    ...key,
    signName: 'rdcontacts',
    templateCode: 'SMS_123456789',
    endpoint,
    timeoutMs: 5_000,
    ...extra,
  });

  test('SendSms, signed (ACS3) and verified, with every parameter', async () => {
    const endpoint = await startAliyunSmsEndpoint(key);
    try {
      const transport = createAliyunSmsTransport(aliyunSettings(endpoint.endpoint));
      assert.equal(transport.name, 'aliyun');
      const accepted = await transport.send(sms('86-13800138000', 's-1'));
      const [request] = await endpoint.waitFor(1);
      assert.equal(request!.signatureValid, true);
      assert.equal(request!.action, 'SendSms');
      assert.equal(request!.version, '2017-05-25');
      assert.equal(request!.params.PhoneNumbers, '13800138000');
      assert.equal(request!.params.SignName, 'rdcontacts');
      assert.equal(request!.params.TemplateCode, 'SMS_123456789');
      assert.deepEqual(JSON.parse(request!.params.TemplateParam!), sms().templateParams);
      assert.equal(request!.params.OutId, 's-1');
      assert.match(accepted.providerId ?? '', /^\d+\^0$/);
    } finally {
      await endpoint.close();
    }
  });

  test('PhoneNumbers: country code and number for codes other than 86', async () => {
    const endpoint = await startAliyunSmsEndpoint(key);
    try {
      await createAliyunSmsTransport(aliyunSettings(endpoint.endpoint)).send(sms('852-91234567'));
      const [request] = await endpoint.waitFor(1);
      assert.equal(request!.signatureValid, true);
      assert.equal(request!.params.PhoneNumbers, '85291234567');
    } finally {
      await endpoint.close();
    }
  });

  test('error codes: flow control and provider faults are temporary, the rest permanent', async () => {
    const endpoint = await startAliyunSmsEndpoint(key);
    try {
      const transport = createAliyunSmsTransport(aliyunSettings(endpoint.endpoint));
      const cases: [{ status?: number; code?: string }, boolean][] = [
        [{ code: 'isv.MOBILE_NUMBER_ILLEGAL' }, false],
        [{ code: 'isv.SMS_TEMPLATE_ILLEGAL' }, false],
        [{ code: 'isv.AMOUNT_NOT_ENOUGH' }, false],
        [{ code: 'isv.SMS_SIGNATURE_ILLEGAL' }, false],
        [{ code: 'isp.RAM_PERMISSION_DENY' }, false],
        [{ code: 'isv.BUSINESS_LIMIT_CONTROL' }, true],
        [{ code: 'isv.DAY_LIMIT_CONTROL' }, true],
        [{ code: 'isp.SYSTEM_ERROR' }, true],
        [{ status: 400, code: 'Throttling.User' }, true],
        [{ status: 400, code: 'InvalidParameter' }, false],
        [{ status: 500 }, true],
        [{ status: 503, code: 'ServiceUnavailable' }, true],
      ];
      for (const [answer, temporary] of cases) {
        endpoint.answerNext(1, answer);
        const error = await failure(transport.send(sms()));
        assert.equal(error.temporary, temporary, `${JSON.stringify(answer)}: ${error.message}`);
        assert.ok(error.message.includes(answer.code ?? 'InternalError'), error.message);
        if (answer.status) assert.ok(error.message.includes(`HTTP ${answer.status}`), error.message);
      }
      assert.ok(endpoint.received.every((request) => request.signatureValid));
      await transport.send(sms());
    } finally {
      await endpoint.close();
    }
  });

  test('a wrong AccessKey secret: refused by the signature check, permanent, secret not in the message', async () => {
    const endpoint = await startAliyunSmsEndpoint(key);
    try {
      const transport = createAliyunSmsTransport(aliyunSettings(endpoint.endpoint, { accessKeySecret: 'not-the-Secret-9' }));
      const error = await failure(transport.send(sms()));
      assert.equal(error.temporary, false);
      assert.equal(error.message.split(':')[0], 'aliyun HTTP 400 SignatureDoesNotMatch');
      assert.ok(!error.message.includes('not-the-Secret-9'));
      const [request] = await endpoint.waitFor(1);
      assert.equal(request!.signatureValid, false);
    } finally {
      await endpoint.close();
    }
  });

  test('unreachable is temporary', async () => {
    const port = await freePort();
    const error = await failure(createAliyunSmsTransport(aliyunSettings(`http://127.0.0.1:${port}`)).send(sms()));
    assert.equal(error.temporary, true);
    assert.equal(error.message, `connection refused 127.0.0.1:${port}`);
  });

  test('an endpoint slower than timeoutMs is temporary', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const transport = createAliyunSmsTransport(aliyunSettings(`http://127.0.0.1:${port}`, { timeoutMs: 300 }));
      const error = await failure(transport.send(sms()));
      assert.equal(error.temporary, true);
      assert.match(error.message, /timed out after 300 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('the endpoint setting: a host means HTTPS, a URL keeps its scheme and port, anything else is refused', () => {
    assert.doesNotThrow(() => createAliyunSmsTransport(aliyunSettings('dysmsapi.aliyuncs.com')));
    assert.doesNotThrow(() => createAliyunSmsTransport(aliyunSettings('https://dysmsapi.aliyuncs.com')));
    assert.throws(() => createAliyunSmsTransport(aliyunSettings('http://127.0.0.1:1/path')), /without a path/);
    assert.throws(() => createAliyunSmsTransport(aliyunSettings('ftp://example.com')), /http\(s\) URL/);
  });
});
