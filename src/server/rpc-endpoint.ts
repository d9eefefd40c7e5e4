/**
 * `GET /` and `POST /`: the RPC endpoint of every product. A request names its product by its
 * Version and its action by Action (only signed material chooses either); it is authenticated,
 * throttled, its nonce used up, then authorized by RAM, and only then does its handler run.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authorizer } from '../domain/access/authorizer.js';
import { coerceParams, type ResponseBody, type Services } from '../products/define.js';
import { products } from '../products/index.js';
import { ApiError, isApiError } from '../domain/errors.js';
import type { ApiCall, Tenant } from '../domain/tenant.js';
import type { AuditTrail } from '../domain/audit-trail.js';
import type { Telemetry } from '../domain/telemetry.js';
import type { Action, Product } from '../products/define.js';
import type { Authenticator, SignedRequest, StoredCredential } from '../wire/authenticate.js';
import { usesAcs3 } from '../wire/authenticate.js';
import { checkParams, decodeParams } from '../wire/params.js';
import { type ResponseFormat, renderSuccess } from '../wire/render.js';
import type { ReplayGuard } from '../wire/replay-guard.js';
import { replyWithError } from './error-reply.js';
import { newRequestId, requestOrigin } from './http-edges.js';
import type { Throttle } from '../wire/throttle.js';

export interface RpcEndpointOptions {
  authenticator: Authenticator;
  throttle: Throttle;
  replayGuard: ReplayGuard;
  authorizer: Authorizer;
  services: Services;
  /** When a request arrives (an AccessKey's last use is recorded at it). */
  clock: () => Date;
  maxQueryBytes: number;
  /** Where refused calls are recorded as failed events. */
  auditTrail: AuditTrail;
  telemetry: Telemetry;
  /**
   * How many refused calls of one AccessKey are recorded per second, per process: a flood of
   * forged requests must not turn into a flood of writes.
   */
  refusalRecorder: Throttle;
}

/** Parameters a call's audit event never records: the signature's own, and secrets. */
const unrecordedParameters = new Set([
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
  'Action',
  'Version',
  'Format',
  'Password',
  'OldPassword',
  'NewPassword',
  'AccessKeySecret',
]);
/** Longest parameter value an event keeps; a longer one is cut, with `…`. */
const maxRecordedValue = 8192;

/**
 * The parameters of a call as its events record them: those the action declares (with their
 * `Name.N` items) and RegionId, in wire form; never a signature field or a secret.
 */
export function recordedParameters(action: Action, params: Readonly<Record<string, string>>): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (unrecordedParameters.has(name)) continue;
    const dot = name.indexOf('.');
    const declared = name === 'RegionId' || Object.hasOwn(action.params, dot < 0 ? name : name.slice(0, dot));
    if (!declared) continue;
    recorded[name] = value.length > maxRecordedValue ? `${value.slice(0, maxRecordedValue)}…` : value;
  }
  return recorded;
}

/** How far a call got: what its failure is counted and recorded as. */
type Stage = 'parse' | 'authenticate' | 'throttle' | 'nonce' | 'authorize' | 'run';
/** The stages of the signature checks: a failure there is an authentication failure. */
const signatureStages: ReadonlySet<Stage> = new Set(['authenticate', 'nonce']);
const refusedByRam = (stage: Stage, code: string) => stage === 'authorize' && code === 'NoPermission';

const emptyBody = Buffer.alloc(0);

