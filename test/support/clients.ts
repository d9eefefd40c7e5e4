/**
 * The official Alibaba Cloud clients, each behind one small interface, so a test can run the same
 * calls through all of them:
 *  - openapi-v3: @alicloud/openapi-client callApi as the generated SDK calls it (ACS3-HMAC-SHA256, POST, query)
 *  - openapi-v2: the same with `signatureAlgorithm: 'v2'` (RPC HMAC-SHA1, POST, query)
 *  - pop-get / pop-post: @alicloud/pop-core RPCClient (RPC HMAC-SHA1, GET query or POST form body)
 *  - openapi-core: @alicloud/openapi-core callApi as the generated SDK 2.x calls it (ACS3, POST, query);
 *    not in `clientNames` (every suite would run once more), in `withSdk2` for the suites that need it
 */
import assert from 'node:assert/strict';
import OpenApiModule, * as OpenApiTypes from '@alicloud/openapi-client';
import OpenApiUtilModule from '@alicloud/openapi-util';
import * as TeaUtil from '@alicloud/tea-util';
import RPCClient from '@alicloud/pop-core';
import OpenApiCoreModule, { $OpenApiUtil as CoreUtil, OpenApiUtil as CoreOpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import type { Credentials } from './server.js';

/** What a client signs with: an AccessKey pair (a test's Credentials carry more, which is fine). */
export type KeyPair = Pick<Credentials, 'accessKeyId' | 'accessKeySecret'> & Partial<Credentials>;

export type ClientName = 'openapi-v3' | 'openapi-v2' | 'pop-get' | 'pop-post' | 'openapi-core';
export const clientNames: ClientName[] = ['openapi-v3', 'openapi-v2', 'pop-get', 'pop-post'];
/** The four clients and the generated SDK 2.x runtime. */
export const withSdk2: ClientName[] = [...clientNames, 'openapi-core'];

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
    /** What @alicloud/openapi-client reads out of a denial (`error.accessDeniedDetail`); pop-core has none. */
    readonly accessDeniedDetail?: Body,
  ) {
    super(message);
  }
}

export interface ApiClient {
  name: ClientName;
  call(action: string, params?: Params): Promise<Body>;
  /** As `call`, with the response headers where the client exposes them (pop-core does not). */
  exchange(action: string, params?: Params): Promise<{ body: Body; headers: Record<string, string> | undefined }>;
}

const OpenApi = ((OpenApiModule as any).default ?? OpenApiModule) as typeof OpenApiModule;
const OpenApiUtil = ((OpenApiUtilModule as any).default ?? OpenApiUtilModule) as any;

/** The versions of the products the endpoint serves. */
export const versions = { resourceDirectoryMaster: '2022-04-19', ram: '2015-05-01', sts: '2015-04-01', actiontrail: '2020-07-06' } as const;

/** What a generated SDK passes to `callApi` (as `Params`) for every RPC action, besides its name and version. */
const rpcCall = {
  protocol: 'HTTP',
  pathname: '/',
  method: 'POST',
  authType: 'AK',
  style: 'RPC',
  reqBodyType: 'formData',
  bodyType: 'json',
} as const;

/** The `Params` a generated SDK passes to `callApi` for every action of a product. */
export function rpcParams(action: string, version: string = versions.resourceDirectoryMaster): OpenApiTypes.Params {
  return new OpenApiTypes.Params({ action, version, ...rpcCall });
}

function withoutUndefined(params: Params): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

/**
 * The classes of one generation of the OpenAPI runtime: @alicloud/openapi-client 0.4 (what the
 * generated SDK 1.x calls) or @alicloud/openapi-core (what the generated SDK 2.x calls). Both are
 * called the same way; only the classes differ.
 */
