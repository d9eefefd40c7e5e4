/**
 * Authenticates a request signed with ACS3-HMAC-SHA256 (Authorization header) or RPC signature
 * 1.0 HMAC-SHA1 (Signature parameter), against the decoded parameters, never the raw query string.
 *
 * Order of checks: the pieces of the signature, the timestamp's format and skew, the AccessKey,
 * the signature itself (constant-time), and last the nonce, so that only a correctly signed
 * request can use one up.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../domain/errors.js';
import { acs3Algorithm, acs3Signature, parseAcs3Authorization, sha256Hex } from './acs3-signature.js';
import type { ReplayGuard } from './replay-guard.js';
import { rpcSignature } from './rpc-signature.js';

export interface StoredCredential {
  accessKeyId: string;
  secret: string;
  active: boolean;
  accountId: string;
  directoryId: string | null;
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
  scheme: 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';
}

export interface AuthenticatorOptions {
  credentials: CredentialLookup;
  replayGuard: ReplayGuard;
  nowMs: () => number;
  /** Largest accepted difference between the request's timestamp and the server clock. */
  maxSkewSeconds: number;
}

const timestampShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const v3RequiredSignedHeaders = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

export function usesAcs3(headers: IncomingHttpHeaders): boolean {
  return typeof headers.authorization === 'string' && headers.authorization.startsWith('ACS3-');
}

export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  async authenticate(request: SignedRequest): Promise<Caller> {
    return usesAcs3(request.headers) ? this.acs3(request) : this.rpc(request);
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
    const signedAtMs = this.checkTimestamp(timestamp);
    const credential = await this.credential(authorization.accessKeyId);

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
    await this.useNonce(credential.accessKeyId, nonce, signedAtMs);
    return this.caller(credential, 'ACS3-HMAC-SHA256');
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
    const signedAtMs = this.checkTimestamp(params.Timestamp);
    const credential = await this.credential(accessKeyId);

    const expected = rpcSignature(request.method, params, credential.secret);
    if (!constantTimeEqual(expected, signature)) throw new ApiError('SignatureDoesNotMatch');
    await this.useNonce(credential.accessKeyId, params.SignatureNonce, signedAtMs);
    return this.caller(credential, 'HMAC-SHA1');
  }

  private checkTimestamp(value: string): number {
    const ms = timestampShape.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) throw new ApiError('InvalidTimeStamp.Format');
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

  private async useNonce(accessKeyId: string, nonce: string, signedAtMs: number): Promise<void> {
    // A request is valid until its timestamp is maxSkew old, so remember the nonce that long.
    const expiresAtMs = Math.max(signedAtMs, this.options.nowMs()) + this.options.maxSkewSeconds * 1000;
    if (!(await this.options.replayGuard.remember(`${accessKeyId}\n${nonce}`, expiresAtMs))) {
      throw new ApiError('SignatureNonceUsed');
    }
  }

  private caller(credential: StoredCredential, scheme: Caller['scheme']): Caller {
    return {
      accessKeyId: credential.accessKeyId,
      accountId: credential.accountId,
      directoryId: credential.directoryId,
      scheme,
    };
  }
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
