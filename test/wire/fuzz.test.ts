/**
 * Fuzzing the endpoint on every store: thousands of requests drawn from a seeded generator — every
 * action with its declared parameters filled with good and hostile values, extra and mangled
 * parameter names, list indexes in and out of range, signed (RPC GET and POST, ACS3 with a query
 * or a form body), unsigned, and signed then mangled byte by byte. Every answer is the envelope
 * (JSON with a RequestId, `x-acs-request-id`, nosniff) and none is a 5xx; the same sequence gets
 * the same statuses and codes on both stores (all but the mangled ones, whose bytes differ).
 *
 * RDC_FUZZ_SEED picks another sequence (the seed in use is printed); RDC_FUZZ_REQUESTS its length.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resourceDirectoryMaster } from '../../src/products/resource-directory-master/index.js';
import { ram } from '../../src/products/ram/index.js';
import { sts } from '../../src/products/sts/index.js';
import type { ParamSpec, Product } from '../../src/products/define.js';
import { messageTypes, titles } from '../../src/domain/contact-fields.js';
import { backends } from '../support/backends.js';
import { apiClient } from '../support/clients.js';
import { type TestServer, startServer } from '../support/server.js';
import { type RawRequest, type RawResponse, encodeParams, send, sendBytes, signAcs3, signRpc } from './raw-request.js';

const seed = Number(process.env.RDC_FUZZ_SEED ?? 20261203);
const requestCount = Number(process.env.RDC_FUZZ_REQUESTS ?? 2500);

/** mulberry32: a small, fast PRNG; the same seed gives the same sequence everywhere. */
function generator(start: number) {
  let state = start >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    chance: (p: number) => next() < p,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
  };
}
type Random = ReturnType<typeof generator>;

/** Identifiers of the fixture, resolved per store when a request is built. */
type Placeholder = '$contact' | '$folder' | '$root' | '$account' | '$directory';
const placeholders: readonly Placeholder[] = ['$contact', '$folder', '$root', '$account', '$directory'];

function printable(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(0x21 + random.int(94));
  return text;
}

/** Any code point but a lone surrogate (which no UTF-8 client can send as text). */
function codePoints(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    let point = random.int(0x110000);
    if (point >= 0xd800 && point <= 0xdfff) point = 0x4e2d;
    text += String.fromCodePoint(point);
  }
  return text;
}

function hostileString(random: Random): string {
  return random.pick<() => string>([
    () => '',
    () => ' ',
    () => '\u0000',
    () => `a\u0000b`,
    () => '\u007f',
    () => '\u0085',
    () => '\t\r\n',
    () => '\u001b[31mred',
    () => "' or '1'='1' --",
    () => '"; drop table contacts; --',
    () => '%00',
    () => '%',
    () => '../../etc/passwd',
    () => '<script>alert(1)</script>',
    () => '${jndi:ldap://x}',
    () => '{"a":1}',
    () => '1e309',
    () => '-1',
    () => '0',
    () => '99999999999999999999',
    () => '中文名字',
    () => '😀😀',
    () => '\u202eevil',
    () => 'x'.repeat(random.pick([129, 255, 256, 257, 1024, 8192, 8193, 20_000])),
    () => printable(random, random.int(300)),
    () => codePoints(random, 1 + random.int(40)),
  ])();
}