function headerText(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function responseFormat(value: string | undefined): ResponseFormat {
  if (value === undefined || value === '') return 'JSON';
  const upper = value.toUpperCase();
  if (upper === 'JSON' || upper === 'XML') return upper;
  throw new ApiError('InvalidParameter.Format');
}

export function registerRpcEndpoint(app: FastifyInstance, options: RpcEndpointOptions): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const requestId = newRequestId();
    const started = process.hrtime.bigint();
    let format: ResponseFormat = 'JSON';
    let actionName: string | undefined;
    let accessKeyId: string | undefined;
    let product: Product | undefined;
    let action: Action | undefined;
    /** How far the call got: what a failure is counted and recorded as. */
    let stage = 'parse' as Stage;
    let signed: SignedRequest | undefined;
    let params: Record<string, string> = {};
    let tenant: Tenant | undefined;
    reply.header('x-acs-request-id', requestId);
    try {
      const url = request.raw.url ?? '/';
      const mark = url.indexOf('?');
      const rawQuery = mark >= 0 ? url.slice(mark + 1) : '';
      if (rawQuery.length > options.maxQueryBytes) throw new ApiError('RequestTooLarge.Query');
      const query = decodeParams(rawQuery);
      const rawBody = Buffer.isBuffer(request.body) ? request.body : emptyBody;
      let body: Record<string, string> = {};
      if (rawBody.length > 0) {
        const contentType = headerText(request, 'content-type') ?? '';
        if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
          throw new ApiError('UnsupportedMediaType');
        }
        body = decodeParams(rawBody.toString('utf8'));
      }
      params = { ...query, ...body };
      format = responseFormat(params.Format);
      checkParams(params);

      // Only signed material chooses the action: the headers with ACS3, the parameters with RPC.
      const acs3 = usesAcs3(request.headers);
      actionName = acs3 ? headerText(request, 'x-acs-action') : params.Action;
      const version = acs3 ? headerText(request, 'x-acs-version') : params.Version;
      if (!actionName) throw new ApiError('MissingAction');
      if (!version) throw new ApiError('MissingVersion');
      product = products.get(version);
      if (!product) throw new ApiError('NoSuchVersion');
      action = product.actions.get(actionName);
      if (!action) throw new ApiError('InvalidApi.NotFound');

      stage = 'authenticate';
      signed = { method: request.method, query, body, rawBody, headers: request.headers };
      const caller = await options.authenticator.authenticate(signed);
      accessKeyId = caller.accessKeyId;
      if (!caller.directoryId) throw new ApiError('InvalidAccessKeyId.NotFound');
      stage = 'throttle';
      const waitMs = await options.throttle.take(`${caller.accountId}\n${action.name}`);
      if (waitMs > 0) throw new ApiError('Throttling.User', { 'x-acs-retry-after': String(waitMs) });
      // After throttling, so that a refused flood stores nothing; a state-changing request's nonce
      // is committed with its first change, or before its answer when it changed nothing.
      stage = 'nonce';
      tenant = {
        accountId: caller.accountId,
        directoryId: caller.directoryId,
        actor: caller.accessKeyId,
        principal: caller.principal,
        requestId,
        origin: requestOrigin(request),
        call: apiCall(product, action, caller.scheme, params),
      };
      const admission = await options.replayGuard.use(caller.nonce, !action.readOnly);
      if (!admission) throw new ApiError('SignatureNonceUsed');
      if (admission.receipt) tenant.receipt = admission.receipt;

      await recordKeyUse(request, options, caller.accessKeyId);
      let result: ResponseBody;
      try {
        // Before the parameters are checked or anything is looked up, so that a denied caller
        // learns nothing about what exists.
        stage = 'authorize';
        await options.authorizer.authorize({
          tenant,
          principal: caller.principal,
          revision: caller.authorizationRevision,
          action: `${product.ramCode}:${action.name}`,
          resources: action.resources,
          resourceContext: { tenant, services: options.services, params },
          request: { sourceIp: request.ip, secureTransport: request.protocol === 'https' },
        });
        stage = 'run';
        const values = coerceParams(action.params, params);
        result = await action.handle({ tenant, services: options.services }, values);
      } catch (failure) {
        await admission.settle(false);
        throw failure;
      }
      await admission.settle(true);
      const rendered = renderSuccess(action.name, { RequestId: requestId, ...result }, format);
      reply.code(200).header('content-type', rendered.contentType);
      const seconds = secondsSince(started);
      logCall(request, requestId, actionName, accessKeyId, 200, undefined, seconds);
      report(options.telemetry, product, action, 'OK', 200, seconds);
      return reply.send(rendered.body);
    } catch (caught) {
      const error = isApiError(caught) ? caught : new ApiError('InternalError');
      if (!isApiError(caught)) request.log.error({ err: caught, requestId, action: actionName }, 'request failed');
      const seconds = secondsSince(started);
      logCall(request, requestId, actionName, accessKeyId, error.status, error.code, seconds);
      report(options.telemetry, product, action, error.code, error.status, seconds);
      if (signatureStages.has(stage)) options.telemetry.authFailure(error.code);
      if (error.code === 'Throttling.User' && action) options.telemetry.throttled(action.name);
      const refused = (signatureStages.has(stage) && error.code !== 'InvalidAccessKeyId.NotFound') || refusedByRam(stage, error.code);
      if (refused && product && action) {
        await recordRefusal(request, options, { requestId, product, action, params, signed, tenant }, error);
      }
      return replyWithError(request, reply, error, requestId, format, product?.name);
    }
  };
  app.get('/', handler);
  app.post('/', handler);
}

