/**
 * The metrics listener: a plain HTTP server of its own, beside the API's, answering `GET /metrics`
 * with a scrape in the Prometheus text format and nothing else (404 for any other path, 405 for
 * another method on /metrics). It shares nothing with the API's server: no signature, no
 * throttling, no log line per scrape.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsListener {
  /** The address listened on. */
  host: string;
  /** The port listened on (the one the system chose when asked for 0). */
  port: number;
  /** Stops listening and ends the connections still open. */
  close(): Promise<void>;
}

export interface MetricsListenerOptions {
  host: string;
  port: number;
  /** Told of a scrape that failed (answered 500). */
  onError?: (error: unknown) => void;
}

/** A scrape must arrive within this (a scraper sends a few hundred bytes of headers). */
const requestTimeoutMs = 10_000;

function answer(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function handler(registry: Registry, onError: (error: unknown) => void) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    // Nothing is read from a body: let it flow away.
    request.resume();
    const url = request.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    if (path !== '/metrics') return answer(response, 404, 'Not Found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        onError(error);
        if (!response.headersSent) answer(response, 500, 'the metrics could not be collected\n');
      },
    );
  };
}

/** Listens for scrapes of `registry` at `host`:`port`. */
export async function listenForScrapes(registry: Registry, options: MetricsListenerOptions): Promise<MetricsListener> {
  const server: Server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs }, handler(registry, options.onError ?? (() => {})));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
