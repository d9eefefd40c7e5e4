/**
 * The answers given before a request reaches a route, or instead of it: what Node's HTTP parser
 * refuses, what the router cannot read, bodies too large to read, timeouts. Every one of them is
 * the error envelope with a request ID (or, under /verify, a page), never a framework's own text.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode } from '../domain/errors.js';
import type { RequestOrigin } from '../domain/tenant.js';
import { errorEnvelope } from '../wire/render.js';

export const newRequestId = (): string => randomUUID().toUpperCase();

/** Where a request came from, as audit events record it: its peer, User-Agent, Host and scheme. */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'] ?? '';
  return {
    sourceIp: request.ip,
    userAgent: userAgent.slice(0, 1024),
    host: (request.headers.host ?? '').slice(0, 300),
    scheme: request.protocol === 'https' ? 'https' : 'http',
  };
}

/** Sent with every answer: no browser guesses another type than the one given. */
export const securityHeaders = { 'x-content-type-options': 'nosniff' } as const;

const reasons: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/**
 * What a request the parser could not take is answered: a request line longer than the query
 * limit is 414, other headers over the limit 431, a request that did not arrive in time 408, the
 * rest 400.
 */
type ParserError = Error & { code?: string; rawPacket?: unknown };

export function clientErrorCode(error: ParserError, maxQueryBytes: number): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'RequestTimeout';
  if (error.code !== 'HPE_HEADER_OVERFLOW') return 'BadRequest';
  // The bytes being parsed when the limit was passed: still the request line if no line ended yet.
  const packet = error.rawPacket;
  if (!Buffer.isBuffer(packet)) return 'RequestTooLarge.Header';
  const lineEnd = packet.indexOf('\r\n');
  return lineEnd < 0 || lineEnd > maxQueryBytes ? 'RequestTooLarge.Query' : 'RequestTooLarge.Header';
}

/** Answers on the bare socket, for requests Node's parser refused (or that timed out) before Fastify saw them. */
export function clientErrorHandler(maxQueryBytes: number) {
  return (error: ParserError, socket: Socket): void => {
    // An answer already on its way (a timeout while a 413's body is being drained): just close.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (socket.destroyed || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const apiError = new ApiError(clientErrorCode(error, maxQueryBytes));
    const requestId = newRequestId();
    const body = JSON.stringify(errorEnvelope(apiError, requestId, 'rdcontacts'));
    socket.end(
      `HTTP/1.1 ${apiError.status} ${reasons[apiError.status] ?? 'Bad Request'}\r\n` +
        `Content-Type: application/json;charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `x-acs-request-id: ${requestId}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

/**
 * After a 413, reads (and drops) what the client is still sending, up to `maxBytes`, instead of
 * closing the connection under it: a client still writing its body when the connection closes sees
 * EPIPE or a reset instead of the answer. The connection stays open for the next request once the
 * body has been read; more than `maxBytes`, or the request timeout, closes it.
 */
export function drainBody(request: FastifyRequest, reply: FastifyReply, maxBytes: number): void {
  const raw = request.raw;
  // Fastify asks for the connection to be closed, which would reset it while the body still arrives.
  reply.removeHeader('connection');
  if (raw.complete) return;
  let drained = 0;
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > maxBytes) raw.socket.destroy();
  });
  raw.resume();
}

export const maxDrainBytes = 64 * 1024 * 1024;
