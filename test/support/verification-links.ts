/** Completes verification the way a recipient would: the newest link in the outbox, opened and confirmed. */
import type { TestServer } from './server.js';

export interface LinkResult {
  status: number;
  html: string;
}

export async function newestLink(server: TestServer, recipient: string): Promise<string> {
  const [message] = await server.store.outbox.list({ recipient, limit: 1 });
  if (!message?.link) throw new Error(`no message with a link to ${recipient} in the outbox`);
  return message.link;
}

export async function openLink(link: string): Promise<LinkResult> {
  const response = await fetch(link);
  return { status: response.status, html: await response.text() };
}

export async function confirmLink(link: string): Promise<LinkResult> {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  return { status: response.status, html: await response.text() };
}

/** Sends nothing: confirms the newest link already sent to `recipient`. */
export async function confirmNewest(server: TestServer, recipient: string): Promise<LinkResult> {
  return confirmLink(await newestLink(server, recipient));
}
