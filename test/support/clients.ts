/**
 * The official Alibaba Cloud clients, each behind one small interface, so a test can run the same
 * calls through all of them:
 *  - openapi-v3: @alicloud/openapi-client callApi as the generated SDK calls it (ACS3-HMAC-SHA256, POST, query)
 *  - openapi-v2: the same with `signatureAlgorithm: 'v2'` (RPC HMAC-SHA1, POST, query)
 *  - pop-get / pop-post: @alicloud/pop-core RPCClient (RPC HMAC-SHA1, GET query or POST form body)
 */
import OpenApiModule, * as OpenApiTypes from '@alicloud/openapi-client';
import OpenApiUtilModule from '@alicloud/openapi-util';
import * as TeaUtil from '@alicloud/tea-util';
import RPCClient from '@alicloud/pop-core';
import type { Credentials } from './server.js';

export type ClientName = 'openapi-v3' | 'openapi-v2' | 'pop-get' | 'pop-post';
export const clientNames: ClientName[] = ['openapi-v3', 'openapi-v2', 'pop-get', 'pop-post'];

export type Params = Record<string, string | number | boolean | string[] | undefined>;
export type Body = Record<string, any>;

/** What a failed call looks like, whichever client made it. */
export class CallFailure extends Error {
  constructor(
    readonly code: string,
    /** The HTTP status; pop-core does not expose one on its errors, so it is read from its entry. */
    readonly statusCode: number | undefined,
    readonly data: Body | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  name: ClientName;
  call(action: string, params?: Params): Promise<Body>;
}

const OpenApi = ((OpenApiModule as any).default ?? OpenApiModule) as typeof OpenApiModule;
const OpenApiUtil = ((OpenApiUtilModule as any).default ?? OpenApiUtilModule) as any;

function withoutUndefined(params: Params): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

function openApiClient(endpoint: string, credentials: Credentials, name: 'openapi-v3' | 'openapi-v2'): ApiClient {
  const config = new OpenApiTypes.Config({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    endpoint,
    protocol: 'http',
    ...(name === 'openapi-v2' ? { signatureAlgorithm: 'v2' } : {}),
  });
  const client = new (OpenApi as any)(config);
  return {
    name,
    async call(action, params = {}) {
      const request = new OpenApiTypes.OpenApiRequest({ query: OpenApiUtil.query(withoutUndefined(params)) });
      const apiParams = new OpenApiTypes.Params({
        action,
        version: '2022-04-19',
        protocol: 'HTTP',
        pathname: '/',
        method: 'POST',
        authType: 'AK',
        style: 'RPC',
        reqBodyType: 'formData',
        bodyType: 'json',
      });
      try {
        const response = await client.callApi(apiParams, request, new TeaUtil.RuntimeOptions({}));
        return response.body as Body;
      } catch (error: any) {
        if (typeof error?.code === 'string') {
          throw new CallFailure(error.code, error.statusCode, error.data, error.message);
        }
        throw error;
      }
    },
  };
}

function popClient(endpoint: string, credentials: Credentials, name: 'pop-get' | 'pop-post'): ApiClient {
  const client = new RPCClient({
    endpoint: `http://${endpoint}`,
    apiVersion: '2022-04-19',
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
  });
  return {
    name,
    async call(action, params = {}) {
      try {
        return (await client.request(action, withoutUndefined(params), {
          method: name === 'pop-post' ? 'POST' : 'GET',
          timeout: 10_000,
        })) as Body;
      } catch (error: any) {
        if (typeof error?.code === 'string') {
          throw new CallFailure(error.code, error.entry?.response?.statusCode, error.data, error.message);
        }
        throw error;
      }
    },
  };
}

export function apiClient(name: ClientName, endpoint: string, credentials: Credentials): ApiClient {
  return name.startsWith('openapi')
    ? openApiClient(endpoint, credentials, name as 'openapi-v3' | 'openapi-v2')
    : popClient(endpoint, credentials, name as 'pop-get' | 'pop-post');
}

/** Runs `promise` and returns the failure it must end in. */
export async function failure(promise: Promise<unknown>): Promise<CallFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CallFailure) return error;
    throw error;
  }
  throw new Error('the call succeeded, but a failure was expected');
}
