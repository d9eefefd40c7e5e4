/**
 * `/verify/<token>`: GET shows what would be confirmed and a Confirm button; only POST confirms,
 * so a link scanner that follows the link changes nothing.
 */
import escapeHtml from 'escape-html';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Language, negotiateLanguage } from '../delivery/language.js';
import type { TokenOutcome, VerificationService } from '../domain/verification.js';
import { requestOrigin, securityHeaders } from './http-edges.js';
import type { Telemetry } from '../domain/telemetry.js';

type Explained = Exclude<TokenOutcome['state'], 'ready' | 'confirmed'>;

const statuses: Record<Explained, number> = {
  unknown: 404,
  expired: 410,
  used: 410,
  cancelled: 410,
  superseded: 410,
  busy: 409,
};

interface PageTexts {
  explanations: Record<Explained, [title: string, text: string]>;
  readyTitle: string;
  /** The HTML of the ready page's sentence, given the escaped target description and contact name. */
  ready(target: string, contact: string): string;
  confirm: string;
  confirmedTitle: string;
  confirmed(target: string, contact: string): string;
  target: Record<'email' | 'phone', string>;
}

const texts: Record<Language, PageTexts> = {
  'en-US': {
    explanations: {
      unknown: ['Link not found', 'This verification link is not valid. Check that you opened the whole link.'],
      expired: ['Link expired', 'This verification link has expired. Ask for a new verification message.'],
      used: ['Already confirmed', 'This verification link has already been used. Nothing more to do.'],
      cancelled: ['Verification cancelled', 'This verification was cancelled, or the contact was deleted. Nothing was changed.'],
      superseded: ['Link replaced', 'A newer verification message was sent for this contact. Use the link in the newest message.'],
      busy: ['Please try again', 'The contact was being changed at the same moment. Reload this page and confirm again.'],
    },
    readyTitle: 'Confirm your contact details',
    ready: (target, contact) =>
      `Confirm the ${target} of contact <span class="target">${contact}</span> to receive notifications of its resource directory.`,
    confirm: 'Confirm',
    confirmedTitle: 'Confirmed',
    confirmed: (target, contact) => `The ${target} of contact <span class="target">${contact}</span> is verified. You can close this page.`,
    target: { email: 'email address', phone: 'mobile number' },
  },
  'zh-CN': {
    explanations: {
      unknown: ['链接无效', '此验证链接无效，请检查打开的链接是否完整。'],
      expired: ['链接已过期', '此验证链接已过期，请联系资源目录管理员重新发送验证消息。'],
      used: ['已完成验证', '此验证链接已被使用，无需再次操作。'],
      cancelled: ['验证已取消', '此验证已被取消，或该联系人已被删除，未做任何变更。'],
      superseded: ['链接已失效', '系统已为该联系人发送了新的验证消息，请使用最新消息中的链接。'],
      busy: ['请稍后重试', '该联系人正在被修改，请刷新此页面后重新确认。'],
    },
    readyTitle: '确认联系方式',
    ready: (target, contact) =>
      `请确认消息联系人 <span class="target">${contact}</span> 的${target}。确认后，该联系人将通过此方式接收所属资源目录的通知。`,
    confirm: '确认',
    confirmedTitle: '验证成功',
    confirmed: (target, contact) => `消息联系人 <span class="target">${contact}</span> 的${target} 已验证通过。您可以关闭此页面。`,
    target: { email: '邮箱地址', phone: '手机号码' },
  },
};

function page(lang: Language, title: string, content: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · rdcontacts</title>
<style>body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#ff6a00;color:#fff;cursor:pointer}
.target{font-weight:600}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;
}

function describeTarget(t: PageTexts, outcome: { kind: 'email' | 'phone'; target: string }): string {
  return `${t.target[outcome.kind]} <span class="target">${escapeHtml(outcome.target)}</span>`;
}

function send(reply: FastifyReply, lang: Language, status: number, html: string) {
  return reply
    .code(status)
    .headers(securityHeaders)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-language', lang)
    .header('vary', 'Accept-Language')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .send(html);
}

function render(reply: FastifyReply, lang: Language, token: string, outcome: TokenOutcome) {
  const t = texts[lang];
  switch (outcome.state) {
    case 'ready':
      return send(
        reply,
        lang,
        200,
        page(
          lang,
          t.readyTitle,
          `<p>${t.ready(describeTarget(t, outcome), escapeHtml(outcome.contactName))}</p>
<form method="post" action="/verify/${escapeHtml(encodeURIComponent(token))}"><button type="submit">${escapeHtml(t.confirm)}</button></form>`,
        ),
      );
    case 'confirmed':
      return send(
        reply,
        lang,
        200,
        page(lang, t.confirmedTitle, `<p>${t.confirmed(describeTarget(t, outcome), escapeHtml(outcome.contactName))}</p>`),
      );
    default: {
      const [title, text] = t.explanations[outcome.state];
      return send(reply, lang, statuses[outcome.state], page(lang, title, `<p>${escapeHtml(text)}</p>`));
    }
  }
}

/** Whether a request line's target is a verification page (`/verify/…`). */
export function isVerifyPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith('/verify/');
}

const languageOf = (request: FastifyRequest, defaultLanguage: Language) => negotiateLanguage(request.headers['accept-language'], defaultLanguage);

/**
 * The "link not found" page, for what is under /verify but no link: a token the router cannot read
 * (bad percent-encoding, far too long), another method, a deeper path.
 */
export function sendUnknownLinkPage(request: FastifyRequest, reply: FastifyReply, defaultLanguage: Language) {
  return render(reply, languageOf(request, defaultLanguage), '', { state: 'unknown' });
}

/**
 * Each page is in the language the browser asks for (`Accept-Language`), `defaultLanguage` when
 * it names none of ours.
 */
export function registerVerifyPages(app: FastifyInstance, verification: VerificationService, defaultLanguage: Language, telemetry: Telemetry): void {
  app.get<{ Params: { token: string } }>('/verify/:token', async (request, reply) =>
    render(reply, languageOf(request, defaultLanguage), request.params.token, await verification.describe(request.params.token)),
  );
  app.post<{ Params: { token: string } }>('/verify/:token', async (request, reply) => {
    const outcome = await verification.confirm(request.params.token, requestOrigin(request));
    if (outcome.state !== 'confirmed' && outcome.state !== 'busy') telemetry.verificationRefused({ state: outcome.state });
    return render(reply, languageOf(request, defaultLanguage), request.params.token, outcome);
  });
}
