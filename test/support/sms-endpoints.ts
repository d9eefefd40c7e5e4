/**
 * Real HTTP servers on 127.0.0.1 for the SMS transports: a webhook receiver that checks the
 * signature as an operator's receiver would, and an Alibaba Cloud SMS endpoint (Dysmsapi SendSms)
 * that authenticates requests with rdcontacts' own verifier and answers like Alibaba does.
 */
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, isApiError } from '../../src/domain/errors.js';
import { Authenticator, usesAcs3 } from '../../src/wire/authenticate.js';
import { decodeParams } from '../../src/wire/params.js';
import { LocalReplayGuard } from '../../src/wire/replay-guard.js';

// ---------------------------------------------------------------------------------------------
// Webhook

export interface WebhookRequest {
  /** The parsed JSON body (undefined when it is not JSON). */
  body: any;
  raw: string;
  signatureValid: boolean;
  headers: IncomingMessage['headers'];
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in order, whatever it was answered. */
  received: WebhookRequest[];
  waitFor(n: number, timeoutMs?: number): Promise<WebhookRequest[]>;
  /** The next n requests are answered with this status, then 200 again. */
  respondNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { secret: string }): Promise<WebhookReceiver> {
  const recorder = new Recorder<WebhookRequest>('webhook receiver');
  let next: { left: number; status: number } | undefined;
  const server = serve(async (request, response) => {
    const raw = (await readBody(request)).toString('utf8');
    recorder.add({
      body: parseJson(raw),
      raw,
      signatureValid: signatureMatches(raw, request.headers['x-rdcontacts-signature'], options.secret),
      headers: request.headers,
    });
    if (next && next.left > 0) {
      next.left -= 1;
      return sendJson(response, next.status, { error: `answered ${next.status} as told` });
    }
    sendJson(response, 200, { id: `wh-${recorder.items.length}` });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received: recorder.items,
    waitFor: (n, timeoutMs) => recorder.waitFor(n, timeoutMs),
    respondNext(n, status) {
      next = { left: n, status };
    },
    close: () => shutdown(server),
  };
}

/** What an operator's receiver does: recompute the HMAC of the body bytes and compare in constant time. */
function signatureMatches(raw: string, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud SMS (Dysmsapi 2017-05-25)

export interface AliyunSmsRequest {
  /** Query and form parameters, decoded as rdcontacts' own endpoint decodes them. */
  params: Record<string, string>;
  signatureValid: boolean;
  /** From the x-acs-action / x-acs-version headers (ACS3) or the parameters (RPC). */
  action: string | undefined;
  version: string | undefined;
}

export interface AliyunSmsEndpoint {
  /** `http://127.0.0.1:port`, what the aliyun transport takes as its endpoint. */
  endpoint: string;
  received: AliyunSmsRequest[];
  waitFor(n: number, timeoutMs?: number): Promise<AliyunSmsRequest[]>;
  /**
   * The next n correctly signed SendSms calls are answered with this Code (default `OK`, or
   * `InternalError` with a 5xx status) and HTTP status (default 200, as SendSms answers
   * business errors), then `OK` again.
   */
  answerNext(n: number, answer: { status?: number; code?: string }): void;
  close(): Promise<void>;
}

export async function startAliyunSmsEndpoint(options: { accessKeyId: string; accessKeySecret: string }): Promise<AliyunSmsEndpoint> {
  const recorder = new Recorder<AliyunSmsRequest>('aliyun SMS endpoint');
  const authenticator = new Authenticator({
    credentials: {
      find: async (accessKeyId) =>
        accessKeyId === options.accessKeyId
          ? { accessKeyId, secret: options.accessKeySecret, active: true, accountId: 'sms-test', directoryId: null, principal: { kind: 'root' as const }, authorizationRevision: 0 }
          : undefined,
    },
    nowMs: Date.now,
    maxSkewSeconds: 900,
  });
  const nonces = new LocalReplayGuard(undefined);
  let next: { left: number; status: number; code: string } | undefined;

  const server = serve(async (request, response) => {
    const requestId = randomUUID().toUpperCase();
    const url = request.url ?? '/';
    const mark = url.indexOf('?');
    const query = decodeParams(mark >= 0 ? url.slice(mark + 1) : '');
    const rawBody = await readBody(request);
    const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const body = form ? decodeParams(rawBody.toString('utf8')) : {};
    const params = { ...query, ...body };
    const acs3 = usesAcs3(request.headers);
    const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
    const action = acs3 ? header('x-acs-action') : params.Action;
    const version = acs3 ? header('x-acs-version') : params.Version;

    let refusal: { status: number; code: string; message: string } | undefined;
    try {
      const caller = await authenticator.authenticate({ method: request.method ?? 'GET', query, body, rawBody, headers: request.headers });
      if ((await nonces.use(caller.nonce, false)) === undefined) throw new ApiError('SignatureNonceUsed');
    } catch (error) {
      refusal = isApiError(error)
        ? { status: error.status, code: error.code, message: error.message }
        : { status: 500, code: 'InternalError', message: String(error) };
    }
    recorder.add({ params, signatureValid: refusal === undefined, action, version });

    if (!refusal && action !== 'SendSms') refusal = { status: 404, code: 'InvalidAction.NotFound', message: 'Specified api is not found, please check your url and method.' };
    if (!refusal && version !== '2017-05-25') refusal = { status: 400, code: 'InvalidVersion', message: 'Specified parameter Version is not valid.' };
    if (refusal) {
      return sendJson(response, refusal.status, { RequestId: requestId, HostId: 'dysmsapi.aliyuncs.com', Code: refusal.code, Message: refusal.message });
    }
    if (next && next.left > 0) {
      next.left -= 1;
      if (next.code !== 'OK') {
        return sendJson(response, next.status, { RequestId: requestId, Code: next.code, Message: `answered ${next.code} as told` });
      }
    }
    sendJson(response, 200, { RequestId: requestId, Code: 'OK', Message: 'OK', BizId: `${randomInt(1e9, 1e10)}${recorder.items.length}^0` });
  });
  const port = await listen(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received: recorder.items,
    waitFor: (n, timeoutMs) => recorder.waitFor(n, timeoutMs),
    answerNext(n, answer) {
      const status = answer.status ?? 200;
      next = { left: n, status, code: answer.code ?? (status >= 500 ? 'InternalError' : status >= 400 ? 'InvalidParameter' : 'OK') };
    },
    close: () => shutdown(server),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared

/** The requests a server has seen, and promises that resolve when enough have come. */
class Recorder<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<{ n: number; done: () => void }>();

  constructor(private readonly what: string) {}

  add(item: T): void {
    this.items.push(item);
    for (const waiter of this.waiters) if (this.items.length >= waiter.n) waiter.done();
  }

  waitFor(n: number, timeoutMs = 10_000): Promise<T[]> {
    if (this.items.length >= n) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.what}: waited ${timeoutMs} ms for ${n} request(s), ${this.items.length} came`));
      }, timeoutMs);
      const waiter = {
        n,
        done: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(this.items);
        },
      };
      this.waiters.add(waiter);
    });
  }
}

/** A client that hangs up mid-request is not the test's failure: drop the request. */
function serve(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Server {
  return createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Keep-alive connections of the clients would hold `close` open: end them too. */
async function shutdown(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
