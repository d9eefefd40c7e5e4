/**
 * The texts rdcontacts sends, in both languages: each carries what its reader needs, user values
 * are escaped in HTML and verbatim in text, SMS stay short; and the choice of a language for an
 * Accept-Language header.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLanguage, type Language, languages, negotiateLanguage } from '../../src/delivery/language.js';
import {
  type EmailContent,
  messageTypeLabel,
  notificationEmail,
  notificationSms,
  testEmail,
  testSms,
  verificationEmail,
  verificationSms,
} from '../../src/delivery/templates.js';

const link = 'https://contacts.example.com/verify/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
const hostile = '<script>alert("x")</script>&';
const hostileEscaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;';
const han = /\p{Script=Han}/u;

/** The checks every email passes: a subject, a text part, a self-contained HTML document in its language. */
function assertWellFormedEmail(lang: Language, mail: EmailContent) {
  assert.ok(mail.subject.length > 0 && !mail.subject.includes('\n'));
  assert.ok(mail.text.trim().length > 0);
  assert.match(mail.html, /^<!doctype html>/);
  assert.ok(mail.html.includes(`<html lang="${lang}">`));
  assert.doesNotMatch(mail.html, /<script|<link|<img|<iframe|src=|url\(|@import|javascript:/i, 'no scripts and no external resources');
  assert.doesNotMatch(mail.html, /class=/, 'inline styles only');
  assert.ok(!mail.text.includes('<'), 'the text part has no markup');
  if (lang === 'zh-CN') assert.match(mail.text, han);
  else assert.doesNotMatch(mail.text + mail.html + mail.subject, han);
}

/** Text content of the HTML, roughly as a mail client shows it. */
function visibleText(html: string): string {
  return html
    .replace(/<title>[\s\S]*?<\/title>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('message type labels', () => {
  test('the six types of spec §2.2 have human names in both languages', () => {
    const expected: Record<string, [string, string]> = {
      ServiceMessage: ['Service message', '服务消息'],
      FaultMessage: ['Fault message', '故障消息'],
      AccountExpenses: ['Account and expense message', '账号资金消息'],
      SecurityMessage: ['Security message', '安全消息'],
      ActivityMessage: ['Activity message', '活动消息'],
      ProductMessage: ['Product message', '产品消息'],
    };
    for (const [type, [en, zh]] of Object.entries(expected)) {
      assert.equal(messageTypeLabel('en-US', type), en);
      assert.equal(messageTypeLabel('zh-CN', type), zh);
    }
  });

  test('an unknown type is shown as it is, also names of Object.prototype', () => {
    for (const lang of languages) {
      assert.equal(messageTypeLabel(lang, 'BrandNewMessage'), 'BrandNewMessage');
      assert.equal(messageTypeLabel(lang, 'toString'), 'toString');
      assert.equal(messageTypeLabel(lang, '__proto__'), '__proto__');
    }
  });
});

describe('verification email', () => {
  const v = { contactName: 'Alice', emailAddress: 'alice@example.com', link, expiresInHours: 24 };

  for (const lang of languages) {
    test(`${lang}: names the contact and the address, gives the link as a button and as a URL, and its lifetime`, () => {
      const mail = verificationEmail(lang, v);
      assertWellFormedEmail(lang, mail);
      for (const part of [mail.text, visibleText(mail.html)]) {
        assert.ok(part.includes('Alice'));
        assert.ok(part.includes('alice@example.com'));
        assert.ok(part.includes(link));
        assert.ok(part.includes(lang === 'zh-CN' ? '24 小时' : '24 hours'));
      }
      const hrefs = [...mail.html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(hrefs.length, 2, 'a button-like link and the plain URL');
      assert.ok(hrefs.every((href) => href === link));
      assert.ok(mail.html.includes(`<td style="border-radius:4px;background:#ff6a00;"><a href="${link}"`), 'the first is a button');
      // Nothing changes until they confirm.
      assert.match(mail.text, lang === 'zh-CN' ? /确认之前.*不会发生任何变更/ : /Nothing changes until you confirm/);
    });
  }

  test('subjects', () => {
    assert.equal(verificationEmail('en-US', v).subject, 'Verify your email address for notifications');
    assert.equal(verificationEmail('zh-CN', v).subject, '请验证您的消息联系人邮箱');
  });

  test('lifetimes: one hour, fractions, minutes', () => {
    assert.match(verificationEmail('en-US', { ...v, expiresInHours: 1 }).text, /valid for 1 hour\./);
    assert.match(verificationEmail('en-US', { ...v, expiresInHours: 1.5 }).text, /valid for 1\.5 hours/);
    assert.match(verificationEmail('en-US', { ...v, expiresInHours: 0.5 }).text, /valid for 30 minutes/);
    assert.match(verificationEmail('zh-CN', { ...v, expiresInHours: 0.25 }).text, /15 分钟内有效/);
    assert.match(verificationEmail('zh-CN', { ...v, expiresInHours: 48 }).text, /48 小时内有效/);
    assert.throws(() => verificationEmail('en-US', { ...v, expiresInHours: 0 }), RangeError);
  });

  for (const lang of languages) {
    test(`${lang}: user values are escaped in HTML and verbatim in text`, () => {
      const mail = verificationEmail(lang, { ...v, contactName: hostile, emailAddress: `a"<b>@example.com`, link: `${link}?a=1&b="2"` });
      assert.ok(!mail.html.includes('<script'));
      assert.ok(mail.html.includes(hostileEscaped));
      assert.ok(mail.html.includes('a&quot;&lt;b&gt;@example.com'));
      assert.ok(mail.html.includes(`href="${link}?a=1&amp;b=&quot;2&quot;"`));
      assert.ok(mail.text.includes(hostile));
      assert.ok(mail.text.includes(`a"<b>@example.com`));
      assert.ok(mail.text.includes(`${link}?a=1&b="2"`));
    });
  }
});

describe('verification SMS', () => {
  for (const lang of languages) {
    test(`${lang}: short, prefixed, carries the contact and the link`, () => {
      const sms = verificationSms(lang, { contactName: 'Alice', link });
      assert.ok(sms.text.startsWith(lang === 'zh-CN' ? '【rdcontacts】' : '[rdcontacts] '));
      assert.ok(sms.text.includes('Alice'));
      assert.ok(sms.text.endsWith(link), 'the link last, so no punctuation sticks to it');
      const longest = verificationSms(lang, { contactName: 'Abcdefghijkl', link: `http://127.0.0.1:65535/verify/${'x'.repeat(43)}` });
      assert.ok(longest.text.length <= 160, `one SMS: ${longest.text}`);
      assert.deepEqual(sms.templateParams, { name: 'Alice', link });
      if (lang === 'zh-CN') assert.match(sms.text, han);
    });
  }
});

describe('test message', () => {
  for (const lang of languages) {
    test(`${lang}: email says it is a test from rdcontacts for the contact and type, no action needed`, () => {
      const mail = testEmail(lang, { contactName: 'Alice', messageType: 'SecurityMessage' });
      assertWellFormedEmail(lang, mail);
      const label = messageTypeLabel(lang, 'SecurityMessage');
      for (const part of [mail.text, visibleText(mail.html)]) {
        assert.ok(part.includes('rdcontacts'));
        assert.ok(part.includes('Alice'));
        assert.ok(part.includes(label));
        assert.match(part, lang === 'zh-CN' ? /测试邮件/ : /test message/);
        assert.match(part, lang === 'zh-CN' ? /无需进行任何操作/ : /No action is needed/);
      }
      assert.ok(mail.subject.includes(label));
    });

    test(`${lang}: email without a message type`, () => {
      const mail = testEmail(lang, { contactName: 'Alice' });
      assertWellFormedEmail(lang, mail);
      assert.ok(mail.text.includes('Alice'));
      assert.ok(!mail.text.includes('undefined'));
      assert.equal(mail.subject, lang === 'zh-CN' ? 'rdcontacts 测试邮件' : 'Test message from rdcontacts');
    });

    test(`${lang}: email escapes the contact name`, () => {
      const mail = testEmail(lang, { contactName: hostile, messageType: '<b>Odd</b>' });
      assert.ok(!mail.html.includes('<script') && !mail.html.includes('<b>'));
      assert.ok(mail.html.includes(hostileEscaped));
      assert.ok(mail.html.includes('&lt;b&gt;Odd&lt;/b&gt;'));
      assert.ok(mail.text.includes(hostile) && mail.text.includes('<b>Odd</b>'));
    });

    test(`${lang}: SMS is short, prefixed, names the contact and type`, () => {
      const sms = testSms(lang, { contactName: 'Alice', messageType: 'FaultMessage' });
      const label = messageTypeLabel(lang, 'FaultMessage');
      assert.ok(sms.text.startsWith(lang === 'zh-CN' ? '【rdcontacts】' : '[rdcontacts] '));
      assert.ok(sms.text.includes('Alice') && sms.text.includes(label));
      assert.ok(sms.text.length <= 120);
      assert.deepEqual(sms.templateParams, { name: 'Alice', type: label });
      const plain = testSms(lang, { contactName: 'Alice' });
      assert.deepEqual(plain.templateParams, { name: 'Alice', type: '' });
      assert.ok(!plain.text.includes('undefined') && !plain.text.includes('“”') && !plain.text.includes('""'));
    });
  }
});

describe('notification', () => {
  const v = {
    contactName: 'Alice',
    messageType: 'SecurityMessage',
    accountId: '1234567890123456',
    subject: 'Unusual sign-in',
    content: 'A sign-in from a new device was detected.\nIf it was not you, change your password.\r\nThird line.',
  };

  for (const lang of languages) {
    test(`${lang}: email shows the type, the account, the subject and the content with its line breaks`, () => {
      const mail = notificationEmail(lang, v);
      assertWellFormedEmail(lang, mail);
      const label = messageTypeLabel(lang, 'SecurityMessage');
      assert.ok(mail.subject.includes(label) && mail.subject.includes('Unusual sign-in'));
      for (const part of [mail.text, visibleText(mail.html)]) {
        for (const needed of ['Alice', label, '1234567890123456', 'Unusual sign-in', 'A sign-in from a new device was detected.', 'Third line.']) {
          assert.ok(part.includes(needed), `${needed} in ${part}`);
        }
      }
      assert.ok(mail.text.includes('A sign-in from a new device was detected.\nIf it was not you, change your password.\nThird line.'));
      assert.ok(mail.html.includes('A sign-in from a new device was detected.<br>\nIf it was not you, change your password.<br>\nThird line.'));
    });

    test(`${lang}: email escapes the caller's subject and content and the contact name`, () => {
      const mail = notificationEmail(lang, { ...v, contactName: hostile, subject: `Hi ${hostile}`, content: `line 1\n${hostile}` });
      assert.ok(!mail.html.includes('<script'));
      assert.equal(mail.html.split(hostileEscaped).length - 1 >= 3, true);
      assert.ok(mail.text.includes(`line 1\n${hostile}`));
      assert.ok(mail.text.includes(`Hi ${hostile}`));
      assert.ok(mail.subject.includes(`Hi ${hostile}`), 'the subject header is text, not HTML');
    });

    test(`${lang}: SMS is prefixed, at most 300 characters, with subject and the start of the content`, () => {
      const sms = notificationSms(lang, v);
      const label = messageTypeLabel(lang, 'SecurityMessage');
      assert.ok(sms.text.startsWith(lang === 'zh-CN' ? '【rdcontacts】' : '[rdcontacts] '));
      for (const needed of ['Alice', label, '1234567890123456', 'Unusual sign-in', 'A sign-in from a new device']) {
        assert.ok(sms.text.includes(needed), `${needed} in ${sms.text}`);
      }
      assert.ok(!sms.text.includes('\n'), 'one line');
      assert.deepEqual(sms.templateParams, { name: 'Alice', type: label, account: '1234567890123456', subject: 'Unusual sign-in' });

      const long = notificationSms(lang, { ...v, content: '长内容😀 '.repeat(200) });
      assert.ok(Array.from(long.text).length <= 300, `${Array.from(long.text).length}`);
      assert.ok(long.text.endsWith('…'));
      assert.ok(!/[\uD800-\uDBFF]…$/.test(long.text), 'no surrogate pair cut');

      const longSubject = notificationSms(lang, { ...v, subject: 'S'.repeat(500) });
      assert.ok(Array.from(longSubject.text).length <= 300);
      assert.ok(longSubject.text.includes('SSSS'));

      const noContent = notificationSms(lang, { ...v, content: '' });
      assert.ok(noContent.text.endsWith('Unusual sign-in'));
    });
  }

  test('zh-CN SMS reads as one Chinese sentence', () => {
    assert.equal(
      notificationSms('zh-CN', { ...v, subject: '检测到异常登录', content: '您的账号在新设备上登录。' }).text,
      '【rdcontacts】Alice，您好：账号 1234567890123456 有新的安全消息：检测到异常登录。您的账号在新设备上登录。',
    );
  });
});


describe('negotiateLanguage', () => {
  const cases: [string | undefined, Language, Language][] = [
    // empty and garbage → fallback
    [undefined, 'en-US', 'en-US'],
    [undefined, 'zh-CN', 'zh-CN'],
    ['', 'zh-CN', 'zh-CN'],
    ['   ', 'en-US', 'en-US'],
    ['garbage!!', 'zh-CN', 'zh-CN'],
    [';;,,;q=1', 'en-US', 'en-US'],
    ['fr-FR, de;q=0.9', 'zh-CN', 'zh-CN'],
    ['toolongsubtag-x', 'en-US', 'en-US'],
    // exact and regional variants
    ['zh-CN', 'en-US', 'zh-CN'],
    ['zh', 'en-US', 'zh-CN'],
    ['zh-Hans', 'en-US', 'zh-CN'],
    ['zh-Hans-CN', 'en-US', 'zh-CN'],
    ['zh-SG', 'en-US', 'zh-CN'],
    ['zh_CN', 'en-US', 'zh-CN'],
    ['ZH-cn', 'en-US', 'zh-CN'],
    ['cmn-Hans-CN', 'en-US', 'zh-CN'],
    ['zh-cmn-Hans', 'en-US', 'zh-CN'],
    ['zh-TW', 'en-US', 'zh-CN'],
    ['zh-Hant-HK', 'en-US', 'zh-CN'],
    ['en', 'zh-CN', 'en-US'],
    ['en-GB', 'zh-CN', 'en-US'],
    ['en-AU', 'zh-CN', 'en-US'],
    ['EN-us', 'zh-CN', 'en-US'],
    // q-values
    ['zh-CN,zh;q=0.9', 'en-US', 'zh-CN'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'en-US', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'zh-CN', 'en-US'],
    ['zh-CN;q=0.5, en;q=0.8', 'zh-CN', 'en-US'],
    ['en;q=0.1, zh;q=0.2', 'en-US', 'zh-CN'],
    ['en;q=0.500, zh;q=0.499', 'zh-CN', 'en-US'],
    ['en ; Q = 0.3 , zh ; q=0.7', 'en-US', 'zh-CN'],
    ['fr, zh;q=0.1', 'en-US', 'zh-CN'],
    ['zh-TW, en;q=0.8', 'en-US', 'zh-CN'],
    ['zh-TW;q=0.5, en;q=0.8', 'en-US', 'en-US'],
    ['zh-TW, zh;q=0.1, en;q=0.5', 'en-US', 'en-US'],
    // q=0 rules a language out
    ['zh;q=0', 'zh-CN', 'zh-CN'],
    ['zh;q=0, en;q=0.1', 'zh-CN', 'en-US'],
    ['*, en;q=0', 'en-US', 'zh-CN'],
    ['*;q=0.5, zh-CN;q=0', 'zh-CN', 'en-US'],
    ['en-US;q=0, en', 'zh-CN', 'zh-CN'],
    // equal weights: the order of the header; explicit ranges over the wildcard
    ['en, zh', 'zh-CN', 'en-US'],
    ['zh, en', 'en-US', 'zh-CN'],
    ['*, zh', 'en-US', 'zh-CN'],
    ['*', 'zh-CN', 'zh-CN'],
    ['*', 'en-US', 'en-US'],
    ['fr, *;q=0.1', 'zh-CN', 'zh-CN'],
    ['en;q=0.1, *;q=0.5', 'en-US', 'zh-CN'], // English 0.1, everything else 0.5
    ['zh;q=0.1, *;q=0.5', 'zh-CN', 'en-US'],
    ['en;q=0.9, *;q=0.5', 'zh-CN', 'en-US'],
    // malformed entries are skipped, the rest counts
    ['zh;q=2, en', 'zh-CN', 'en-US'],
    ['zh;q=abc, en;q=0.2', 'zh-CN', 'en-US'],
    ['zh;q=0.1234, en;q=0.2', 'zh-CN', 'en-US'],
    ['zh;q=-1, en;q=0.2', 'zh-CN', 'en-US'],
    ['z h, en', 'zh-CN', 'en-US'],
    ['zh;level=1;q=0.9, en;q=0.5', 'en-US', 'zh-CN'],
  ];
  for (const [header, fallback, expected] of cases) {
    test(`${JSON.stringify(header)} (fallback ${fallback}) → ${expected}`, () => {
      assert.equal(negotiateLanguage(header, fallback), expected);
    });
  }

  test('a huge header is read only so far', () => {
    assert.equal(negotiateLanguage(`${'fr,'.repeat(100)}zh`, 'en-US'), 'en-US');
    assert.equal(negotiateLanguage(`${'fr,'.repeat(10)}zh`, 'en-US'), 'zh-CN');
  });

  test('isLanguage', () => {
    assert.ok(isLanguage('en-US') && isLanguage('zh-CN'));
    assert.ok(!isLanguage('en') && !isLanguage('zh-cn') && !isLanguage('') && !isLanguage('fr-FR'));
  });
});
