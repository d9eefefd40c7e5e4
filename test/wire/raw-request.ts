/**
 * Signs and sends raw HTTP requests, so tests can build what the official clients cannot: stale or
 * malformed timestamps, missing pieces, bad signatures, tampered bodies, huge inputs.
 *
 * Signing uses the service's own signers (src/wire/acs3-signature.ts, src/wire/rpc-signature.ts),
 * which signatures.test.ts pins to the spec's vectors and to captures of the real clients.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { acs3Algorithm, acs3Signature, sha256Hex } from '../../src/wire/acs3-signature.js';
import { percentEncode } from '../../src/wire/percent-encode.js';
import { rpcSignature } from '../../src/wire/rpc-signature.js';

export const apiVersion = '2022-04-19';

/** Only what signing needs; `Credentials` from test/support/server.ts fits. */
export interface SigningKey {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface RawRequest {
  method: string;
  /** Path and query as they go on the request line, e.g. `/?a=1`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json(): any;
  /** Status line, headers and body as one string, to look for things that must not leak. */
  fullText(): string;
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the timestamp form the clients send. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** `k=v&…` with both sides percent-encoded per RFC 3986 (what the signers use). */
export function encodeParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .join('&');
}

/** Arrays become `Name.1`, `Name.2`, … as the clients flatten them (spec §6.4). */
export function flatten(params: Readonly<Record<string, string | string[]>>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((item, index) => (flat[`${key}.${index + 1}`] = item));
    else flat[key] = value;
  }
  return flat;
}

// ── RPC signature 1.0 (HMAC-SHA1) ────────────────────────────────────────────────────────────

export type RpcCommonParam =
  | 'Action'
  | 'Version'
  | 'Format'
  | 'AccessKeyId'
  | 'Signature'
  | 'SignatureMethod'
  | 'SignatureVersion'
  | 'SignatureNonce'
  | 'Timestamp';

export interface RpcOptions {
  key: SigningKey;
  action?: string;
  params?: Readonly<Record<string, string | string[]>>;
  /** GET puts everything in the query; POST puts everything in a form body, as pop-core does. */
  method?: 'GET' | 'POST';
  /** POST only: keep the parameters in the query (as openapi-client's v2 path does) instead of the body. */
  postInQuery?: boolean;
  version?: string;
  format?: string;
  timestamp?: string;
  nonce?: string;
  signatureMethod?: string;
  signatureVersion?: string;
  /** Signs with this secret instead of the key's. */
  signWithSecret?: string;
  /** Common parameters to leave out entirely (before signing). */
  omit?: readonly RpcCommonParam[];
  /** Replaces the computed signature. */
  signature?: string;
  /** Changes the parameters after signing (tampering). */
  afterSigning?: (params: Record<string, string>) => void;
  headers?: Record<string, string>;
}

/** The signed parameter set of an RPC request, Signature included. */
export function signRpcParams(options: RpcOptions): Record<string, string> {
  const method = options.method ?? 'GET';
  const common: Record<string, string> = {
    Action: options.action ?? 'ListMessageContacts',
    Version: options.version ?? apiVersion,
    Format: options.format ?? 'JSON',
    AccessKeyId: options.key.accessKeyId,
    SignatureMethod: options.signatureMethod ?? 'HMAC-SHA1',
    SignatureVersion: options.signatureVersion ?? '1.0',
    SignatureNonce: options.nonce ?? newNonce(),
    Timestamp: options.timestamp ?? timestamp(),
  };
  for (const name of options.omit ?? []) delete common[name];
  const params: Record<string, string> = { ...common, ...flatten(options.params ?? {}) };
  if (!options.omit?.includes('Signature')) {
    params.Signature = options.signature ?? rpcSignature(method, params, options.signWithSecret ?? options.key.accessKeySecret);
  }
  options.afterSigning?.(params);
  return params;
}

export function signRpc(options: RpcOptions): RawRequest {
  const method = options.method ?? 'GET';
  const params = signRpcParams(options);
  const encoded = encodeParams(params);
  if (method === 'GET' || options.postInQuery) {
    return { method, path: `/?${encoded}`, headers: { ...options.headers } };
  }
  return {
    method,
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: encoded,
  };
}

// ── ACS3-HMAC-SHA256 ─────────────────────────────────────────────────────────────────────────

export type Acs3RequiredHeader = 'x-acs-action' | 'x-acs-version' | 'x-acs-date' | 'x-acs-signature-nonce' | 'x-acs-content-sha256';

