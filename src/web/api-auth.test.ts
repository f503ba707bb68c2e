import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addPerson } from '../../test/helpers/people.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { createToken, revokeToken } from '../app/accounts/tokens.ts';
import { disableUser } from '../app/accounts/users.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { listTokens } from '../store/repos/token-repo.ts';
import { buildApp } from './app.ts';

describe(`API tokens (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openTestStore();
    app = await buildApp({ store, config: { logLevel: 'silent' } });
    await addPerson(store, 'analyst@example.nhs.uk');
    await addPerson(store, 'leaver@example.nhs.uk');
  });
  after(async () => {
    await app.close();
    await store.close();
  });
  const context = () => ({ db: store.db, actor: operator('test'), clock: () => new Date() });

  it('authenticates a bearer token, stores only its hash, records its last use, and stops at revocation', async () => {
    const { secret } = await createToken(context(), { email: 'analyst@example.nhs.uk', name: 'notebook' });
    assert.match(secret, /^tend_[A-Za-z0-9_-]{43}$/);
    const stored = await listTokens(store.db);
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].token_hash, secret);
    assert.ok(!JSON.stringify(stored).includes(secret.slice(5)), 'the secret is not stored');
    assert.equal(stored[0].last_used_at, null);

    const ok = await app.inject({ url: '/health', headers: { authorization: `Bearer ${secret}` } });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['cache-control'], 'private, no-store');
    assert.ok((await listTokens(store.db))[0].last_used_at, 'last use recorded');

    await revokeToken(context(), { email: 'analyst@example.nhs.uk', name: 'notebook' });
    const revoked = await app.inject({
      url: '/api/v1/metrics',
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json().error.code, 'UNAUTHENTICATED');
  });

  it('answers 401 in the API error shape for a malformed or unknown token', async () => {
    for (const header of ['Bearer nonsense', `Bearer tend_${'x'.repeat(43)}`, 'Basic abc']) {
      const response = await app.inject({ url: '/api/v1/metrics', headers: { authorization: header } });
      assert.equal(response.statusCode, 401, header);
      assert.deepEqual(Object.keys(response.json().error).sort(), ['code', 'details', 'message']);
    }
  });

  it('stops a disabled account’s tokens at once', async () => {
    const { secret } = await createToken(context(), { email: 'leaver@example.nhs.uk', name: 'script' });
    assert.equal(
      (await app.inject({ url: '/health', headers: { authorization: `Bearer ${secret}` } })).statusCode,
      200,
    );
    await disableUser(context(), 'leaver@example.nhs.uk');
    assert.equal(
      (await app.inject({ url: '/health', headers: { authorization: `Bearer ${secret}` } })).statusCode,
      401,
    );
  });

  it('does not ask a bearer-token write for a CSRF token', async () => {
    const { secret } = await createToken(context(), { email: 'analyst@example.nhs.uk', name: 'writer' });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/nothing-here',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      payload: '{}',
    });
    assert.equal(response.statusCode, 404, 'reaches routing instead of a CSRF refusal');
  });
});