/** A value a user could mean for the parameter, so that requests also reach the handlers' rules. */
function plausible(random: Random, name: string): string {
  if (/^(ContactId)$/.test(name)) return random.pick(['$contact', 'c-00000000000000000000', 'c-']);
  if (/FolderId$|^ChildId$/.test(name)) return random.pick(['$folder', '$root', 'fd-nonexistent00', 'r-xxxx']);
  if (/AccountId$/.test(name)) return random.pick(['$account', '123456789012', '1']);
  if (/DirectoryId$/.test(name)) return '$directory';
  if (name === 'EmailAddress') return random.pick(['fuzz@example.com', 'a@b.co', 'not-an-email', 'x@y']);
  if (name === 'PhoneNumber') return random.pick(['86-13900001111', '1-2025550123', '86-1', '+86 139']);
  if (name === 'Name') return random.pick(['Fuzz', '模糊', 'A', 'Abcdefghijklmn']);
  if (name === 'Title') return random.pick([...titles, 'King']);
  if (name === 'Code' || name === 'VerificationCode') return random.pick(['123456', '000000', '12345']);
  if (name === 'PolicyDocument') {
    return random.pick(['{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', '{"Version":1}', '{', '[]', 'null']);
  }
  if (name === 'PolicyType') return random.pick(['Custom', 'System', 'custom', '']);
  if (name === 'ResourceNames' || name === 'TagKeys') return random.pick(['["fuzz"]', '[]', '["AdministratorAccess"]', 'fuzz', '[1]']);
  if (name === 'Password') return random.pick(['Fuzz-password-1', 'short', 'x'.repeat(40)]);
  if (/Name$|Keyword$|Prefix$/.test(name)) return random.pick(['fuzz', 'fd', 'fuzz-folder', 'AdministratorAccess', 'fuzz.user', '']);
  return random.pick(['true', 'false', '1', 'Root', 'Self']);
}

function scalar(random: Random, name: string, spec: ParamSpec): string {
  if (spec.kind === 'integer') return random.pick(['-1', '0', '1', '20', '100', '101', '1000', '999999999', '1e2', '1.5', 'abc', '007', '']);
  if (spec.kind === 'boolean') return random.pick(['true', 'false', 'TRUE', 'False', 'yes', '1', '']);
  return random.chance(0.55) ? plausible(random, name) : hostileString(random);
}

function listIndex(random: Random): string {
  return random.pick(['1', '1', '2', '3', '100', '0', '101', '01', '1000000', '-1', 'x', '']);
}

/** The parameters of one request: the declared ones, sometimes, and some nobody declared. */
function parameters(random: Random, specs: Readonly<Record<string, ParamSpec>>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (!random.chance(0.6)) continue;
    if (spec.kind === 'list') {
      const count = random.int(4);
      for (let i = 0; i < count; i++) {
        params[`${name}.${listIndex(random)}`] = random.chance(0.7) ? random.pick([...messageTypes, '$contact', '$account', 'Root']) : hostileString(random);
      }
    } else if (spec.kind === 'shrunkTags' && random.chance(0.5)) {
      // RAM's one-parameter JSON form, well-formed or not.
      params[name] = random.pick(['[{"Key":"k","Value":"v"}]', '[]', '[{"Key":"acs:x"}]', '{"Key":"k"}', '[', 'null', hostileString(random)]);
    } else if (spec.kind === 'tags' || spec.kind === 'shrunkTags') {
      const count = random.int(4);
      for (let i = 0; i < count; i++) {
        const index = listIndex(random);
        params[`${name}.${index}.${random.pick(['Key', 'Value', 'Key', 'Value', 'Other', ''])}`] = random.chance(0.6) ? `k${i}` : hostileString(random);
      }
    } else {
      params[name] = scalar(random, name, spec);
    }
  }
  const extras = random.int(3);
  for (let i = 0; i < extras; i++) {
    const name = random.pick([
      'RegionId',
      'OwnerId',
      'Format',
      'SecurityToken',
      'Signature',
      'x.1',
      'Unknown',
      'MessageTypes.2=FaultMessage&MessageTypes.3',
      'Name Space',
      'Ünicode',
      'a'.repeat(129),
      printable(random, 1 + random.int(20)),
    ]);
    params[name] = random.chance(0.5) ? hostileString(random) : random.pick(['XML', 'json', 'cn-hangzhou', '1']);
  }
  return params;
}

type Mode = 'rpc-get' | 'rpc-post' | 'acs3-query' | 'acs3-form' | 'unsigned' | 'mangled';

interface Draw {
  mode: Mode;
  action: string;
  version: string;
  params: Record<string, string>;
  /** For mangled requests: where in the request line, and what goes there. */
  mangle?: { at: number; insert: string; cut: number };
}

