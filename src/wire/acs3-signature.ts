/** ACS3-HMAC-SHA256 (the V3 signature, spec/api.md §6.3): canonical request and signature. */
import { createHash, createHmac } from 'node:crypto';
import { percentEncode, sortedKeys } from './percent-encode.js';

export const acs3Algorithm = 'ACS3-HMAC-SHA256';
export const emptyPayloadHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Acs3Request {
  method: string;
  /** Decoded query parameters. */
  query: Readonly<Record<string, string>>;
  /** Lower-case header name → value, for at least every signed header. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Lower-case, in the order the Authorization header lists them. */
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, as sent in `x-acs-content-sha256`. */
  payloadHash: string;
}

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return sortedKeys(query)
    .map((key) => `${key}=${percentEncode(query[key] ?? '')}`)
    .join('&');
}

export function canonicalRequest(request: Acs3Request): string {
  const names = [...request.signedHeaders].sort();
  const headerLines = names
    .map((name) => {
      const raw = request.headers[name];
      const values = (Array.isArray(raw) ? raw : [raw ?? '']).map((value) => value.trim()).sort();
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
  return [
    request.method,
    '/',
    canonicalQueryString(request.query),
    headerLines,
    names.join(';'),
    request.payloadHash,
  ].join('\n');
}

export function acs3StringToSign(request: Acs3Request): string {
  return `${acs3Algorithm}\n${sha256Hex(canonicalRequest(request))}`;
}

export function acs3Signature(request: Acs3Request, secret: string): string {
  return createHmac('sha256', secret).update(acs3StringToSign(request)).digest('hex');
}

/**
 * Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
 * Returns undefined when a piece is missing.
 */
export function parseAcs3Authorization(value: string): Acs3Authorization | undefined {
  const rest = value.slice(acs3Algorithm.length).trim();
  const fields = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) return undefined;
  return { accessKeyId, signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()), signature };
}
