/**
 * What the Ram wire suites share: a client of the Ram (or Sts) product for a key, exact-shape
 * assertions of the answers (every key, every type, dates in RAM's form), unique names, and a RAM
 * user that may do everything (AdministratorAccess), made through the API as an operator would.
 */
import assert from 'node:assert/strict';
import { type ApiClient, type Body, type ClientName, type KeyPair, apiClient, plain, versions } from '../support/clients.js';
import type { TestServer } from '../support/server.js';

/** `2015-01-23T12:33:18Z`: UTC, no fraction (spec ram.md §1.4). */
export const ramDatePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * The expected shape of an answer: a leaf names a JSON type (`date`: a string in RAM's date form;
 * `userId`: 16 decimal digits), an object lists exactly the keys that must be there, `[shape]`
 * an array whose every item has that shape, and `[]` an array that must be empty.
 */
export type Shape = 'string' | 'number' | 'boolean' | 'date' | 'userId' | readonly Shape[] | { readonly [key: string]: Shape };

export function assertShape(value: unknown, shape: Shape, path = '$'): void {
  if (typeof shape === 'string') {
    switch (shape) {
      case 'date':
        assert.match(String(value), ramDatePattern, `${path} is a RAM date`);
        assert.equal(typeof value, 'string', path);
        return;
      case 'userId':
        assert.equal(typeof value, 'string', path);
        assert.match(value as string, /^[1-9]\d{15}$/, `${path} is a UserId`);
        return;
      default:
        assert.equal(typeof value, shape, `${path} is a ${shape}: ${JSON.stringify(value)}`);
        return;
    }
  }
  if (Array.isArray(shape)) {
    assert.ok(Array.isArray(value), `${path} is an array: ${JSON.stringify(value)}`);
    if (shape.length === 0) assert.deepEqual(value, [], `${path} is empty`);
    else (value as unknown[]).forEach((item, index) => assertShape(item, shape[0]!, `${path}[${index}]`));
    return;
  }
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${path} is an object: ${JSON.stringify(value)}`);
  const fields = shape as { readonly [key: string]: Shape };
  assert.deepEqual(Object.keys(value as object).sort(), Object.keys(fields).sort(), `${path}: exactly these keys`);
  for (const [key, child] of Object.entries(fields)) assertShape((value as Record<string, unknown>)[key], child, `${path}.${key}`);
}

/** The body has a RequestId and, besides it, exactly `shape`. */
export function assertAnswer(body: Body, shape: { readonly [key: string]: Shape }): void {
  assertShape(body, { RequestId: 'string', ...shape });
}

/** A Ram client answering plain JSON data. */
export function ramClient(server: TestServer, name: ClientName, key: KeyPair = server.credentials): ApiClient {
  return plain(apiClient(name, server.endpoint, key, versions.ram));
}

export function stsClient(server: TestServer, name: ClientName, key: KeyPair): ApiClient {
  return plain(apiClient(name, server.endpoint, key, versions.sts));
}

let counter = 0;
/** A name no other test of the run uses: letters, digits and `-`, valid for users, groups and policies. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

export const allowEverything = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

export const policyDocument = (action: string, resource = '*'): string =>
  JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

/** A RAM user with AdministratorAccess and one AccessKey, made through `root`. */
export async function adminUser(root: ApiClient, userName = unique('admin')): Promise<{ userName: string; userId: string; key: KeyPair }> {
  const created = await root.call('CreateUser', { UserName: userName });
  await root.call('AttachPolicyToUser', { PolicyType: 'System', PolicyName: 'AdministratorAccess', UserName: userName });
  const key = (await root.call('CreateAccessKey', { UserName: userName })).AccessKey;
  return { userName, userId: created.User.UserId as string, key: { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret } };
}

/** Every page of a Marker/MaxItems listing, with the markers checked: present exactly while IsTruncated. */
export async function allPages(
  client: ApiClient,
  action: string,
  params: Record<string, string | number>,
  items: (body: Body) => Body[],
): Promise<{ pages: Body[][]; items: Body[] }> {
  const pages: Body[][] = [];
  let marker: string | undefined;
  for (;;) {
    const body = await client.call(action, { ...params, ...(marker !== undefined ? { Marker: marker } : {}) });
    assert.equal(typeof body.IsTruncated, 'boolean', 'IsTruncated is a JSON boolean');
    pages.push(items(body));
    if (!body.IsTruncated) {
      assert.equal('Marker' in body, false, 'no Marker on the last page');
      break;
    }
    assert.equal(typeof body.Marker, 'string', 'a Marker while truncated');
    assert.notEqual(body.Marker, marker, 'the marker moves on');
    marker = body.Marker as string;
    assert.ok(pages.length < 100, 'paging ends');
  }
  return { pages, items: pages.flat() };
}
