/**
 * The confirmation page speaks the browser's language: every page of /verify/<token> is in the
 * language negotiated from Accept-Language, the server's configured language when the browser
 * names none of ours. Real server, real HTTP on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Language } from '../src/delivery/language.js';
import { type ApiClient, apiClient } from './support/clients.js';
import { startServer, type TestServer } from './support/server.js';
import { newestLink } from './support/verification-links.js';

interface Page {
  status: number;
  html: string;
  headers: Headers;
}

async function get(url: string, acceptLanguage?: string): Promise<Page> {
  const response = await fetch(url, acceptLanguage === undefined ? {} : { headers: { 'accept-language': acceptLanguage } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

async function post(url: string, acceptLanguage?: string): Promise<Page> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage }) },
    body: '',
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** A GET with no Accept-Language header at all (fetch always sends one, `*` by default). */
function getWithoutHeader(url: string): Promise<{ status: number; html: string; contentLanguage: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: {} }, (res) => {
      let html = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (html += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, html, contentLanguage: res.headers['content-language'] }));
    });
    req.on('error', reject);
    assert.equal(req.getHeader('accept-language'), undefined);
    req.end();
  });
}

function assertLanguage(page: Page, lang: Language) {
  assert.ok(page.html.includes(`<html lang="${lang}">`), `lang="${lang}" in ${page.html.slice(0, 200)}`);
  assert.equal(page.headers.get('content-language'), lang);
  assert.match(page.headers.get('vary') ?? '', /accept-language/i);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('cache-control'), 'no-store');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  assert.equal(page.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
}

const chineseButton = /<form method="post"[^>]*>\s*<button type="submit">确认<\/button>/;
const englishButton = /<form method="post"[^>]*>\s*<button type="submit">Confirm<\/button>/;

function names() {
  let count = 0;
  return () => {
    count += 1;
    const letters = `${String.fromCharCode(97 + (count % 26))}${String.fromCharCode(97 + Math.floor(count / 26))}`;
    return { name: `lang${letters}`, email: `lang${count}@example.com` };
  };
}

async function sendLink(server: TestServer, client: ApiClient, contact: { name: string; email: string }): Promise<{ id: string; link: string }> {
  const body = await client.call('AddMessageContact', {
    Name: contact.name,
    EmailAddress: contact.email,
    Title: 'Other',
    MessageTypes: ['SecurityMessage'],
  });
  const id = body.Contact.ContactId as string;
  await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: contact.email });
  return { id, link: await newestLink(server, contact.email) };
}

