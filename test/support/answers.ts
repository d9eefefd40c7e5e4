/** What every answer of the API looks like, checked the same way by every wire test. */
import assert from 'node:assert/strict';
import type { RawResponse } from '../wire/raw-request.js';

/** An error in the JSON envelope, with its status, code, request ID header and security header. */
export function assertError(response: RawResponse, status: number, code: string): any {
  let body: any;
  try {
    body = response.json();
  } catch {
    assert.fail(`not a JSON error body (${response.status}): ${response.text.slice(0, 300)}`);
  }
  assert.equal(body.Code, code, `expected ${code}, got ${response.status} ${response.text.slice(0, 300)}`);
  assert.equal(response.status, status, `status of ${code}`);
  assert.equal(response.headers['content-type'], 'application/json;charset=utf-8');
  assert.deepEqual(Object.keys(body).sort(), ['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  assert.match(body.RequestId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  assert.equal(response.headers['x-acs-request-id'], body.RequestId);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  return body;
}

/** A success: 200 JSON, no Code, the request ID in the header too. */
export function assertOk(response: RawResponse): any {
  assert.equal(response.status, 200, response.text.slice(0, 300));
  assert.equal(response.headers['content-type'], 'application/json;charset=utf-8');
  const body = response.json();
  assert.equal('Code' in body, false, 'a success body never has a Code field');
  assert.equal(response.headers['x-acs-request-id'], body.RequestId);
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  return body;
}
