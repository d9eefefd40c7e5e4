/**
 * `/verify/<token>`: GET shows what would be confirmed and a Confirm button; only POST confirms,
 * so a link scanner that follows the link changes nothing.
 */
import escapeHtml from 'escape-html';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TokenOutcome, VerificationService } from '../domain/verification.js';

const explanations: Record<Exclude<TokenOutcome['state'], 'ready' | 'confirmed'>, [number, string, string]> = {
  unknown: [404, 'Link not found', 'This verification link is not valid. Check that you opened the whole link.'],
  expired: [410, 'Link expired', 'This verification link has expired. Ask for a new verification message.'],
  used: [410, 'Already confirmed', 'This verification link has already been used. Nothing more to do.'],
  cancelled: [410, 'Verification cancelled', 'This verification was cancelled, or the contact was deleted. Nothing was changed.'],
  superseded: [410, 'Link replaced', 'A newer verification message was sent for this contact. Use the link in the newest message.'],
  busy: [409, 'Please try again', 'The contact was being changed at the same moment. Reload this page and confirm again.'],
};

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · rdcontacts</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#ff6a00;color:#fff;cursor:pointer}
.target{font-weight:600}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`;
}

function describeTarget(outcome: { kind: 'email' | 'phone'; target: string }): string {
  return `${outcome.kind === 'email' ? 'email address' : 'mobile number'} <span class="target">${escapeHtml(outcome.target)}</span>`;
}

function send(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .send(html);
}

function render(reply: FastifyReply, token: string, outcome: TokenOutcome) {
  switch (outcome.state) {
    case 'ready':
      return send(
        reply,
        200,
        page(
          'Confirm your contact details',
          `<p>Confirm the ${describeTarget(outcome)} of contact <span class="target">${escapeHtml(outcome.contactName)}</span> to receive notifications of its resource directory.</p>
<form method="post" action="/verify/${escapeHtml(encodeURIComponent(token))}"><button type="submit">Confirm</button></form>`,
        ),
      );
    case 'confirmed':
      return send(
        reply,
        200,
        page('Confirmed', `<p>The ${describeTarget(outcome)} of contact <span class="target">${escapeHtml(outcome.contactName)}</span> is verified. You can close this page.</p>`),
      );
    default: {
      const [status, title, text] = explanations[outcome.state];
      return send(reply, status, page(title, `<p>${escapeHtml(text)}</p>`));
    }
  }
}

export function registerVerifyPages(app: FastifyInstance, verification: VerificationService): void {
  app.get<{ Params: { token: string } }>('/verify/:token', async (request, reply) =>
    render(reply, request.params.token, await verification.describe(request.params.token)),
  );
  app.post<{ Params: { token: string } }>('/verify/:token', async (request, reply) =>
    render(reply, request.params.token, await verification.confirm(request.params.token)),
  );
}
