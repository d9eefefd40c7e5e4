/**
 * The texts rdcontacts sends, in each of its languages: pure functions, one per message.
 *
 * Emails have a plain-text part and an HTML part that say the same. The HTML is a small
 * table-based layout with inline styles only (no external resources, no scripts, no classes), as
 * mail clients render it; every value that comes from outside is escaped. SMS texts are short,
 * start with 【rdcontacts】 (zh-CN) or [rdcontacts] (en-US), and come with their named values
 * (`templateParams`) for providers that fill a template of their own.
 */
import escapeHtml from 'escape-html';
import type { Language } from './language.js';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface SmsContent {
  text: string;
  templateParams: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Message types (spec/api.md §2.2)

const messageTypeLabels: Record<Language, Record<string, string>> = {
  'en-US': {
    ServiceMessage: 'Service message',
    FaultMessage: 'Fault message',
    AccountExpenses: 'Account and expense message',
    SecurityMessage: 'Security message',
    ActivityMessage: 'Activity message',
    ProductMessage: 'Product message',
  },
  'zh-CN': {
    ServiceMessage: '服务消息',
    FaultMessage: '故障消息',
    AccountExpenses: '账号资金消息',
    SecurityMessage: '安全消息',
    ActivityMessage: '活动消息',
    ProductMessage: '产品消息',
  },
};

/** The human name of a message type; the raw value for one we do not know. */
export function messageTypeLabel(lang: Language, messageType: string): string {
  const labels = messageTypeLabels[lang];
  return Object.hasOwn(labels, messageType) ? labels[messageType]! : messageType;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** `24 hours`, `1 hour`, `1.5 hours`, `30 minutes`; `24 小时`, `30 分钟`. */
function formatLifetime(lang: Language, hours: number): string {
  if (!Number.isFinite(hours) || hours <= 0) throw new RangeError(`a link lifetime must be a positive number of hours, not ${hours}`);
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60));
    return lang === 'zh-CN' ? `${minutes} 分钟` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  const rounded = Math.round(hours * 10) / 10;
  return lang === 'zh-CN' ? `${rounded} 小时` : `${rounded} hour${rounded === 1 ? '' : 's'}`;
}

/** The text on one line, runs of white space (line breaks included) made one space. */
function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** At most `max` characters (code points, so no surrogate pair is cut), `…` marking a cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

const length = (text: string): number => Array.from(text).length;

/** Escaped, with its line breaks kept (`<br>`), for text the API caller wrote. */
function multiline(text: string): string {
  return escapeHtml(text.replace(/\r\n?/g, '\n')).replace(/\n/g, '<br>\n');
}

/** The two parts of an email, built from the same pieces. */
interface Block {
  text: string;
  html: string;
}

const fontFamily =
  "-apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei',Helvetica,Arial,sans-serif";
const accent = '#ff6a00';

function paragraph(text: string, htmlContent: string = escapeHtml(text)): Block {
  return { text, html: `<p style="margin:0 0 16px;">${htmlContent}</p>` };
}

function button(label: string, link: string): Block {
  const href = escapeHtml(link);
  return {
    text: link,
    html:
      `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 20px;"><tr>` +
      `<td style="border-radius:4px;background:${accent};">` +
      `<a href="${href}" target="_blank" rel="noopener" style="display:inline-block;padding:11px 24px;font-family:${fontFamily};font-size:15px;font-weight:600;line-height:1.2;color:#ffffff;text-decoration:none;border-radius:4px;">${escapeHtml(label)}</a>` +
      `</td></tr></table>`,
  };
}

function plainLink(intro: string, link: string): Block {
  const href = escapeHtml(link);
  return {
    text: '',
    html:
      `<p style="margin:0 0 16px;font-size:13px;color:#666666;">${escapeHtml(intro)}<br>` +
      `<a href="${href}" target="_blank" rel="noopener" style="color:${accent};word-break:break-all;">${href}</a></p>`,
  };
}

/** Label–value rows. */
function facts(lang: Language, rows: [string, string][]): Block {
  const colon = lang === 'zh-CN' ? '：' : ': ';
  return {
    text: rows.map(([label, value]) => `${label}${colon}${value}`).join('\n'),
    html:
      `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="margin:0 0 16px;border-collapse:collapse;font-size:14px;">` +
      rows
        .map(
          ([label, value]) =>
            `<tr><td style="padding:6px 12px 6px 0;color:#666666;white-space:nowrap;vertical-align:top;width:1%;">${escapeHtml(label)}</td>` +
            `<td style="padding:6px 0;color:#222222;word-break:break-all;">${escapeHtml(value)}</td></tr>`,
        )
        .join('') +
      `</table>`,
  };
}

