import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

describe(`page input at the door (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openTestStore();
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('answers a NUL in a query or path with 400 in Tend’s shape, on pages and the API', async () => {
    for (const url of ['/organisations?search=%00', '/api/v1/organisations?search=a%00b', '/metrics/a%00b']) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 400, url);
      if (url.startsWith('/api/')) assert.equal(response.json().error.code, 'BAD_REQUEST');
      else assert.match(response.body, /NUL character/);
      assert.ok(response.headers['content-security-policy'], 'security headers kept');
    }
  });

  it('answers a metric or system id that cannot name anything with the not-found page', async () => {
    for (const url of ['/metrics/%3Cscript%3E', '/systems/not%20a%20code', `/systems/${'Q'.repeat(50)}`]) {
      const response = await app.inject(url);
      assert.equal(response.statusCode, 404, url);
      assert.doesNotMatch(response.body, /<script>/);
    }
  });

  it('refuses an over-long league-table quarter with 400 and says why', async () => {
    const response = await app.inject(`/league-tables?quarter=${'Q'.repeat(60)}`);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /quarter/);
  });
});
