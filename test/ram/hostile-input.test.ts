/**
 * Hostile parameters to every Ram action, signed by the root key and by a RAM user with
 * AdministratorAccess (whose calls also build the resources RAM evaluates from those parameters),
 * on both stores: every answer is a JSON envelope and none is a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ram } from '../../src/products/ram/index.js';
import { type KeyPair, versions } from '../support/clients.js';
import { backends } from '../support/backends.js';
import { startServer, type TestServer } from '../support/server.js';
import { send, signRpc } from '../wire/raw-request.js';
import { adminUser, ramClient } from './support.js';

const marker = (...parts: string[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

const hostile: readonly string[] = [
  '',
  ' ',
  'x'.repeat(8000),
  '[]',
  '[{}]',
  '[{"Key":1,"Value":{}}]',
  '[{"Key":"k","Value":null}]',
  '{"Key":"k"}',
  `[${Array.from({ length: 2000 }, (_, index) => `"p${index}"`).join(',')}]`,
  '["AdministratorAccess","../x","*"]',
  'null',
  '-1',
  '0',
  '1e9',
  '99999999999999999999',
  'TRUE',
  "'; drop table ram_users; --",
  '😀'.repeat(200),
  'v0',
  'v999999999999',
  'System',
  'Custom',
  'DeleteOldestNonDefaultVersionWhenLimitExceeded',
  '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"999.1.1.1/99"}}}]}',
  '{"Version":"1","Statement":[' + '{"Effect":"Deny","Action":"*","Resource":"*"},'.repeat(120) + '{}]}',
  marker('users', '9999-99-99', "'"),
  marker('policies', 'C', '', ''),
  marker('policies', 'S', 'nothing'),
  marker('members', 'a', 'b'),
  marker('tags', '', ''),
  marker('users'),
];

for (const backend of backends) {
  describe(`hostile parameters to the Ram actions [${backend.name}]`, () => {
    let server: TestServer;
    let admin: KeyPair;
    before(async () => {
      server = await startServer({ backend });
      const root = ramClient(server, 'openapi-v3');
      admin = (await adminUser(root, 'fuzz-admin')).key;
      await root.call('CreateUser', { UserName: 'fuzz' });
      await root.call('CreateGroup', { GroupName: 'fuzz' });
      await root.call('CreatePolicy', { PolicyName: 'fuzz', PolicyDocument: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' });
    });
    after(() => server.close());

    test('no answer is a 5xx, whatever each parameter holds', async () => {
      let index = 0;
      for (const [name, action] of ram.actions) {
        const names = Object.keys(action.params);
        for (let round = 0; round < 8; round += 1) {
          const params: Record<string, string> = {};
          for (const param of names) {
            const roll = (index * 7 + round * 13 + param.length) % (hostile.length + 3);
            params[param] = roll < hostile.length ? hostile[roll]! : roll === hostile.length ? 'fuzz' : roll === hostile.length + 1 ? 'FUZZ' : 'AdministratorAccess';
            index += 1;
          }
          if (round % 3 === 0) params['Tag.1.Key'] = hostile[index % hostile.length]!;
          const key = round % 2 === 0 ? server.credentials : admin;
          const response = await send(server.endpoint, signRpc({ key, action: name, version: versions.ram, method: round % 4 < 2 ? 'POST' : 'GET', params }));
          assert.ok(response.status < 500, `${name} ${JSON.stringify(params).slice(0, 300)} → ${response.status} ${response.text.slice(0, 300)}`);
          const body = response.json();
          assert.equal(typeof body.RequestId, 'string');
          if (response.status >= 400) assert.equal(typeof body.Code, 'string');
        }
      }
    });
  });
}
