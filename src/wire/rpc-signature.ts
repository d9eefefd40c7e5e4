/** RPC signature 1.0, HMAC-SHA1 (spec/api.md §6.5). */
import { createHmac } from 'node:crypto';
import { percentEncode, sortedKeys } from './percent-encode.js';

/** Every parameter but `Signature`, sorted, encoded and joined. */
export function canonicalizedParams(params: Readonly<Record<string, string>>): string {
  return sortedKeys(params)
    .filter((key) => key !== 'Signature')
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key] ?? '')}`)
    .join('&');
}

export function rpcStringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedParams(params))}`;
}

export function rpcSignature(method: string, params: Readonly<Record<string, string>>, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(rpcStringToSign(method, params)).digest('base64');
}
