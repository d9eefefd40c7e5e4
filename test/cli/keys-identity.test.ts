/** `admin keys list` says whose each key is: the account itself (`root`) or one of its RAM users. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createRamServices } from '../../src/domain/identities/services.js';
import { bootstrap } from '../../src/domain/organization.js';
import { systemClock } from '../../src/domain/time.js';
import { openStore } from '../../src/store/store.js';
import { parseJson, removeTempDirs, runCli, show, tempDir } from './helpers.js';

after(removeTempDirs);

test('admin keys list names the identity that owns each key, never a secret', async () => {
  const dir = await tempDir();
  const database = `sqlite:${join(dir, 'keys.db')}`;
  const store = await openStore(database);
  const { account, createdKey } = await bootstrap(store, systemClock);
  const tenant = { accountId: account.accountId, directoryId: account.directoryId, actor: 'test' };
  const ram = createRamServices(store, systemClock, { passwordHashing: { logN: 4, r: 8, p: 1 } });
  await ram.users.create(tenant, { userName: 'ci-reader' });
  const userKey = await ram.accessKeys.create(tenant, { userName: 'ci-reader' });
  await store.close();

  const listed = await runCli(['admin', 'keys', 'list', '--json'], { cwd: dir, env: { RDC_DATABASE: database } });
  assert.equal(listed.code, 0, show(listed));
  const keys = parseJson<{ AccessKeyId: string; Identity: string }[]>(listed);
  assert.deepEqual(
    keys.map((key) => [key.AccessKeyId, key.Identity]).sort(),
    [
      [createdKey!.accessKeyId, 'root'],
      [userKey.accessKeyId, 'user/ci-reader'],
    ].sort(),
  );
  assert.equal(listed.stdout.includes(userKey.accessKeySecret), false);

  const table = await runCli(['admin', 'keys', 'list'], { cwd: dir, env: { RDC_DATABASE: database } });
  assert.match(table.stdout, /Identity/);
  assert.match(table.stdout, /user\/ci-reader/);
});
