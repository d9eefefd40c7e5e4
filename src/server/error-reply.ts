/** Sends an `ApiError` in the error envelope, with its status, headers and a request ID. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../domain/errors.js';
import { type ResponseFormat, renderError } from '../wire/render.js';
import { securityHeaders } from './http-edges.js';

export function replyWithError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: ApiError,
  requestId: string,
  format: ResponseFormat = 'JSON',
  product?: string,
): FastifyReply {
  const rendered = renderError(error, requestId, request.hostname || 'rdcontacts', format, product);
  return reply
    .code(error.status)
    .headers(securityHeaders)
    .header('x-acs-request-id', requestId)
    .header('content-type', rendered.contentType)
    .headers(error.headers)
    .send(rendered.body);
}