/** A framed block of the caller's plain text, line breaks kept. */
function quoted(text: string): Block {
  return {
    text,
    html: `<div style="margin:0 0 16px;padding:12px 16px;background:#f7f7f7;border-left:3px solid #dddddd;font-size:14px;color:#222222;word-break:break-word;">${multiline(text)}</div>`,
  };
}

const footers: Record<Language, string> = {
  'en-US': 'This message was sent automatically by rdcontacts, the notification contact service of your resource directory. Replies to it are not read.',
  'zh-CN': '此邮件由 rdcontacts（资源目录消息联系人服务）自动发送，请勿直接回复。',
};

function email(lang: Language, subject: string, heading: string, blocks: Block[]): EmailContent {
  const body = blocks.map((block) => block.text).filter((part) => part !== '');
  const text = `${body.join('\n\n')}\n\n-- \n${footers[lang]}\n`;
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light">
<title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-top:4px solid ${accent};border-radius:6px;">
<tr><td style="padding:20px 28px 0;font-family:${fontFamily};font-size:13px;font-weight:600;letter-spacing:.04em;color:${accent};">rdcontacts</td></tr>
<tr><td style="padding:8px 28px 12px;font-family:${fontFamily};font-size:15px;line-height:1.6;color:#222222;">
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.4;font-weight:600;color:#111111;">${escapeHtml(heading)}</h1>
${blocks.map((block) => block.html).join('\n')}
</td></tr>
<tr><td style="padding:14px 28px 20px;border-top:1px solid #eeeeee;font-family:${fontFamily};font-size:12px;line-height:1.5;color:#888888;">${escapeHtml(footers[lang])}</td></tr>
</table>
</td></tr></table>
</body></html>`;
  return { subject, text, html };
}

// ---------------------------------------------------------------------------------------------
// Verification

export function verificationEmail(
  lang: Language,
  v: { contactName: string; emailAddress: string; link: string; expiresInHours: number },
): EmailContent {
  const lifetime = formatLifetime(lang, v.expiresInHours);
  const name = escapeHtml(v.contactName);
  const address = escapeHtml(v.emailAddress);
  const strong = (html: string) => `<strong>${html}</strong>`;
  if (lang === 'zh-CN') {
    return email(lang, '请验证您的消息联系人邮箱', '验证邮箱地址', [
      paragraph(`${v.contactName}，您好：`, `${name}，您好：`),
      paragraph(
        `邮箱地址 ${v.emailAddress} 已被设置为资源目录消息联系人“${v.contactName}”的接收邮箱。请打开以下链接，并在页面中点击“确认”。验证完成后，该邮箱将接收此联系人订阅的通知。`,
        `邮箱地址 ${strong(address)} 已被设置为资源目录消息联系人“${strong(name)}”的接收邮箱。请打开以下链接，并在页面中点击“确认”。验证完成后，该邮箱将接收此联系人订阅的通知。`,
      ),
      button('验证邮箱地址', v.link),
      plainLink('如果按钮无法打开，请将以下链接复制到浏览器中访问：', v.link),
      paragraph(`链接 ${lifetime}内有效。在您确认之前，联系人信息不会发生任何变更；如非本人操作，请忽略此邮件。`),
    ]);
  }
  return email(lang, 'Verify your email address for notifications', 'Verify your email address', [
    paragraph(`Hello ${v.contactName},`, `Hello ${name},`),
    paragraph(
      `The address ${v.emailAddress} was given as the email address of “${v.contactName}”, a notification contact of a resource directory. Open the link below and press Confirm to receive the notifications this contact subscribes to.`,
      `The address ${strong(address)} was given as the email address of “${strong(name)}”, a notification contact of a resource directory. Open the link below and press Confirm to receive the notifications this contact subscribes to.`,
    ),
    button('Verify email address', v.link),
    plainLink('If the button does not work, copy this link into your browser:', v.link),
    paragraph(`The link is valid for ${lifetime}. Nothing changes until you confirm: if you did not expect this message, ignore it.`),
  ]);
}

/** Fits one SMS (160 characters) with a link of up to 80 characters and a name of up to 12. */
export function verificationSms(lang: Language, v: { contactName: string; link: string }): SmsContent {
  const templateParams = { name: v.contactName, link: v.link };
  if (lang === 'zh-CN') {
    return { text: `【rdcontacts】请点击链接，确认本号码为消息联系人“${v.contactName}”的接收号码（如非本人操作请忽略）：${v.link}`, templateParams };
  }
  return { text: `[rdcontacts] ${v.contactName}, confirm this number as a notification contact: ${v.link}`, templateParams };
}

// ---------------------------------------------------------------------------------------------
// Test messages

export function testEmail(lang: Language, v: { contactName: string; messageType?: string }): EmailContent {
  const name = escapeHtml(v.contactName);
  const label = v.messageType ? messageTypeLabel(lang, v.messageType) : undefined;
  if (lang === 'zh-CN') {
    const about = label ? `，用于确认您能正常收到“${label}”类通知` : '，用于确认您能正常收到通知';
    return email(lang, label ? `rdcontacts 测试邮件（${label}）` : 'rdcontacts 测试邮件', '测试邮件', [
      paragraph(`${v.contactName}，您好：`, `${name}，您好：`),
      paragraph(
        `这是 rdcontacts 发送给消息联系人“${v.contactName}”的一封测试邮件${about}。`,
        `这是 rdcontacts 发送给消息联系人“<strong>${name}</strong>”的一封测试邮件${escapeHtml(about)}。`,
      ),
      paragraph('您无需进行任何操作。'),
    ]);
  }
  const about = label ? ` It checks that notifications of the type “${label}” reach you.` : ' It checks that notifications reach you.';
  return email(lang, label ? `Test message from rdcontacts (${label})` : 'Test message from rdcontacts', 'Test message', [
    paragraph(`Hello ${v.contactName},`, `Hello ${name},`),
    paragraph(
      `This is a test message from rdcontacts for the notification contact “${v.contactName}”.${about}`,
      `This is a test message from rdcontacts for the notification contact “<strong>${name}</strong>”.${escapeHtml(about)}`,
    ),
    paragraph('No action is needed.'),
  ]);
}

export function testSms(lang: Language, v: { contactName: string; messageType?: string }): SmsContent {
  const label = v.messageType ? messageTypeLabel(lang, v.messageType) : '';
  const templateParams = { name: v.contactName, type: label };
  if (lang === 'zh-CN') {
    const about = label ? `“${label}”类通知` : '通知';
    return { text: `【rdcontacts】${v.contactName}，您好：这是一条测试短信，用于确认您能正常收到${about}，无需任何操作。`, templateParams };
  }
  const about = label ? ` for your "${label}" notifications` : '';
  return { text: `[rdcontacts] ${v.contactName}, this is a test message${about}. No action is needed.`, templateParams };
}

// ---------------------------------------------------------------------------------------------
// Notifications

interface Notification {
  contactName: string;
  messageType: string;
  accountId: string;
  subject: string;
  content: string;
}

export function notificationEmail(lang: Language, v: Notification): EmailContent {
  const label = messageTypeLabel(lang, v.messageType);
  const name = escapeHtml(v.contactName);
  const subjectLine = oneLine(v.subject);
  const content = v.content.replace(/\r\n?/g, '\n').replace(/^\n+|\s+$/g, '');
  if (lang === 'zh-CN') {
    return email(lang, `【${label}】${subjectLine}`, subjectLine, [
      paragraph(`${v.contactName}，您好：`, `${name}，您好：`),
      paragraph(`您有一条新的${label}，详情如下：`),
      facts(lang, [
        ['消息类型', label],
        ['账号 ID', v.accountId],
        ['标题', subjectLine],
      ]),
      ...(content ? [quoted(content)] : []),
      paragraph(`您收到此邮件，是因为您是该资源目录的消息联系人，并订阅了“${label}”。`),
    ]);
  }
  return email(lang, `[${label}] ${subjectLine}`, subjectLine, [
    paragraph(`Hello ${v.contactName},`, `Hello ${name},`),
    paragraph('You have a new notification:'),
    facts(lang, [
      ['Message type', label],
      ['Account ID', v.accountId],
      ['Subject', subjectLine],
    ]),
    ...(content ? [quoted(content)] : []),
    paragraph(`You receive this message because you are a notification contact of this resource directory subscribed to messages of the type “${label}”.`),
  ]);
}

/** The longest SMS text, in characters; providers split longer texts into several messages. */
const smsMaxLength = 300;

export function notificationSms(lang: Language, v: Notification): SmsContent {
  const label = messageTypeLabel(lang, v.messageType);
  const head =
    lang === 'zh-CN'
      ? `【rdcontacts】${v.contactName}，您好：账号 ${v.accountId} 有新的${label}：`
      : `[rdcontacts] ${v.contactName}, ${label} for account ${v.accountId}: `;
  const subject = clip(oneLine(v.subject), Math.max(20, smsMaxLength - length(head)));
  let text = `${head}${subject}`;
  const content = oneLine(v.content);
  const separator = lang === 'zh-CN' ? (/[。！？.!?]$/u.test(subject) ? '' : '。') : ' — ';
  const room = smsMaxLength - length(text) - length(separator);
  if (content && room >= 10) text += `${separator}${clip(content, room)}`;
  return { text, templateParams: { name: v.contactName, type: label, account: v.accountId, subject } };
}
