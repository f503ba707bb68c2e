import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTend } from '../../test/helpers/cli.ts';
import { addPerson } from '../../test/helpers/people.ts';
import { addTwoTrusts, openStoreOf } from '../../test/helpers/people-store.ts';
import { tendStoreArgs, testBackend } from '../../test/helpers/test-store.ts';
import { actorForToken } from '../app/accounts/tokens.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-tokens-'));
const testStore = await tendStoreArgs(path.join(scratch, 'db'));
const store = testStore.args;

/** Whether the token authenticates as someone now, checked in the store. */
async function tokenActor(secret: string) {
  const check = await openStoreOf(store);
  try {
    return await actorForToken(check.db, secret, new Date());
  } finally {
    await check.close();
  }
}

describe(`tend tokens (${testBackend})`, () => {
  let secret = '';
  before(async () => {
    const seeded = await openStoreOf(store);
    try {
      await addTwoTrusts(seeded);
      await addPerson(seeded, 'ada@example.nhs.uk', [
        { role: 'contributor', scopeKind: 'organisation', scopeCode: 'RYY' },
      ]);
    } finally {
      await seeded.close();
    }
  });
  after(() => testStore.drop());

  it('creates a token, printing it once on standard output with a warning on standard error', async () => {
    const created = await runTend([
      ...store,
      'tokens',
      'create',
      'ada@example.nhs.uk',
      '--name',
      'weekly report',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^tend_[A-Za-z0-9_-]{43}\n$/);
    assert.match(created.stderr, /will not be shown again/);
    secret = created.stdout.trim();
    const actor = await tokenActor(secret);
    assert.equal(actor?.kind === 'user' && actor.email, 'ada@example.nhs.uk');
    assert.equal(actor?.kind === 'user' && actor.via, 'token');

    const duplicate = await runTend([
      ...store,
      'tokens',
      'create',
      'ada@example.nhs.uk',
      '--name',
      'weekly report',
    ]);
    assert.equal(duplicate.code, 2);
    assert.match(duplicate.stderr, /name: ada@example\.nhs\.uk already has a token called "weekly report"/);
    assert.equal(duplicate.stdout, '', 'no token is printed when none was made');
  });

  it('lists tokens with when they were created, last used and revoked, never the secret', async () => {
    const text = await runTend([...store, 'tokens', 'list']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^user\s+name\s+created\s+last used\s+revoked$/m);
    assert.match(
      text.stdout,
      /^ada@example\.nhs\.uk\s+weekly report\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/m,
    );
    const json = await runTend([...store, 'tokens', 'list', 'ada@example.nhs.uk', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const [token] = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(token).sort(), ['createdAt', 'lastUsedAt', 'name', 'revokedAt', 'user']);
    assert.equal(token.revokedAt, null);
    assert.ok(token.lastUsedAt, 'the token was used above');
    for (const output of [text.stdout, json.stdout]) {
      assert.ok(!output.includes(secret), 'never the secret');
      assert.ok(!output.includes(secret.slice(5, 20)), 'nor any part of it');
    }
    const unknown = await runTend([...store, 'tokens', 'list', 'nobody@example.nhs.uk']);
    assert.equal(unknown.code, 3);
  });

  it('revokes a token by name, after which it no longer works', async () => {
    const revoked = await runTend([
      ...store,
      'tokens',
      'revoke',
      'ada@example.nhs.uk',
      '--name',
      'weekly report',
    ]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(await tokenActor(secret), undefined);
    const again = await runTend([
      ...store,
      'tokens',
      'revoke',
      'ada@example.nhs.uk',
      '--name',
      'weekly report',
    ]);
    assert.equal(again.code, 3);
    assert.match(again.stderr, /has no active token called "weekly report"/);
    const json = await runTend([...store, 'tokens', 'list', '--format', 'json']);
    const [token] = JSON.parse(json.stdout);
    assert.match(token.revokedAt, /^\d{4}-\d{2}-\d{2}T/);
  });
});