/** Mostly the directory's actions, then RAM's, then STS's. */
const productWeights: [Product, number][] = [
  [resourceDirectoryMaster, 0.8],
  [ram, 0.17],
  [sts, 0.03],
];

function pickProduct(random: Random): Product {
  let roll = random.int(1000) / 1000;
  for (const [product, weight] of productWeights) {
    if (roll < weight) return product;
    roll -= weight;
  }
  return resourceDirectoryMaster;
}

function draw(random: Random): Draw {
  const product = pickProduct(random);
  const actionNames = [...product.actions.keys()];
  const action = random.chance(0.93) ? random.pick(actionNames) : random.pick(['', 'NoSuchAction', 'listmessagecontacts', 'Add\u0000Contact', 'x'.repeat(300)]);
  const version = random.chance(0.95) ? product.version : random.pick(['2020-03-31', '2015-05-01', '2022-04-19', '2015-04-01', '', 'latest']);
  const specs = product.actions.get(action)?.params ?? {};
  const mode = random.pick<Mode>(['rpc-get', 'rpc-get', 'rpc-get', 'rpc-post', 'acs3-query', 'acs3-query', 'acs3-form', 'unsigned', 'mangled']);
  return {
    mode,
    action,
    version,
    params: parameters(random, specs),
    ...(mode === 'mangled'
      ? { mangle: { at: random.int(4000), insert: random.pick(['%', '%FF', '%ZZ', '%00', '%ED%A0%80', '&', '&&=', '=', '#', '?', '/', '%2F', 'A', '']), cut: random.int(3) } }
      : {}),
  };
}

interface Fixture {
  server: TestServer;
  ids: Record<Placeholder, string>;
}

function resolve(fixture: Fixture, params: Record<string, string>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    resolved[name] = placeholders.includes(value as Placeholder) ? fixture.ids[value as Placeholder] : value;
  }
  return resolved;
}

