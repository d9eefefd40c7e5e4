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
import type { Tenant } from '../domain/tenant.js';
import type { Authenticator } from '../wire/authenticate.js';
import { usesAcs3 } from '../wire/authenticate.js';
import { checkParams, decodeParams } from '../wire/params.js';
import { type ResponseFormat, renderSuccess } from '../wire/render.js';
import type { ReplayGuard } from '../wire/replay-guard.js';
import { replyWithError } from './error-reply.js';
import { newRequestId } from './http-edges.js';
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
}

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
    let productName: string | undefined;
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
      const params = { ...query, ...body };
      format = responseFormat(params.Format);
      checkParams(params);

      // Only signed material chooses the action: the headers with ACS3, the parameters with RPC.
      const acs3 = usesAcs3(request.headers);
      actionName = acs3 ? headerText(request, 'x-acs-action') : params.Action;
      const version = acs3 ? headerText(request, 'x-acs-version') : params.Version;
      if (!actionName) throw new ApiError('MissingAction');
      if (!version) throw new ApiError('MissingVersion');
      const product = products.get(version);
      if (!product) throw new ApiError('NoSuchVersion');
      productName = product.name;
      const action = product.actions.get(actionName);
      if (!action) throw new ApiError('InvalidApi.NotFound');

      const caller = await options.authenticator.authenticate({
        method: request.method,
        query,
        body,
        rawBody,
        headers: request.headers,
      });
      accessKeyId = caller.accessKeyId;
      if (!caller.directoryId) throw new ApiError('InvalidAccessKeyId.NotFound');
      const waitMs = await options.throttle.take(`${caller.accountId}\n${action.name}`);
      if (waitMs > 0) throw new ApiError('Throttling.User', { 'x-acs-retry-after': String(waitMs) });
      // After throttling, so that a refused flood stores nothing; a state-changing request's nonce
      // is committed with its first change, or before its answer when it changed nothing.
      const admission = await options.replayGuard.use(caller.nonce, !action.readOnly);
      if (!admission) throw new ApiError('SignatureNonceUsed');

      await recordKeyUse(request, options, caller.accessKeyId);
      const tenant: Tenant = {
        accountId: caller.accountId,
        directoryId: caller.directoryId,
        actor: caller.accessKeyId,
        principal: caller.principal,
        requestId,
        ...(admission.receipt ? { receipt: admission.receipt } : {}),
      };
      let result: ResponseBody;
      try {
        // Before the parameters are checked or anything is looked up, so that a denied caller
        // learns nothing about what exists.
        await options.authorizer.authorize({
          tenant,
          principal: caller.principal,
          revision: caller.authorizationRevision,
          action: `${product.ramCode}:${action.name}`,
          resources: action.resources,
          resourceContext: { tenant, services: options.services, params },
          request: { sourceIp: request.ip, secureTransport: request.protocol === 'https' },
        });
        const values = coerceParams(action.params, params);
        result = await action.handle({ tenant, services: options.services }, values);
      } catch (failure) {
        await admission.settle(false);
        throw failure;
      }
      await admission.settle(true);
      const rendered = renderSuccess(action.name, { RequestId: requestId, ...result }, format);
      reply.code(200).header('content-type', rendered.contentType);
      logCall(request, requestId, actionName, accessKeyId, 200, undefined, started);
      return reply.send(rendered.body);
    } catch (caught) {
      const error = isApiError(caught) ? caught : new ApiError('InternalError');
      if (!isApiError(caught)) request.log.error({ err: caught, requestId, action: actionName }, 'request failed');
      logCall(request, requestId, actionName, accessKeyId, error.status, error.code, started);
      return replyWithError(request, reply, error, requestId, format, productName);
    }
  };
  app.get('/', handler);
  app.post('/', handler);
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
  started: bigint,
): void {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  request.log.info({ requestId, action, accessKeyId, status, code, ms: Math.round(ms * 100) / 100 }, 'call');
}
