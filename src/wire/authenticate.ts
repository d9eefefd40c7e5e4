/**
 * Authenticates a request signed with ACS3-HMAC-SHA256 (Authorization header) or RPC signature
 * 1.0 HMAC-SHA1 (Signature parameter), against the decoded parameters, never the raw query string.
 *
 * Order of checks: the pieces of the signature (the nonce's shape among them), the timestamp's
 * format and skew, the AccessKey, a security token (refused), and the signature itself
 * (constant-time). The nonce is not used up here: the endpoint does it once the call passes
 * throttling, so that only a correctly signed request that is let through can use one up.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../domain/errors.js';
import type { Principal } from '../domain/tenant.js';
import { acs3Algorithm, acs3Signature, parseAcs3Authorization, sha256Hex } from './acs3-signature.js';
import { rpcSignature } from './rpc-signature.js';

export interface StoredCredential {
  accessKeyId: string;
  secret: string;
  active: boolean;
  accountId: string;
  directoryId: string | null;
  /** Whose key it is: the account's own (root) or one of its RAM users. */
  principal: Principal;
  /** The account's authorization revision: it moves with every change that can alter a RAM decision. */
  authorizationRevision: number;
}

export interface CredentialLookup {
  find(accessKeyId: string): Promise<StoredCredential | undefined>;
}

export interface SignedRequest {
  method: string;
  query: Readonly<Record<string, string>>;
  body: Readonly<Record<string, string>>;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

export interface Caller {
  accessKeyId: string;
  accountId: string;
  directoryId: string | null;
  principal: Principal;
  authorizationRevision: number;
  scheme: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
  /** The request's nonce, not used up yet: the endpoint does that once the call is let through. */
  nonce: SignedNonce;
}

/** A verified request's nonce: its digest (the same for every process) and until when it must stay used. */
export interface SignedNonce {
  /** SHA-256 of the AccessKey ID and the nonce, cut to 16 bytes: a fixed size whatever the nonce. */
  digest: Buffer;
  expiresAtMs: number;
}

export interface AuthenticatorOptions {
  credentials: CredentialLookup;
  nowMs: () => number;
  /** Largest accepted difference between the request's timestamp and the server clock. */
  maxSkewSeconds: number;
}

const timestampShape = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;
/** What a nonce may be: what the official clients send (32 or 64 hex digits, UUIDs) fits with room to spare. */
const nonceShape = /^[\x21-\x7E]{1,128}$/;
const v3RequiredSignedHeaders = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

export function usesAcs3(headers: IncomingHttpHeaders): boolean {
  return typeof headers.authorization === 'string' && headers.authorization.startsWith('ACS3-');
}

export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  async authenticate(request: SignedRequest): Promise<Caller> {
    return usesAcs3(request.headers) ? this.acs3(request) : this.rpc(request);
  }

  /**
   * The stored key a request names (its AccessKeyId parameter, or the Credential of its ACS3
   * Authorization header), whether or not the request was signed with it: who to record a refused
   * call against. Undefined when it names none, or one that does not exist.
   */
  async keyNamedBy(request: SignedRequest): Promise<StoredCredential | undefined> {
    const header = headerValue(request.headers, 'authorization');
    const accessKeyId = usesAcs3(request.headers) && header
      ? parseAcs3Authorization(header)?.accessKeyId
      : (request.body.AccessKeyId ?? request.query.AccessKeyId);
    if (!accessKeyId || accessKeyId.length > 128) return undefined;
    return this.options.credentials.find(accessKeyId);
  }

  private async acs3(request: SignedRequest): Promise<Caller> {
    const header = request.headers.authorization!;
    if (header.split(/\s+/, 1)[0] !== acs3Algorithm) throw new ApiError('InvalidSignatureMethod');
    const authorization = parseAcs3Authorization(header);
    if (!authorization) throw new ApiError('IncompleteSignature');
    for (const name of v3RequiredSignedHeaders) {
      if (!authorization.signedHeaders.includes(name) || headerValue(request.headers, name) === undefined) {
        throw new ApiError('IncompleteSignature');
      }
    }
    const timestamp = headerValue(request.headers, 'x-acs-date')!;
    const nonce = headerValue(request.headers, 'x-acs-signature-nonce')!;
    const payloadHash = headerValue(request.headers, 'x-acs-content-sha256')!;
    if (!nonceShape.test(nonce)) throw new ApiError('InvalidSignatureNonce');
    const signedAtMs = this.checkTimestamp(timestamp);
    const credential = await this.credential(authorization.accessKeyId);
    refuseSecurityToken(headerValue(request.headers, 'x-acs-security-token'));

    const expected = acs3Signature(
      {
        method: request.method,
        query: request.query,
        headers: request.headers,
        signedHeaders: authorization.signedHeaders,
        payloadHash,
      },
      credential.secret,
    );
    const bodyMatches = payloadHash === sha256Hex(request.rawBody);
    if (!constantTimeEqual(expected, authorization.signature.toLowerCase()) || !bodyMatches) {
      throw new ApiError('SignatureDoesNotMatch');
    }
    return this.caller(credential, 'ACS3-HMAC-SHA256', nonce, signedAtMs);
  }