export interface Acs3Options {
  key: SigningKey;
  /** `127.0.0.1:<port>`: the host header, which is signed. */
  host: string;
  action?: string;
  version?: string;
  query?: Readonly<Record<string, string | string[]>>;
  method?: 'GET' | 'POST';
  /** A form body (signed through x-acs-content-sha256 and content-type). */
  body?: string;
  contentType?: string;
  date?: string;
  nonce?: string;
  signWithSecret?: string;
  /** Headers sent but left out of SignedHeaders. */
  unsigned?: readonly string[];
  /** Headers not sent at all (nor signed). */
  omit?: readonly Acs3RequiredHeader[];
  /** Replaces the x-acs-content-sha256 value (signed as given). */
  payloadHash?: string;
  /** Sends this body instead of the signed one (tampering). */
  sendBody?: string;
  /** Rewrites the Authorization header after signing. */
  authorization?: (signed: string) => string;
  /** Extra headers, signed when they are x-acs-* (e.g. x-acs-credentials-provider). */
  headers?: Record<string, string>;
}

export function signAcs3(options: Acs3Options): RawRequest {
  const method = options.method ?? 'POST';
  const query = flatten(options.query ?? {});
  const body = options.body ?? '';
  const headers: Record<string, string> = {
    host: options.host,
    'x-acs-action': options.action ?? 'ListMessageContacts',
    'x-acs-version': options.version ?? apiVersion,
    'x-acs-date': options.date ?? timestamp(),
    'x-acs-signature-nonce': options.nonce ?? newNonce(),
    'x-acs-content-sha256': options.payloadHash ?? sha256Hex(body),
    accept: 'application/json',
    ...(body ? { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' } : {}),
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };
  for (const name of options.omit ?? []) delete headers[name];
  const signedHeaders = Object.keys(headers)
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .filter((name) => !options.unsigned?.includes(name))
    .sort();
  const signature = acs3Signature(
    { method, query, headers, signedHeaders, payloadHash: headers['x-acs-content-sha256'] ?? '' },
    options.signWithSecret ?? options.key.accessKeySecret,
  );
  const authorization = `${acs3Algorithm} Credential=${options.key.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  headers.authorization = options.authorization ? options.authorization(authorization) : authorization;
  const encoded = encodeParams(query);
  const sent = options.sendBody ?? body;
  return { method, path: encoded ? `/?${encoded}` : '/', headers, ...(sent ? { body: sent } : {}) };
}

// ── Sending ──────────────────────────────────────────────────────────────────────────────────

function response(status: number, headers: RawResponse['headers'], text: string, statusLine: string): RawResponse {
  return {
    status,
    headers,
    text,
    json: () => JSON.parse(text),
    fullText: () =>
      [statusLine, ...Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`), '', text].join('\n'),
  };
}

/** Sends `request` to `endpoint` (`127.0.0.1:<port>`) with node:http and reads the whole answer. */
export function send(endpoint: string, request: RawRequest): Promise<RawResponse> {
  const [hostname, port] = endpoint.split(':');
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: hostname,
        port: Number(port),
        method: request.method,
        path: request.path,
        agent: false,
        headers: {
          host: endpoint,
          ...request.headers,
          ...(body ? { 'content-length': String(body.length) } : request.method === 'POST' ? { 'content-length': '0' } : {}),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 0;
          resolve(
            response(status, incoming.headers, Buffer.concat(chunks).toString('utf8'), `HTTP/1.1 ${status} ${incoming.statusMessage ?? ''}`),
          );
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Writes `raw` bytes on a fresh TCP connection and parses the HTTP answer by hand, for requests
 * node:http would refuse to build or that the server answers before parsing (oversized headers).
 */
export function sendBytes(endpoint: string, raw: string | Buffer, options: { halfClose?: boolean } = {}): Promise<RawResponse> {
  const [hostname, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname!, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset the connection after answering; what arrived still counts.
      if (error.code === 'ECONNRESET' && chunks.length > 0) socket.emit('end');
      else reject(error);
    });
    let done = false;
    socket.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = text.slice(split + 4);
      if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
      resolve(response(status, headers, body, statusLine));
      socket.destroy();
    });
    socket.write(raw);
    // Half-closing tells the server nothing more comes; without it, the request must say
    // `Connection: close` (the server, like Node's, may drop an answer it owes a half-closed socket).
    if (options.halfClose !== false) socket.end();
  });
}
