/**
 * The edges of HTTP: what the parser refuses, what the router cannot read, requests without Host,
 * slow senders, idle connections, bodies too large. Each is answered in the envelope with a request
 * ID (or, under /verify, with a page), and slow or silent connections are closed on time.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { assertError, assertOk } from '../support/answers.js';
import { type TestServer, startServer } from '../support/server.js';
import { type RawResponse, send, sendBytes, signRpc } from './raw-request.js';
import { ServeProcess, removeTempDirs, tempDir, freePort } from '../cli/helpers.js';

function assertPage(response: RawResponse, status: number): void {
  assert.equal(response.status, status, response.text.slice(0, 200));
  assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['x-frame-options'], 'DENY');
  assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
  assert.match(response.text, /<h1>Link not found<\/h1>/);
}

/** Opens a connection and resolves, with the bytes received, when the server closes it. */
function untilClosed(endpoint: string, behave: (write: (text: string) => void) => () => void): Promise<{ received: string; ms: number }> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: host!, port: Number(port) });
    let received = '';
    let stop = () => {};
    socket.on('connect', () => {
      stop = behave((text) => {
        if (!socket.destroyed) socket.write(text);
      });
    });
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => {
      stop();
      resolve({ received, ms: Date.now() - started });
    });
  });
}

describe('HTTP edges', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ config: { requestTimeoutMs: 1000, idleTimeoutMs: 1500 } });
  });
  after(() => server.close());

  const parsed = (raw: string): RawResponse => {
    const split = raw.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const text = raw.slice(split + 4);
    return { status: Number(statusLine.split(' ')[1]), headers, text, json: () => JSON.parse(text), fullText: () => raw };
  };

  describe('answers outside the routes are the envelope, with a request ID', () => {
    test('what the HTTP parser refuses → 400 BadRequest', async () => {
      assertError(await sendBytes(server.endpoint, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'BadRequest');
      assertError(await sendBytes(server.endpoint, `GET / HTTP/1.1\r\nHost: ${server.endpoint}\r\nContent-Length: x\r\n\r\n`), 400, 'BadRequest');
    });

    test('headers over the limit → 431 with a request ID', async () => {
      const response = await sendBytes(server.endpoint, `GET / HTTP/1.1\r\nHost: ${server.endpoint}\r\nX-Padding: ${'p'.repeat(40 * 1024)}\r\n\r\n`);
      assertError(response, 431, 'RequestTooLarge.Header');
    });

    test('a query of ~34 KB → 414 RequestTooLarge.Query, not 431', async () => {
      const request = signRpc({ key: server.credentials, params: { Huge: 'x'.repeat(34 * 1024) } });
      assertError(await send(server.endpoint, request), 414, 'RequestTooLarge.Query');
      const raw = await sendBytes(server.endpoint, `GET /?Huge=${'y'.repeat(40 * 1024)} HTTP/1.1\r\nHost: ${server.endpoint}\r\n\r\n`);
      assertError(raw, 414, 'RequestTooLarge.Query');
    });

    test('a request without Host → 400 BadRequest in the envelope (HTTP/1.0 needs none)', async () => {
      assertError(await sendBytes(server.endpoint, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'BadRequest');
      assertError(await sendBytes(server.endpoint, 'GET / HTTP/1.0\r\n\r\n'), 400, 'MissingAction');
    });

    test('a URL the router cannot decode (/%ZZ) → 400 BadRequest, never the framework\'s text', async () => {
      const response = await send(server.endpoint, { method: 'GET', path: '/%ZZ', headers: {} });
      const body = assertError(response, 400, 'BadRequest');
      assert.doesNotMatch(response.fullText(), /FST_ERR|%ZZ/);
      assert.equal(body.Code, 'BadRequest');
    });

    test('under /verify: a token the router cannot decode, one far too long, another method → the "link not found" page', async () => {
      assertPage(await send(server.endpoint, { method: 'GET', path: '/verify/%ZZ', headers: {} }), 404);
      assertPage(await send(server.endpoint, { method: 'GET', path: `/verify/${'a'.repeat(150)}`, headers: {} }), 404);
      assertPage(await send(server.endpoint, { method: 'PUT', path: '/verify/abc', headers: {} }), 404);
    });

    test('X-Content-Type-Options: nosniff on successes, health checks and pages too', async () => {
      assertOk(await send(server.endpoint, signRpc({ key: server.credentials })));
      for (const path of ['/healthz', '/readyz', '/verify/unknown']) {
        const response = await send(server.endpoint, { method: 'GET', path, headers: {} });
        assert.equal(response.headers['x-content-type-options'], 'nosniff', path);
      }
    });
  });

  describe('slow and silent connections', () => {
    test('a body sent one byte at a time is cut off by the request timeout: 408 RequestTimeout, connection closed', async () => {
      const { received, ms } = await untilClosed(server.endpoint, (write) => {
        write(`POST / HTTP/1.1\r\nHost: ${server.endpoint}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n`);
        const timer = setInterval(() => write('a'), 100);
        return () => clearInterval(timer);
      });
      const response = parsed(received);
      assertError(response, 408, 'RequestTimeout');
      // The timeout is 1 s and looked at every second: closed within 2 s and some slack, never left open.
      assert.ok(ms >= 900 && ms < 5000, `closed after ${ms} ms`);
    });

    test('headers sent one byte at a time are cut off too', async () => {
      const { received, ms } = await untilClosed(server.endpoint, (write) => {
        write('GET / HTTP/1.1\r\n');
        const timer = setInterval(() => write('X'), 100);
        return () => clearInterval(timer);
      });
      assertError(parsed(received), 408, 'RequestTimeout');
      assert.ok(ms < 5000, `closed after ${ms} ms`);
    });

    test('a connection that sends nothing is closed after the idle timeout; so is a kept-alive one after its answer', async () => {
      const silent = await untilClosed(server.endpoint, () => () => {});
      assert.equal(silent.received, '');
      assert.ok(silent.ms >= 900 && silent.ms < 5000, `closed after ${silent.ms} ms`);

      const request = signRpc({ key: server.credentials });
      const keptAlive = await untilClosed(server.endpoint, (write) => {
        write(`GET ${request.path} HTTP/1.1\r\nHost: ${server.endpoint}\r\n\r\n`);
        return () => {};
      });
      assert.match(keptAlive.received, /^HTTP\/1\.1 200 /);
      assert.ok(keptAlive.ms < 5000, `closed after ${keptAlive.ms} ms`);
    });
  });
});

describe('a body over the limit, from a client still sending it', () => {
  let serve: ServeProcess;
  let endpoint: string;
  before(async () => {
    const port = await freePort();
    serve = await ServeProcess.start(['--database', 'sqlite::memory:', '--port', String(port)], { cwd: await tempDir() });
    endpoint = `127.0.0.1:${port}`;
  });
  after(async () => {
    await serve.kill();
    await removeTempDirs();
  });

  test('20 MB bodies from fetch: the client reads the 413 every time, never EPIPE or a reset', async () => {
    const body = Buffer.alloc(20 * 1024 * 1024, 'a');
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const response = await fetch(`http://${endpoint}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        const answer = (await response.json()) as { Code?: string };
        outcomes.push(`${response.status} ${answer.Code}`);
      } catch (error) {
        outcomes.push(`failed: ${String((error as { cause?: { code?: string } }).cause?.code ?? error)}`);
      }
    }
    assert.deepEqual(outcomes, Array(20).fill('413 RequestTooLarge.Body'));
  });

  test('the connection stays usable after the body was read', async () => {
    const response = await fetch(`http://${endpoint}/healthz`);
    assert.equal(response.status, 200);
  });
});