describe('verification pages in the browser language', () => {
  let server: TestServer;
  let client: ApiClient;
  const unique = names();
  const status = async (id: string) => (await client.call('GetMessageContact', { ContactId: id })).Contact.Status;

  before(async () => {
    server = await startServer({ config: { maxContactsPerDirectory: 1000 } });
    client = apiClient('openapi-v3', server.endpoint, server.credentials);
  });
  after(() => server.close());

  test('GET with zh-CN shows the Chinese page, en-GB the English one; neither confirms', async () => {
    const contact = unique();
    const { id, link } = await sendLink(server, client, contact);

    const zh = await get(link, 'zh-CN,zh;q=0.9');
    assert.equal(zh.status, 200);
    assertLanguage(zh, 'zh-CN');
    assert.match(zh.html, chineseButton);
    assert.match(zh.html, /<title>确认联系方式 · rdcontacts<\/title>/);
    assert.ok(zh.html.includes(contact.name) && zh.html.includes(contact.email));
    assert.match(zh.html, /邮箱地址/);

    const en = await get(link, 'en-GB');
    assert.equal(en.status, 200);
    assertLanguage(en, 'en-US');
    assert.match(en.html, englishButton);
    assert.match(en.html, /Confirm the email address/);
    assert.doesNotMatch(en.html, /\p{Script=Han}/u);

    const weighted = await get(link, 'fr-FR, en;q=0.4, zh-TW;q=0.6');
    assertLanguage(weighted, 'zh-CN');

    assert.equal(await status(id), 'Verifying', 'GET never confirms, whatever the language');
  });

  test('without a header of ours, the server default', async () => {
    const { link } = await sendLink(server, client, unique());
    const defaultLanguage = server.config.language;
    const none = await getWithoutHeader(link);
    assert.equal(none.status, 200);
    assert.equal(none.contentLanguage, defaultLanguage);
    assert.ok(none.html.includes(`<html lang="${defaultLanguage}">`));
    for (const header of ['*', 'fr-FR, de;q=0.5', 'garbage;q=x', '']) {
      const page = await get(link, header);
      assert.equal(page.status, 200);
      assertLanguage(page, defaultLanguage);
    }
  });

  test('POST confirms and answers in the negotiated language', async () => {
    const first = unique();
    const a = await sendLink(server, client, first);
    const zh = await post(a.link, 'zh-CN,zh;q=0.9,en;q=0.8');
    assert.equal(zh.status, 200);
    assertLanguage(zh, 'zh-CN');
    assert.match(zh.html, /验证成功/);
    assert.match(zh.html, /已验证通过/);
    assert.ok(zh.html.includes(first.name) && zh.html.includes(first.email));
    assert.equal(await status(a.id), 'Active');

    const usedZh = await post(a.link, 'zh');
    assert.equal(usedZh.status, 410);
    assertLanguage(usedZh, 'zh-CN');
    assert.match(usedZh.html, /已被使用/);
    const usedEn = await get(a.link, 'en-US');
    assert.equal(usedEn.status, 410);
    assertLanguage(usedEn, 'en-US');
    assert.match(usedEn.html, /already been used/);

    const second = unique();
    const b = await sendLink(server, client, second);
    const en = await post(b.link, 'en-GB,en;q=0.9');
    assert.equal(en.status, 200);
    assertLanguage(en, 'en-US');
    assert.match(en.html, /is verified/);
    assert.equal(await status(b.id), 'Active');
  });

  test('a superseded link explains itself in the negotiated language', async () => {
    const contact = unique();
    const { id, link } = await sendLink(server, client, contact);
    await client.call('SendEmailVerificationForMessageContact', { ContactId: id, EmailAddress: contact.email });
    const zh = await get(link, 'zh-Hans');
    assert.equal(zh.status, 410);
    assertLanguage(zh, 'zh-CN');
    assert.match(zh.html, /最新消息中的链接/);
    const en = await post(link, 'en');
    assert.equal(en.status, 410);
    assertLanguage(en, 'en-US');
    assert.match(en.html, /newest message/);
  });

  test('an unknown token page is in the negotiated language too', async () => {
    const unknown = `${server.baseUrl}/verify/${'x'.repeat(43)}`;
    const zh = await get(unknown, 'zh-CN,zh;q=0.9');
    assert.equal(zh.status, 404);
    assertLanguage(zh, 'zh-CN');
    assert.match(zh.html, /链接无效/);
    const en = await get(unknown, 'en-GB');
    assert.equal(en.status, 404);
    assertLanguage(en, 'en-US');
    assert.match(en.html, /Link not found/);
    const posted = await post(`${server.baseUrl}/verify/short`, 'zh');
    assert.equal(posted.status, 404);
    assertLanguage(posted, 'zh-CN');
    assert.match(posted.html, /链接无效/);
  });
});

describe('verification pages on a server whose language is zh-CN', () => {
  let server: TestServer;
  let client: ApiClient;
  const unique = names();

  before(async () => {
    server = await startServer({ config: { language: 'zh-CN' } });
    client = apiClient('openapi-v3', server.endpoint, server.credentials);
  });
  after(() => server.close());

  test('no header, or none of ours: Chinese; English when asked for', async () => {
    const { link } = await sendLink(server, client, unique());
    const none = await getWithoutHeader(link);
    assert.equal(none.contentLanguage, 'zh-CN');
    assert.match(none.html, chineseButton);
    assertLanguage(await get(link), 'zh-CN');
    assertLanguage(await get(link, 'fr-FR'), 'zh-CN');
    const en = await get(link, 'en-GB,en;q=0.9');
    assertLanguage(en, 'en-US');
    assert.match(en.html, englishButton);
    const unknown = await get(`${server.baseUrl}/verify/nothing`);
    assert.equal(unknown.status, 404);
    assertLanguage(unknown, 'zh-CN');
    assert.match(unknown.html, /链接无效/);
  });
});
