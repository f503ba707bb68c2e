import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addPerson, cookiesFrom, csrfTokenIn, signIn, testPassword } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { upsertOrganisations } from '../store/repos/organisation-repo.ts';
import { buildApp } from './app.ts';

describe(`sign-in with email and password (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let now = new Date('2026-11-30T10:00:00Z');
  before(async () => {
    store = await openTestStore();
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock: () => now, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });
  beforeEach(async () => {
    now = new Date('2026-11-30T10:00:00Z');
    await resetTestStore(store);
    await upsertOrganisations(
      store.db,
      [
        {
          code: 'RYY',
          name: 'Kent Community Health NHS Foundation Trust',
          kind: 'trust',
          authority: 'replace',
        },
      ],
      'test',
    );
    await addPerson(
      store,
      'ada@example.nhs.uk',
      [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RYY' }],
      () => now,
    );
  });

  it('signs in with a new session id, shows the account, and signs out', async () => {
    const page = await app.inject('/sign-in');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['cache-control'] as string, /no-store/);
    const before = cookiesFrom(page);
    const sessionBefore = /tend_session=([^;]+)/.exec(before)?.[1];
    assert.ok(sessionBefore, 'the sign-in form starts a session for its CSRF secret');
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: before, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        email: 'Ada@Example.nhs.uk',
        password: testPassword,
        _csrf: csrfTokenIn(page.body),
      }).toString(),
    });
    assert.equal(response.statusCode, 303, response.body);
    const cookie = cookiesFrom(response, before);
    const sessionAfter = /tend_session=([^;]+)/.exec(cookie)?.[1];
    assert.ok(sessionAfter);
    assert.notEqual(sessionAfter.split('.')[0], sessionBefore.split('.')[0], 'a new session id at sign-in');
    const setCookie = String(response.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);

    const account = await app.inject({ url: '/account', headers: { cookie } });
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /ada@example\.nhs\.uk/);
    assert.match(account.body, /Contributor/);
    assert.equal(account.headers['cache-control'], 'private, no-store');

    const home = await app.inject({ url: '/account', headers: { cookie } });
    const out = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfTokenIn(home.body))}`,
    });
    assert.equal(out.statusCode, 303);
    const afterOut = await app.inject({ url: '/account', headers: { cookie } });
    assert.equal(afterOut.statusCode, 303, 'the old session no longer signs anyone in');
  });

  it('refuses a form without a CSRF token', async () => {
    const page = await app.inject('/sign-in');
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: cookiesFrom(page), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'ada@example.nhs.uk', password: testPassword }).toString(),
    });
    assert.equal(response.statusCode, 403);
    assert.doesNotMatch(String(response.headers['set-cookie'] ?? ''), /tend_session=[^;]+;.*Max-Age=4/);
  });

  it('lists every field problem at once on the form', async () => {
    const page = await app.inject('/sign-in');
    const response = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: cookiesFrom(page), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: '', password: '', _csrf: csrfTokenIn(page.body) }).toString(),
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /There is a problem/);
    assert.match(response.body, /href="#email">\s*Enter your email address/);
    assert.match(response.body, /href="#password">\s*Enter your password/);
  });

  it('locks the account after repeated wrong passwords, answering 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<FastifyInstance['inject']>> | undefined;
    for (let attempt = 0; attempt < 6; attempt++) {
      const page = await app.inject('/sign-in');
      last = await app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { cookie: cookiesFrom(page), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          email: 'ada@example.nhs.uk',
          password: 'not-the-password-at-all',
          _csrf: csrfTokenIn(page.body),
        }).toString(),
      });
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
    assert.ok(Number(last?.headers['retry-after']) > 0);
    // Even the right password is refused while locked…
    await assert.rejects(signIn(app, 'ada@example.nhs.uk'), /429/);
    // …and works once the lock has passed.
    now = new Date(now.getTime() + 3 * 60_000);
    assert.match(await signIn(app, 'ada@example.nhs.uk'), /tend_session=/);
  });

  it('rate-limits sign-in attempts per address', async () => {
    const limited = await buildApp({
      store,
      config: { logLevel: 'silent' },
      clock: () => now,
      signInPerMinute: 3,
    });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        const page = await limited.inject('/sign-in');
        const response = await limited.inject({
          method: 'POST',
          url: '/sign-in',
          headers: { cookie: cookiesFrom(page), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({
            email: `nobody${attempt}@example.nhs.uk`,
            password: 'wrong-password-here',
            _csrf: csrfTokenIn(page.body),
          }).toString(),
        });
        statuses.push(response.statusCode);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('issues a new session id when a role changes', async () => {
    const cookie = await signIn(app, 'ada@example.nhs.uk');
    const { grantRole } = await import('../app/accounts/users.ts');
    const { operator } = await import('../policies/actor.ts');
    await upsertOrganisations(
      store.db,
      [{ code: 'RXX', name: 'Another Trust', kind: 'trust', authority: 'replace' }],
      'test',
    );
    await grantRole(
      { db: store.db, actor: operator('test'), clock: () => now },
      { email: 'ada@example.nhs.uk', role: 'member', scopeKind: 'organisation', scopeCode: 'RXX' },
    );
    const response = await app.inject({ url: '/account', headers: { cookie } });
    assert.equal(response.statusCode, 200);
    const renewed = response.cookies.find((each) => each.name === 'tend_session');
    assert.ok(renewed, 'a new session cookie is sent');
    assert.notEqual(renewed.value.split('.')[0], /tend_session=([^;.]+)/.exec(cookie)?.[1]);
  });
});
