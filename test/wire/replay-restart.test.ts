/**
 * A captured state-changing request is refused when it is sent again after the server restarted —
 * stopped (SIGTERM) or killed (SIGKILL) — within its timestamp window, on both stores, with both
 * signatures: its nonce was committed with its change. So is a state-changing request that failed or
 * changed nothing (its nonce was committed before it was answered). A replayed read after a restart
 * of the embedded store is answered (reads change nothing, and their nonces are kept in memory only).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assertError, assertOk } from '../support/answers.js';
import { backends } from '../support/backends.js';
import { apiClient } from '../support/clients.js';
import { freshSchema } from '../support/pg-schemas.js';
import { ServeProcess, freePort, removeTempDirs, tempDir } from '../cli/helpers.js';
import { type RawRequest, send, signAcs3, signRpc } from './raw-request.js';

const key = { accessKeyId: 'LTAIreplayRestartKey0001', accessKeySecret: 'replayRestartSecretReplayRestart01' };

interface Database {
  url: string;
  drop(): Promise<void>;
}

async function database(store: string): Promise<Database> {
  if (store === 'postgres') return freshSchema();
  return { url: `sqlite:${join(await tempDir('rdc-replay-'), 'replay.db')}`, drop: async () => {} };
}

for (const backend of backends) {
  describe(`replays after a restart (${backend.name})`, () => {
    const databases: Database[] = [];
    const running: ServeProcess[] = [];
    after(async () => {
      await Promise.all(running.map((serve) => serve.kill()));
      await Promise.all(databases.map((db) => db.drop()));
      await removeTempDirs();
    });

    /** Starts `serve` on the database, on `port` (the same one again after a restart: the same bytes reach it). */
    async function start(db: Database, port?: number): Promise<{ serve: ServeProcess; endpoint: string }> {
      port ??= await freePort();
      const serve = await ServeProcess.start(['--database', db.url, '--port', String(port), '--throttle', 'off'], {
        cwd: await tempDir(),
        env: { RDC_ACCESS_KEY_ID: key.accessKeyId, RDC_ACCESS_KEY_SECRET: key.accessKeySecret },
      });
      running.push(serve);
      return { serve, endpoint: `127.0.0.1:${port}` };
    }

    for (const ending of ['SIGTERM', 'SIGKILL'] as const) {
      test(`an UpdateMessageContact captured before a ${ending} is refused afterwards (RPC and ACS3), and the owner's change stays`, async () => {
        const db = await database(backend.name);
        databases.push(db);
        let { serve, endpoint } = await start(db);
        const client = () => apiClient('openapi-v3', endpoint, { ...key, accountId: '', directoryId: '' });
        const added = await client().call('AddMessageContact', {
          Name: 'Replayed',
          EmailAddress: 'replayed@example.com',
          Title: 'TechnicalDirector',
          MessageTypes: ['AccountExpenses'],
        });
        const contactId: string = added.Contact.ContactId;
        const update = (types: string[]) => ({ ContactId: contactId, MessageTypes: types });

        // What an attacker captures: one request of each signature, sent and applied.
        const captured: RawRequest[] = [
          signRpc({ key, action: 'UpdateMessageContact', params: update(['FaultMessage']) }),
          signAcs3({ key, host: endpoint, action: 'UpdateMessageContact', query: update(['ProductMessage']) }),
        ];
        for (const request of captured) assertOk(await send(endpoint, request));
        // The owner changes the contact meanwhile.
        await client().call('UpdateMessageContact', update(['SecurityMessage']));

        if (ending === 'SIGTERM') await serve.stop();
        else await serve.crash();
        ({ serve, endpoint } = await start(db, Number(endpoint.split(':')[1])));

        for (const request of captured) assertError(await send(endpoint, request), 400, 'SignatureNonceUsed');
        const got = await client().call('GetMessageContact', { ContactId: contactId });
        assert.deepEqual(got.Contact.MessageTypes, ['SecurityMessage']);
      });
    }

    test('state-changing requests that failed, changed nothing or were refused are refused after a SIGKILL too', async () => {
      const db = await database(backend.name);
      databases.push(db);
      let { serve, endpoint } = await start(db);
      const client = () => apiClient('openapi-v3', endpoint, { ...key, accountId: '', directoryId: '' });
      const added = await client().call('AddMessageContact', {
        Name: 'Unchanged',
        EmailAddress: 'unchanged@example.com',
        Title: 'TechnicalDirector',
        MessageTypes: ['AccountExpenses'],
      });
      const contactId: string = added.Contact.ContactId;
      const captured: { request: RawRequest; status: number; code?: string }[] = [
        // Fails its checks: nothing changes.
        { request: signRpc({ key, action: 'UpdateMessageContact', params: { ContactId: contactId, Title: 'Nobody' } }), status: 400, code: 'InvalidParameter.Title' },
        // Names nothing: nothing changes.
        { request: signRpc({ key, action: 'DeleteMessageContact', params: { ContactId: 'c-0000000000000000' } }), status: 404, code: 'EntityNotExists.Contact' },
        // Changes nothing: the contact already holds these values.
        { request: signAcs3({ key, host: endpoint, action: 'UpdateMessageContact', query: { ContactId: contactId, Title: 'TechnicalDirector' } }), status: 200 },
      ];
      for (const { request, status, code } of captured) {
        const answer = await send(endpoint, request);
        if (code === undefined) assertOk(answer);
        else assertError(answer, status, code);
      }
      await serve.crash();
      ({ serve, endpoint } = await start(db, Number(endpoint.split(':')[1])));
      for (const { request } of captured) assertError(await send(endpoint, request), 400, 'SignatureNonceUsed');
    });

    test(
      backend.name === 'sqlite'
        ? 'a replayed read after a restart is answered: reads change nothing, their nonces stay in memory'
        : 'a replayed read after a restart is refused too: instances share every nonce',
      async () => {
        const db = await database(backend.name);
        databases.push(db);
        let { serve, endpoint } = await start(db);
        const read = signRpc({ key, action: 'ListMessageContacts' });
        assertOk(await send(endpoint, read));
        assertError(await send(endpoint, read), 400, 'SignatureNonceUsed');
        await serve.crash();
        ({ serve, endpoint } = await start(db, Number(endpoint.split(':')[1])));
        const again = await send(endpoint, read);
        if (backend.name === 'sqlite') assertOk(again);
        else assertError(again, 400, 'SignatureNonceUsed');
      },
    );
  });
}