/** A request as bytes on the wire: node:http would refuse to send some of them (a NUL in a header). */
function rawBytes(endpoint: string, request: RawRequest): Buffer {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers = { host: endpoint, ...request.headers, connection: 'close', ...(body.length > 0 || request.method === 'POST' ? { 'content-length': String(body.length) } : {}) };
  const head = [`${request.method} ${request.path} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]);
}

/** The raw requests say `Connection: close` and keep their socket open until the answer. */
const whole = { halfClose: false };

async function perform(fixture: Fixture, planned: Draw): Promise<RawResponse> {
  const { server } = fixture;
  const key = server.credentials;
  const params = resolve(fixture, planned.params);
  const common = { key, action: planned.action, version: planned.version };
  switch (planned.mode) {
    case 'rpc-get':
      return send(server.endpoint, signRpc({ ...common, params }));
    case 'rpc-post':
      return send(server.endpoint, signRpc({ ...common, params, method: 'POST' }));
    case 'acs3-query':
      return sendBytes(server.endpoint, rawBytes(server.endpoint, signAcs3({ ...common, host: server.endpoint, query: params })), whole);
    case 'acs3-form':
      return sendBytes(server.endpoint, rawBytes(server.endpoint, signAcs3({ ...common, host: server.endpoint, body: encodeParams(params) })), whole);
    case 'unsigned':
      return send(server.endpoint, { method: 'GET', path: `/?${encodeParams({ Action: planned.action, Version: planned.version, ...params })}`, headers: {} });
    case 'mangled': {
      const signed = signRpc({ ...common, params });
      const { at, insert, cut } = planned.mangle!;
      const position = 2 + (at % Math.max(1, signed.path.length - 2));
      const path = signed.path.slice(0, position) + insert + signed.path.slice(position + cut);
      return sendBytes(server.endpoint, rawBytes(server.endpoint, { ...signed, path }), whole);
    }
  }
}

function describeDraw(planned: Draw): string {
  const text = JSON.stringify({ mode: planned.mode, action: planned.action, version: planned.version, params: planned.params, mangle: planned.mangle });
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** RequestId, Code and Message of an answer in JSON, or in XML when the request asked for it (Format=XML). */
function envelope(response: RawResponse): Record<string, unknown> {
  if (!String(response.headers['content-type']).includes('xml')) return response.json() as Record<string, unknown>;
  const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(response.text)?.[1];
  return { RequestId: element('RequestId'), Code: element('Code'), Message: element('Message') };
}

const plan = (() => {
  const random = generator(seed);
  return Array.from({ length: requestCount }, () => draw(random));
})();

/** Status and code of every answer, per store, to compare the stores once both ran. */
const outcomes = new Map<string, string[]>();

for (const backend of backends) {
  describe(`fuzzing the endpoint (${backend.name})`, () => {
    let fixture: Fixture;
    before(async () => {
      const server = await startServer({ backend });
      const client = apiClient('openapi-v3', server.endpoint, server.credentials);
      const contact = await client.call('AddMessageContact', {
        Name: 'Fuzz',
        EmailAddress: 'fuzz@example.com',
        Title: 'TechnicalDirector',
        MessageTypes: ['AccountExpenses'],
      });
      const directory = await client.call('GetResourceDirectory', {});
      const folder = await client.call('CreateFolder', { FolderName: 'fuzz-folder', ParentFolderId: directory.ResourceDirectory.RootFolderId });
      fixture = {
        server,
        ids: {
          $contact: contact.Contact.ContactId,
          $root: directory.ResourceDirectory.RootFolderId,
          $folder: folder.Folder.FolderId,
          $account: server.credentials.accountId,
          $directory: server.credentials.directoryId,
        },
      };
    });
    after(() => fixture.server.close());

    test(`${requestCount} generated requests (seed ${seed}): every answer is the envelope, none a 5xx`, async (t) => {
      const seen: string[] = [];
      const statuses = new Map<number, number>();
      for (const planned of plan) {
        const response = await perform(fixture, planned).catch((error: Error) => {
          throw new Error(`${error.message}: ${describeDraw(planned)}`);
        });
        const context = `${describeDraw(planned)}\n→ ${response.status} ${response.text.slice(0, 300)}`;
        assert.ok(response.status >= 200 && response.status < 500, `no 5xx: ${context}`);
        assert.equal(response.headers['x-content-type-options'], 'nosniff', `nosniff: ${context}`);
        const requestId = response.headers['x-acs-request-id'];
        assert.ok(typeof requestId === 'string' && requestId.length > 0, `x-acs-request-id: ${context}`);
        const body = envelope(response);
        assert.equal(body.RequestId, requestId, `the body's RequestId is the header's: ${context}`);
        if (response.status >= 400) {
          assert.ok(typeof body.Code === 'string' && typeof body.Message === 'string', `an error names its code: ${context}`);
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        seen.push(`${response.status} ${response.status >= 400 ? String(body.Code) : 'OK'}`);
      }
      outcomes.set(backend.name, seen);
      t.diagnostic(`statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(', ')}`);
      const answered = statuses.get(200) ?? 0;
      assert.ok(answered > requestCount / 100, `some requests get through to the handlers (${answered} answered 200)`);
    });
  });
}

describe('fuzzing: the stores agree', () => {
  test('the same requests get the same statuses and codes on every store', (t) => {
    const [first, ...others] = [...outcomes];
    if (!first || others.length === 0) return t.skip('one store only');
    for (const [name, seen] of others) {
      // Mangled requests are cut where their (random) nonce and ids put other bytes: not compared.
      const differing: string[] = seen.flatMap((outcome, i): string[] => (outcome === first[1][i] || plan[i]!.mode === 'mangled' ? [] : [`#${i} ${describeDraw(plan[i]!)}: ${first[0]} ${first[1][i]}, ${name} ${outcome}`]));
      assert.deepEqual(differing, [], differing.slice(0, 5).join('\n'));
    }
  });
});