  private async rpc(request: SignedRequest): Promise<Caller> {
    const params: Record<string, string> = { ...request.query, ...request.body };
    const accessKeyId = params.AccessKeyId;
    if (!accessKeyId) throw new ApiError('MissingAccessKeyId');
    const signature = params.Signature;
    if (!signature) throw new ApiError('MissingSignature');
    if (!params.SignatureMethod) throw new ApiError('MissingSignatureMethod');
    if (!params.SignatureVersion) throw new ApiError('MissingSignatureVersion');
    if (!params.SignatureNonce) throw new ApiError('MissingSignatureNonce');
    if (!params.Timestamp) throw new ApiError('MissingTimestamp');
    if (params.SignatureMethod !== 'HMAC-SHA1') throw new ApiError('InvalidSignatureMethod');
    if (params.SignatureVersion !== '1.0') throw new ApiError('InvalidSignatureVersion');
    if (!nonceShape.test(params.SignatureNonce)) throw new ApiError('InvalidSignatureNonce');
    const signedAtMs = this.checkTimestamp(params.Timestamp);
    const credential = await this.credential(accessKeyId);
    refuseSecurityToken(params.SecurityToken || headerValue(request.headers, 'x-acs-security-token'));

    const expected = rpcSignature(request.method, params, credential.secret);
    if (!constantTimeEqual(expected, signature)) throw new ApiError('SignatureDoesNotMatch');
    return this.caller(credential, 'HMAC-SHA1', params.SignatureNonce, signedAtMs);
  }

  private checkTimestamp(value: string): number {
    const ms = parseTimestamp(value);
    if (ms === undefined) throw new ApiError('InvalidTimeStamp.Format');
    if (Math.abs(this.options.nowMs() - ms) > this.options.maxSkewSeconds * 1000) {
      throw new ApiError('InvalidTimeStamp.Expired');
    }
    return ms;
  }

  private async credential(accessKeyId: string): Promise<StoredCredential> {
    const credential = await this.options.credentials.find(accessKeyId);
    if (!credential) throw new ApiError('InvalidAccessKeyId.NotFound');
    if (!credential.active) throw new ApiError('InvalidAccessKeyId.Inactive');
    return credential;
  }

  private caller(credential: StoredCredential, scheme: Caller['scheme'], nonce: string, signedAtMs: number): Caller {
    return {
      accessKeyId: credential.accessKeyId,
      accountId: credential.accountId,
      directoryId: credential.directoryId,
      principal: credential.principal,
      authorizationRevision: credential.authorizationRevision,
      scheme,
      // A request is valid until its timestamp is maxSkew old, so its nonce stays used that long.
      nonce: {
        digest: nonceDigest(credential.accessKeyId, nonce),
        expiresAtMs: Math.max(signedAtMs, this.options.nowMs()) + this.options.maxSkewSeconds * 1000,
      },
    };
  }
}

/** The nonce of `accessKeyId` as every process stores it: 16 bytes of SHA-256. */
export function nonceDigest(accessKeyId: string, nonce: string): Buffer {
  return createHash('sha256').update(`${accessKeyId}\n${nonce}`).digest().subarray(0, 16);
}

/**
 * `yyyy-MM-ddTHH:mm:ss[.SSS]Z` of a real instant, in milliseconds; undefined for anything else,
 * impossible dates and times included (`2026-11-31`, `24:00:00`, a leap second).
 */
export function parseTimestamp(value: string): number | undefined {
  const parts = timestampShape.exec(value);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = parts[7] === undefined ? 0 : Number(parts[7].padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Day 0 of the next month is the last day of this one.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps the years 0–99 to 1900–1999.
  return new Date(ms).getUTCFullYear() === year ? ms : undefined;
}

/** STS is not supported: a security token is a credential rdcontacts cannot check, so it is refused, never ignored. */
function refuseSecurityToken(token: string | undefined): void {
  if (token) throw new ApiError('InvalidSecurityToken.NotSupported');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function constantTimeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Compare against itself when lengths differ, so the time taken does not depend on the input.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(a, a);
}