interface OpenApiRuntime {
  Client: any;
  Config: new (config: Record<string, unknown>) => unknown;
  Params: new (params: Record<string, unknown>) => unknown;
  OpenApiRequest: new (request: Record<string, unknown>) => unknown;
  query: (params: Record<string, unknown>) => Record<string, string>;
  RuntimeOptions: new (options: Record<string, unknown>) => unknown;
}

const OpenApiCore = ((OpenApiCoreModule as any).default ?? OpenApiCoreModule) as typeof OpenApiCoreModule;

const runtimes: Record<'openapi-client' | 'openapi-core', OpenApiRuntime> = {
  'openapi-client': {
    Client: OpenApi,
    Config: OpenApiTypes.Config,
    Params: OpenApiTypes.Params,
    OpenApiRequest: OpenApiTypes.OpenApiRequest,
    query: (params) => OpenApiUtil.query(params),
    RuntimeOptions: TeaUtil.RuntimeOptions,
  },
  'openapi-core': {
    Client: OpenApiCore,
    Config: CoreUtil.Config,
    Params: CoreUtil.Params,
    OpenApiRequest: CoreUtil.OpenApiRequest,
    query: (params) => (CoreOpenApiUtil as any).query(params),
    RuntimeOptions: $dara.RuntimeOptions,
  },
};

/** `callApi` exactly as a generated SDK method calls it: business parameters flattened into the query of a POST. */
function openApiClient(
  endpoint: string,
  credentials: KeyPair,
  name: 'openapi-v3' | 'openapi-v2' | 'openapi-core',
  version: string,
): ApiClient {
  const runtime = runtimes[name === 'openapi-core' ? 'openapi-core' : 'openapi-client'];
  const client = new runtime.Client(
    new runtime.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      endpoint,
      protocol: 'http',
      ...(name === 'openapi-v2' ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
  const exchange: ApiClient['exchange'] = async (action, params = {}) => {
    const request = new runtime.OpenApiRequest({ query: runtime.query(withoutUndefined(params)) });
    const apiParams = new runtime.Params({ action, version, ...rpcCall });
    try {
      const response = await client.callApi(apiParams, request, new runtime.RuntimeOptions({}));
      return { body: response.body as Body, headers: response.headers as Record<string, string> };
    } catch (error: any) {
      if (typeof error?.code === 'string') {
        throw new CallFailure(error.code, error.statusCode, error.data, error.message, error.accessDeniedDetail);
      }
      throw error;
    }
  };
  return { name, exchange, call: async (action, params) => (await exchange(action, params)).body };
}

function popClient(endpoint: string, credentials: KeyPair, name: 'pop-get' | 'pop-post', version: string): ApiClient {
  const client = new RPCClient({
    endpoint: `http://${endpoint}`,
    apiVersion: version,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
  });
  const call: ApiClient['call'] = async (action, params = {}) => {
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
  };
  return { name, call, exchange: async (action, params) => ({ body: await call(action, params), headers: undefined }) };
}

/** One official client for one product (by its version; ResourceDirectoryMaster unless told). */
export function apiClient(
  name: ClientName,
  endpoint: string,
  credentials: KeyPair,
  version: string = versions.resourceDirectoryMaster,
): ApiClient {
  return name.startsWith('openapi')
    ? openApiClient(endpoint, credentials, name as 'openapi-v3' | 'openapi-v2' | 'openapi-core', version)
    : popClient(endpoint, credentials, name as 'pop-get' | 'pop-post', version);
}

/** Asserts that `promise` fails with `code` and HTTP `status`. */
export async function expectError(promise: Promise<unknown>, code: string, status: number): Promise<void> {
  const error = await failure(promise);
  assert.equal(error.code, code, error.message);
  assert.equal(error.statusCode, status, `${code}: status`);
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

/** The same client, answering plain JSON data (pop-core builds objects without a prototype). */
export function plain(client: ApiClient): ApiClient {
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    name: client.name,
    call: async (action, params) => copy(await client.call(action, params)),
    exchange: async (action, params) => copy(await client.exchange(action, params)),
  };
}
