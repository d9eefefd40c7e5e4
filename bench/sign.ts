/**
 * Builds one ACS3-HMAC-SHA256 signed request the way @alicloud/openapi-client 0.4.x does for an
 * RPC-style action (spec/clients.md, spec/api.md §6.2–6.3): POST /, the business parameters in the
 * query (Node `querystring.stringify`), Action and Version in headers, an empty body, a fresh
 * `x-acs-date` and a fresh nonce (md5 of host, pid, random and a counter, as kitx.makeNonce).
 * The signature itself comes from src/wire/acs3-signature.ts.
 */
import { createHash } from 'node:crypto';
import { arch, hostname, platform } from 'node:os';
import { stringify } from 'node:querystring';
import { acs3Algorithm, acs3Signature, emptyPayloadHash } from '../src/wire/acs3-signature.js';

export const apiVersion = '2022-04-19';

export interface Key {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface SignedRequest {
  method: 'POST';
  /** `/` or `/?<query>`. */
  path: string;
  /** In the order the official client builds them; names lower-case except Authorization. */
  headers: Record<string, string>;
}

const userAgent = `AlibabaCloud (${platform()}; ${arch()}) Node.js/${process.version} Core/1.0.1 TeaDSL/1`;
const machine = hostname();
let nonceCounter = 0;

/** Unique within this process: the counter never repeats. */
export function newNonce(): string {
  const value = Math.floor(Math.random() * 1_000_000_000_000);
  return createHash('md5').update(`${machine}${process.pid}${value}${nonceCounter++}`).digest('hex');
}

/** `YYYY-MM-DDTHH:mm:ssZ`, UTC, no milliseconds (OpenApiUtil.getTimestamp). */
export function acsDate(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Header names in the Authorization header: every x-acs-* header and host, sorted. */
const signedHeaders = [
  'host',
  'x-acs-action',
  'x-acs-content-sha256',
  'x-acs-credentials-provider',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-version',
];

export function signRequest(
  host: string,
  key: Key,
  action: string,
  query: Readonly<Record<string, string>>,
  version: string = apiVersion,
): SignedRequest {
  const headers: Record<string, string> = {
    host,
    'x-acs-version': version,
    'x-acs-action': action,
    'user-agent': userAgent,
    'x-acs-date': acsDate(),
    'x-acs-signature-nonce': newNonce(),
    accept: 'application/json',
    'x-acs-content-sha256': emptyPayloadHash,
    'x-acs-credentials-provider': 'static_ak',
  };
  const signature = acs3Signature(
    { method: 'POST', query, headers, signedHeaders, payloadHash: emptyPayloadHash },
    key.accessKeySecret,
  );
  headers.Authorization =
    `${acs3Algorithm} Credential=${key.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  headers['content-length'] = '0';
  const queryString = stringify(query);
  return { method: 'POST', path: queryString ? `/?${queryString}` : '/', headers };
}
