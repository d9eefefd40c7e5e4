/**
 * SMS through Alibaba Cloud Short Message Service (Dysmsapi 2017-05-25, SendSms), with the
 * official client. It signs with ACS3-HMAC-SHA256, sends the parameters in the query string of a
 * POST, and never retries on its own (no retryOptions), so each call is exactly one attempt.
 *
 * SendSms reports most refusals as HTTP 200 with a `Code` other than `OK`; the client throws only
 * for HTTP 4xx/5xx (an error carrying `statusCode`, `code` and the parsed answer in `data`) and for
 * network failures (Node's errors, or `RequestTimeoutError` from its HTTP layer).
 */
import DysmsapiModule, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { splitPhoneNumber } from '../phone.js';
import { type Accepted, DeliveryError, type OutgoingSms, type SmsTransport } from '../transport.js';
import { oneLine } from './one-line.js';

export interface AliyunSmsSettings {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  /** A template per kind of message (`verification`, `test`, `notification`), instead of `templateCode`. */
  templateCodes?: Readonly<Partial<Record<string, string>>>;
  /** A host (`dysmsapi.aliyuncs.com`, HTTPS) or a whole `http(s)://host:port` URL. */
  endpoint: string;
  timeoutMs: number;
}

// A CommonJS module whose `exports.default` is the client class.
const Dysmsapi = ((DysmsapiModule as unknown as { default?: unknown }).default ?? DysmsapiModule) as typeof DysmsapiModule.default;

export function createAliyunSmsTransport(settings: AliyunSmsSettings): SmsTransport {
  const { endpoint, protocol } = parseEndpoint(settings.endpoint);
  const client = new Dysmsapi(
    new $OpenApiUtil.Config({
      accessKeyId: settings.accessKeyId,
      accessKeySecret: settings.accessKeySecret,
      endpoint,
      protocol,
      connectTimeout: settings.timeoutMs,
      readTimeout: settings.timeoutMs,
    }),
  );

  return {
    name: 'aliyun',
    async send(message: OutgoingSms): Promise<Accepted> {
      const request = new SendSmsRequest({
        phoneNumbers: aliyunPhoneNumber(message.phoneNumber),
        signName: settings.signName,
        templateCode: settings.templateCodes?.[message.purpose] ?? settings.templateCode,
        templateParam: JSON.stringify(message.templateParams),
        outId: message.deliveryId,
      });
      let body: { code?: string; message?: string; bizId?: string } | undefined;
      try {
        body = (await withinDeadline(client.sendSms(request), settings.timeoutMs)).body;
      } catch (caught) {
        throw failure(caught, endpoint, settings.timeoutMs);
      }
      const code = body?.code ?? '';
      if (code === 'OK') return body?.bizId ? { providerId: body.bizId } : {};
      // An answer without a Code is not SendSms talking (a proxy's page, say), as with one that is not JSON.
      if (!code) throw new DeliveryError(`aliyun ${endpoint} answered without a Code`, true);
      throw new DeliveryError(`aliyun ${code}${detail(body?.message)}`, isTemporaryCode(code));
    },
    async close(): Promise<void> {},
  };
}

/**
 * What Alibaba expects in PhoneNumbers: the 11 digits alone for mainland China, otherwise the
 * country code followed by the number, digits only (`852-91234567` → `85291234567`).
 */
export function aliyunPhoneNumber(phoneNumber: string): string {
  const { countryCode, number } = splitPhoneNumber(phoneNumber);
  return countryCode === '86' ? number : `${countryCode}${number}`;
}

/** Flow control and the provider's own faults pass; anything about the request, account or number will not. */
function isTemporaryCode(code: string): boolean {
  if (code === 'isp.RAM_PERMISSION_DENY') return false;
  return (
    code.startsWith('Throttling') ||
    code.startsWith('isp.') ||
    /_LIMIT_CONTROL$/.test(code) || // isv.BUSINESS_LIMIT_CONTROL, isv.DAY_LIMIT_CONTROL: sent too many, for now
    /SYSTEM_ERROR|^InternalError|^ServiceUnavailable/.test(code)
  );
}

interface ClientFailure {
  name?: string;
  code?: string;
  statusCode?: number;
  data?: { Message?: unknown; message?: unknown };
}

function failure(caught: unknown, endpoint: string, timeoutMs: number): DeliveryError {
  const error = (caught ?? {}) as ClientFailure;
  if (typeof error.statusCode === 'number') {
    const code = error.code && error.code !== 'undefined' ? error.code : '';
    const message = error.data?.Message ?? error.data?.message;
    const temporary = error.statusCode >= 500 || isTemporaryCode(code);
    return new DeliveryError(
      `aliyun HTTP ${error.statusCode}${code ? ` ${code}` : ''}${detail(typeof message === 'string' ? message : undefined)}`,
      temporary,
    );
  }
  // The client's own messages name the whole URL, number and text included: build ours instead.
  if (error.name?.includes('Timeout')) return new DeliveryError(`aliyun ${endpoint} timed out after ${timeoutMs} ms`, true);
  if (error.code === 'ECONNREFUSED') return new DeliveryError(`connection refused ${endpoint}`, true);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new DeliveryError(`cannot resolve ${endpoint}`, true);
  if (error.name === 'SyntaxError') return new DeliveryError(`aliyun ${endpoint} answered something that is not JSON`, true);
  return new DeliveryError(`aliyun ${endpoint} unreachable (${error.code ?? error.name ?? 'unknown error'})`, true);
}

/**
 * The client's connect and read timers run one after the other, so together they could take
 * twice the timeout; the send must end within it, before the worker's lease does.
 */
function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'DeadlineTimeout' })), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function detail(message: string | undefined): string {
  return message ? `: ${oneLine(message, 160)}` : '';
}

/** `dysmsapi.aliyuncs.com` → HTTPS to that host; `http://127.0.0.1:8080` → HTTP to 127.0.0.1:8080. */
function parseEndpoint(value: string): { endpoint: string; protocol: 'http' | 'https' } {
  if (!value.includes('://')) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(value)) throw new Error(`aliyun SMS endpoint must be a host or an http(s) URL, not "${value}"`);
    return { endpoint: value, protocol: 'https' };
  }
  const url = new URL(value);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.username) {
    throw new Error(`aliyun SMS endpoint must be a host or an http(s) URL without a path, not "${value}"`);
  }
  return { endpoint: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
}
