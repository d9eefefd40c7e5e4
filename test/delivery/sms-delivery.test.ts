/**
 * Real SMS delivery through the service: a phone verification goes out through the webhook
 * transport (to a receiver that checks the signature) and through the aliyun transport (to a local
 * Dysmsapi endpoint that checks the Alibaba Cloud signature); the text is short, carries the link,
 * and the link verifies the number. A 5xx is retried, a 4xx fails at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Config, resolveConfig } from '../../src/config.js';
import { type ApiClient, type Body, apiClient } from '../support/clients.js';
import { startServer, type TestServer } from '../support/server.js';
import { type AliyunSmsEndpoint, type WebhookReceiver, startAliyunSmsEndpoint, startWebhookReceiver } from '../support/sms-endpoints.js';
import { confirmLink } from '../support/verification-links.js';
import { until } from '../support/until.js';

const fastRetries = { retryBaseMs: 20, retryMaxMs: 100, attempts: 3 };

/** A server whose SMS go through `sms`, and what the tests do with it. */
function harness() {
  const state = {} as { server: TestServer; client: ApiClient };
  let names = 0;
  const nextName = () => `sms${String.fromCharCode(97 + names++)}`;
  const start = async (sms: Config['delivery']['sms']) => {
    state.server = await startServer({ config: { delivery: { ...resolveConfig({}, {}).delivery, sms, ...fastRetries } } });
    state.client = apiClient('openapi-v3', state.server.endpoint, state.server.credentials);
  };
  /** A contact with a new phone number, and its verification sent. */
  const verifyPhone = async (phone: string) => {
    const contactId = (
      await state.client.call('AddMessageContact', {
        Name: nextName(),
        EmailAddress: 'sms@example.com',
        PhoneNumber: phone,
        Title: 'Other',
        MessageTypes: ['FaultMessage'],
      })
    ).Contact.ContactId as string;
    await state.client.call('SendPhoneVerificationForMessageContact', { ContactId: contactId, PhoneNumber: phone });
    return contactId;
  };
  const delivery = (contactId: string, status: string) =>
    until(`SMS to ${contactId} ${status}`, async () => {
      const deliveries = (await state.client.call('ListMessageDeliveries', { ContactId: contactId })).Deliveries as Body[];
      return deliveries.find((d) => d.Channel === 'SMS' && d.Status === status);
    });
  return { state, start, verifyPhone, delivery };
}

describe('SMS through the webhook transport', () => {
  const secret = 'webhook-secret-for-tests';
  let receiver: WebhookReceiver;
  const h = harness();

  before(async () => {
    receiver = await startWebhookReceiver({ secret });
    await h.start({ transport: 'webhook', webhook: { url: receiver.url, secret, timeoutMs: 5000 } });
  });
  after(async () => {
    await h.state.server.close();
    await receiver.close();
  });

  test('the verification SMS is signed, short, carries the link, and the link verifies the number', async () => {
    const contactId = await h.verifyPhone('86-13800138001');
    const sent = await h.delivery(contactId, 'Sent');
    assert.equal(sent.Transport, 'webhook');
    const request = receiver.received.find((r) => r.body?.deliveryId === sent.DeliveryId)!;
    assert.ok(request, 'the receiver got it');
    assert.equal(request.signatureValid, true);
    assert.equal(request.body.to, '+8613800138001');
    assert.ok([...request.body.text].length <= 160, `one SMS: ${request.body.text}`);
    const link = /https?:\/\/\S+\/verify\/\S+/.exec(request.body.text)?.[0];
    assert.ok(link, 'the text carries the link');
    assert.equal((await confirmLink(link)).status, 200);
    const contact = (await h.state.client.call('GetMessageContact', { ContactId: contactId })).Contact;
    assert.equal(contact.PhoneNumber, '86-13800138001');
  });

  test('a 503 is retried; a 400 fails at once', async () => {
    receiver.respondNext(1, 503);
    const retried = await h.verifyPhone('86-13800138002');
    assert.equal((await h.delivery(retried, 'Sent')).Attempts, 2);

    receiver.respondNext(1, 400);
    const refused = await h.verifyPhone('86-13800138003');
    const failed = await h.delivery(refused, 'Failed');
    assert.equal(failed.Attempts, 1);
    assert.match(failed.LastError, /400/);
  });
});

describe('SMS through the aliyun transport (Dysmsapi SendSms)', () => {
  const key = { accessKeyId: 'LTAIsmsTestKey0001', accessKeySecret: 'sms-test-secret-0001' };
  let endpoint: AliyunSmsEndpoint;
  const h = harness();

  before(async () => {
    endpoint = await startAliyunSmsEndpoint(key);
    await h.start({
      transport: 'aliyun',
      aliyun: {
        ...key,
        signName: 'rdcontacts',
        templateCode: 'SMS_000000001',
        templateCodes: { verification: 'SMS_000000002' },
        endpoint: endpoint.endpoint,
        timeoutMs: 5000,
      },
    });
  });
  after(async () => {
    await h.state.server.close();
    await endpoint.close();
  });

  test('SendSms arrives signed, with the number in Alibaba’s form and the link as a template value', async () => {
    const contactId = await h.verifyPhone('86-13800138004');
    const sent = await h.delivery(contactId, 'Sent');
    assert.equal(sent.Transport, 'aliyun');
    const request = endpoint.received.find((r) => r.params.OutId === sent.DeliveryId)!;
    assert.ok(request, 'the endpoint got it');
    assert.equal(request.signatureValid, true);
    assert.equal(request.action, 'SendSms');
    assert.equal(request.version, '2017-05-25');
    assert.equal(request.params.PhoneNumbers, '13800138004');
    assert.equal(request.params.SignName, 'rdcontacts');
    // The template configured for verification messages, not the default one.
    assert.equal(request.params.TemplateCode, 'SMS_000000002');
    const values = JSON.parse(request.params.TemplateParam!) as Record<string, string>;
    assert.match(values.link!, /\/verify\//);
    assert.equal((await confirmLink(values.link!)).status, 200);
  });

  test('a message kind without a template of its own uses the default template code', async () => {
    const contactId = await h.verifyPhone('86-13800138007');
    const sent = await h.delivery(contactId, 'Sent');
    const verification = endpoint.received.find((r) => r.params.OutId === sent.DeliveryId)!;
    assert.equal((await confirmLink((JSON.parse(verification.params.TemplateParam!) as { link: string }).link)).status, 200);

    const answer = await h.state.client.call('SendTestMessage', { ContactId: contactId });
    const testDelivery = (answer.Deliveries as Body[]).find((d) => d.Channel === 'SMS')!;
    const request = await until('the test SMS at the endpoint', async () => endpoint.received.find((r) => r.params.OutId === testDelivery.DeliveryId));
    assert.equal(request.params.TemplateCode, 'SMS_000000001');
  });

  test('a throttled send is retried; an illegal number fails at once', async () => {
    endpoint.answerNext(1, { code: 'isv.BUSINESS_LIMIT_CONTROL' });
    const retried = await h.verifyPhone('86-13800138005');
    assert.equal((await h.delivery(retried, 'Sent')).Attempts, 2);

    endpoint.answerNext(1, { code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    const refused = await h.verifyPhone('86-13800138006');
    const failed = await h.delivery(refused, 'Failed');
    assert.equal(failed.Attempts, 1);
    assert.match(failed.LastError, /MOBILE_NUMBER_ILLEGAL/);
  });
});