/** The call as its events record it; its parameters are picked only when an event is written (reads rarely write one). */
function apiCall(product: Product, action: Action, signatureMethod: string, params: Readonly<Record<string, string>>): ApiCall {
  let parameters: Record<string, string> | undefined;
  return {
    product: product.name,
    serviceName: product.serviceName,
    apiVersion: product.version,
    action: action.name,
    readOnly: action.readOnly === true,
    signatureMethod,
    get parameters() {
      return (parameters ??= recordedParameters(action, params));
    },
  };
}

/** The answered call, to the metrics: labels from the declarations and the catalogue only. */
function report(telemetry: Telemetry, product: Product | undefined, action: Action | undefined, code: string, status: number, seconds: number): void {
  telemetry.call({ product: product?.name ?? 'unknown', action: action?.name ?? 'unknown', code, status, seconds });
}

const secondsSince = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/**
 * A call refused by RAM, or by its signature checks with a key that exists: a failed event in the
 * trail of the key's account, at most `refusalRecorder` allows per key. Recording never changes
 * the answer.
 */
async function recordRefusal(
  request: FastifyRequest,
  options: RpcEndpointOptions,
  call: { requestId: string; product: Product; action: Action; params: Record<string, string>; signed: SignedRequest | undefined; tenant: Tenant | undefined },
  error: ApiError,
): Promise<void> {
  try {
    let tenant = call.tenant;
    if (!tenant) {
      const key: StoredCredential | undefined = call.signed ? await options.authenticator.keyNamedBy(call.signed) : undefined;
      if (!key?.directoryId) return;
      tenant = {
        accountId: key.accountId,
        directoryId: key.directoryId,
        actor: key.accessKeyId,
        principal: key.principal,
        requestId: call.requestId,
        origin: requestOrigin(request),
        call: apiCall(call.product, call.action, usesAcs3(request.headers) ? 'ACS3-HMAC-SHA256' : 'HMAC-SHA1', call.params),
      };
    }
    if ((await options.refusalRecorder.take(tenant.actor)) > 0) return;
    await options.auditTrail.recordRefusal(tenant, { code: error.code, message: error.message });
  } catch (failure) {
    request.log.error({ err: failure, requestId: call.requestId }, 'a refused call could not be recorded in the audit trail');
  }
}

/**
 * GetAccessKeyLastUsed's answer: written at most once a minute per key. A failure to record it
 * never fails the call it belongs to.
 */
async function recordKeyUse(request: FastifyRequest, options: RpcEndpointOptions, accessKeyId: string): Promise<void> {
  try {
    await options.services.ram.accessKeys.touchLastUsed(accessKeyId, options.clock());
  } catch (error) {
    request.log.warn({ err: error, accessKeyId }, 'could not record the last use of an AccessKey');
  }
}

/** One line per call: never parameters, so no address, number or signature reaches the log. */
function logCall(
  request: FastifyRequest,
  requestId: string,
  action: string | undefined,
  accessKeyId: string | undefined,
  status: number,
  code: string | undefined,
  seconds: number,
): void {
  request.log.info({ requestId, action, accessKeyId, status, code, ms: Math.round(seconds * 100_000) / 100 }, 'call');
}
