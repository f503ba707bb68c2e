import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  freePort,
  startTestProvider,
  TestBrowser,
  type TestProvider,
  throughProvider,
} from '../../test/helpers/oidc-provider.ts';
import { addPerson } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { mapSsoRole } from '../app/accounts/single-sign-on.ts';
import type { OidcProviderSettings } from '../config/config.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { upsertOrganisations } from '../store/repos/organisation-repo.ts';
import { buildApp } from './app.ts';

/** A page's visible text, tags dropped and entities decoded, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}

const today = () => new Date().toISOString().slice(0, 10);

function cis2Role(orgCode: string, roleCode: string) {
  return {
    org_code: orgCode,
    role_code: roleCode,
    person_roleid: `${orgCode}-${roleCode}`,
    role_name: 'Role',
  };
}

describe(`NHS single sign-on against a real OpenID Connect provider (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let provider: TestProvider;
  let tend: string;
  const operatorContext = () => ({ db: store.db, actor: operator('test'), clock: () => new Date() });

  before(async () => {
    store = await openTestStore();
    const port = await freePort();
    tend = `http://127.0.0.1:${port}`;
    provider = await startTestProvider(
      ['test', 'jwt', 'entra'].map((id) => `${tend}/sign-in/${id}/callback`),
    );
    const unreachable = await freePort();
    const cis2Scopes = ['openid', 'profile', 'email', 'nationalrbacaccess'];
    const secret = { kind: 'client_secret', secret: provider.secretClient.secret } as const;
    const providers: OidcProviderSettings[] = [
      {
        id: 'test',
        label: 'NHS CIS2 Authentication',
        issuer: provider.issuer,
        clientId: provider.secretClient.clientId,
        clientAuth: secret,
        scopes: cis2Scopes,
        claims: 'cis2',
      },
      {
        id: 'jwt',
        label: 'NHS CIS2 Authentication (signed key)',
        issuer: provider.issuer,
        clientId: provider.jwtClient.clientId,
        clientAuth: {
          kind: 'private_key_jwt',
          privateKeyFile: provider.jwtClient.privateKeyFile,
          keyId: provider.jwtClient.keyId,
          algorithm: 'RS256',
        },
        scopes: cis2Scopes,
        claims: 'cis2',
      },
      {
        id: 'entra',
        label: 'Microsoft Entra ID',
        issuer: provider.issuer,
        clientId: provider.secretClient.clientId,
        clientAuth: secret,
        scopes: ['openid', 'profile', 'email'],
        claims: 'entra',
      },
      {
        id: 'down',
        label: 'A provider that is down',
        issuer: `http://127.0.0.1:${unreachable}`,
        clientId: 'nobody',
        clientAuth: secret,
        scopes: ['openid'],
        claims: 'cis2',
      },
    ];
    app = await buildApp({
      store,
      config: { logLevel: 'silent', publicOrigin: tend },
      oidcProviders: providers,
    });
    await app.listen({ port, host: '127.0.0.1' });
  });

  after(async () => {
    await app.close();
    await provider.close();
    await store.close();
  });

  beforeEach(async () => {
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
        {
          code: 'RJ1',
          name: "Guy's and St Thomas' NHS Foundation Trust",
          kind: 'trust',
          authority: 'replace',
        },
      ],
      'test',
    );
    for (const id of ['test', 'jwt']) {
      await mapSsoRole(operatorContext(), { provider: id, claimRole: 'R8000', tendRole: 'contributor' });
      await mapSsoRole(operatorContext(), { provider: id, claimRole: 'R8001', tendRole: 'member' });
    }
    await mapSsoRole(operatorContext(), {
      provider: 'entra',
      claimRole: 'tend.contributor',
      tendRole: 'contributor',
    });
    provider.accounts.clear();
    provider.accounts.set('alice', {
      email: 'Alice@Example.nhs.uk',
      email_verified: true,
      name: 'Alice Example',
      nhsid_nrbac_roles: [cis2Role('RYY', 'S8000:G8000:R8000')],
    });
  });

  async function signIn(browser: TestBrowser, providerId: string, account: string) {
    const callback = await throughProvider(browser, provider, `${tend}/sign-in/${providerId}`, account);
    return { callback, response: await browser.request(callback) };
  }

  const sessionId = (browser: TestBrowser) =>
    decodeURIComponent(/tend_session=([^;]+)/.exec(browser.cookieFor(tend))?.[1] ?? '').split('.')[0];

  async function grantsOf(email: string) {
    return store.db
      .selectFrom('role_grant')
      .innerJoin('app_user', 'app_user.id', 'role_grant.user_id')
      .select(['role', 'scope_code', 'valid_from', 'valid_to', 'granted_by'])
      .where('app_user.email', '=', email)
      .orderBy('role_grant.id')
      .execute();
  }

  it('signs in with PKCE, state and nonce: a new user, a linked identity, mapped roles, a new session id', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${tend}/sign-in/test?returnTo=/organisations/RYY`);
    assert.equal(start.status, 303);
    const authorise = new URL(start.headers.get('location') as string);
    assert.equal(authorise.origin, provider.issuer);
    assert.equal(authorise.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorise.searchParams.get('redirect_uri'), `${tend}/sign-in/test/callback`);
    assert.equal(authorise.searchParams.get('scope'), 'openid profile email nationalrbacaccess');
    assert.ok(authorise.searchParams.get('state'));
    assert.ok(authorise.searchParams.get('nonce'));
    assert.ok(authorise.searchParams.get('code_challenge'));
    const before = sessionId(browser);
    assert.ok(before, 'the pending sign-in is kept in a session');

    const callback = await throughProvider(browser, provider, authorise.href, 'alice');
    assert.ok(callback.startsWith(`${tend}/sign-in/test/callback?`), callback);
    const response = await browser.request(callback);
    assert.equal(response.status, 303, await response.clone().text());
    assert.equal(response.headers.get('location'), '/organisations/RYY');
    const after = sessionId(browser);
    assert.ok(after);
    assert.notEqual(after, before, 'a new session id at sign-in');

    const account = await browser.request(`${tend}/account`);
    assert.equal(account.status, 200);
    const page = textOf(await account.text());
    assert.match(page, /alice@example\.nhs\.uk/);
    assert.match(page, /Alice Example/);
    assert.match(page, /Contributor RYY/);

    const user = await store.db.selectFrom('app_user').selectAll().executeTakeFirstOrThrow();
    assert.equal(user.email, 'alice@example.nhs.uk');
    assert.equal(user.password_hash, null);
    const links = await store.db
      .selectFrom('identity_link')
      .select(['provider', 'subject', 'user_id'])
      .execute();
    assert.deepEqual(links, [{ provider: 'test', subject: 'alice', user_id: user.id }]);
    assert.deepEqual(await grantsOf('alice@example.nhs.uk'), [
      { role: 'contributor', scope_code: 'RYY', valid_from: today(), valid_to: null, granted_by: 'sso:test' },
    ]);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'after'])
      .where('action', 'like', 'user.%')
      .execute();
    assert.equal(audit.length, 1);
    const [entry] = audit;
    assert.equal(entry.action, 'user.sign_in');
    assert.equal(entry.entity_id, String(user.id));
    const recorded = entry.after as Record<string, unknown>;
    assert.deepEqual(
      { method: recorded.method, created: recorded.created, linked: recorded.linked },
      { method: 'sso:test', created: true, linked: true },
    );

    const replay = await browser.request(callback);
    assert.equal(replay.status, 400, 'the same answer cannot be used twice');
    assert.match(
      textOf(await replay.text()),
      /No sign-in with NHS CIS2 Authentication was waiting in this browser/,
    );
  });

  it('links to an existing account by email, and a later sign-in with changed claims ends a grant and adds others', async () => {
    const userId = await addPerson(store, 'alice@example.nhs.uk', [
      { role: 'member', scopeKind: 'organisation', scopeCode: 'RJ1' },
    ]);
    const first = await signIn(new TestBrowser(), 'test', 'alice');
    assert.equal(first.response.status, 303);
    assert.deepEqual(
      (await store.db.selectFrom('identity_link').select('user_id').execute()).map((row) => row.user_id),
      [userId],
    );

    provider.accounts.set('alice', {
      ...provider.accounts.get('alice'),
      nhsid_nrbac_roles: [cis2Role('RYY', 'S8001:G8001:R8001'), cis2Role('RJ1', 'S8000:G8000:R8000')],
    });
    const browser = new TestBrowser();
    const second = await signIn(browser, 'test', 'alice');
    assert.equal(second.response.status, 303);
    assert.deepEqual(await grantsOf('alice@example.nhs.uk'), [
      { role: 'member', scope_code: 'RJ1', valid_from: today(), valid_to: null, granted_by: 'test' },
      {
        role: 'contributor',
        scope_code: 'RYY',
        valid_from: today(),
        valid_to: today(),
        granted_by: 'sso:test',
      },
      { role: 'contributor', scope_code: 'RJ1', valid_from: today(), valid_to: null, granted_by: 'sso:test' },
      { role: 'member', scope_code: 'RYY', valid_from: today(), valid_to: null, granted_by: 'sso:test' },
    ]);
    const count = await store.db
      .selectFrom('app_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
    const page = textOf(await (await browser.request(`${tend}/account`)).text());
    assert.match(page, /Member RJ1/);
    assert.match(page, /Contributor RJ1/);
    assert.match(page, /Member RYY/);
    assert.doesNotMatch(page, /Contributor RYY/);
    const audit = await store.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'user.sign_in')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const after = audit.after as {
      granted: { role: string; orgCode: string }[];
      revoked: { role: string; orgCode: string }[];
    };
    assert.deepEqual(
      after.granted.map((each) => `${each.role} ${each.orgCode}`),
      ['contributor RJ1', 'member RYY'],
    );
    assert.deepEqual(
      after.revoked.map((each) => `${each.role} ${each.orgCode}`),
      ['contributor RYY'],
    );
  });

  it('refuses an identity whose organisation Tend does not know, saying so, and ends the grants it gave before', async () => {
    assert.equal((await signIn(new TestBrowser(), 'test', 'alice')).response.status, 303);
    provider.accounts.set('alice', {
      ...provider.accounts.get('alice'),
      nhsid_nrbac_roles: [cis2Role('ZZ999', 'S8000:G8000:R8000')],
    });
    const browser = new TestBrowser();
    const { response } = await signIn(browser, 'test', 'alice');
    assert.equal(response.status, 403);
    const page = textOf(await response.text());
    assert.match(page, /Tend cannot sign you in/);
    assert.match(page, /Your NHS identity lists organisation ZZ999, which Tend does not know\./);
    const account = await browser.request(`${tend}/account`);
    assert.equal(account.status, 303, 'not signed in');
    assert.deepEqual(
      (await grantsOf('alice@example.nhs.uk')).map((grant) => [grant.scope_code, grant.valid_to]),
      [['RYY', today()]],
    );
    const refused = await store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'user.sign_in_refused')
      .execute();
    assert.equal(refused.length, 1);
  });

  it('refuses a role that is not mapped, naming the command that maps it; once mapped, the same identity signs in', async () => {
    provider.accounts.set('bob', {
      email: 'bob@example.nhs.uk',
      name: 'Bob Example',
      nhsid_nrbac_roles: [cis2Role('RYY', 'S8003:G8003:R8003')],
    });
    const { response } = await signIn(new TestBrowser(), 'test', 'bob');
    assert.equal(response.status, 403);
    const html = await response.text();
    assert.match(
      textOf(html),
      /Your NHS identity lists role R8003, which is not mapped to a Tend role; an administrator can map it with tend sso map test R8003 contributor \./,
    );
    assert.match(html, /<code>tend sso map test R8003 contributor<\/code>/);
    assert.equal((await store.db.selectFrom('app_user').select('id').execute()).length, 0, 'no account made');

    await mapSsoRole(operatorContext(), { provider: 'test', claimRole: 'R8003', tendRole: 'member' });
    const again = await signIn(new TestBrowser(), 'test', 'bob');
    assert.equal(again.response.status, 303);
    assert.deepEqual(
      (await grantsOf('bob@example.nhs.uk')).map((grant) => `${grant.role} ${grant.scope_code}`),
      ['member RYY'],
    );
  });

  it('refuses an answer whose state was tampered with, and the untampered answer cannot be used after it', async () => {
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, provider, `${tend}/sign-in/test`, 'alice');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    const response = await browser.request(tampered.href);
    assert.equal(response.status, 400);
    assert.match(textOf(await response.text()), /its state does not match/);
    assert.equal((await browser.request(`${tend}/account`)).status, 303, 'not signed in');
    const genuine = await browser.request(callback);
    assert.equal(genuine.status, 400);
    assert.equal((await store.db.selectFrom('app_user').select('id').execute()).length, 0);
  });

  it('refuses an answer brought to a browser that did not start the sign-in (no PKCE verifier)', async () => {
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, provider, `${tend}/sign-in/test`, 'alice');
    const elsewhere = await new TestBrowser().request(callback);
    assert.equal(elsewhere.status, 400);
    assert.match(
      textOf(await elsewhere.text()),
      /No sign-in with NHS CIS2 Authentication was waiting in this browser \(no PKCE verifier is kept for it\)/,
    );
    const own = await browser.request(callback);
    assert.equal(own.status, 303, 'the browser that started it still finishes it');
  });

  it('answers a provider error (access_denied) with a page saying so', async () => {
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, provider, `${tend}/sign-in/test`, 'alice', {
      abort: true,
    });
    assert.equal(new URL(callback).searchParams.get('error'), 'access_denied');
    const response = await browser.request(callback);
    assert.equal(response.status, 400);
    const page = textOf(await response.text());
    assert.match(page, /Your sign-in did not finish/);
    assert.match(
      page,
      /NHS CIS2 Authentication did not sign you in: access was denied \(access_denied: End-User aborted interaction\)/,
    );
    assert.doesNotMatch(page, /at .*\.ts:\d+/, 'no stack');
  });

  it('authenticates to the token endpoint with private_key_jwt', async () => {
    const browser = new TestBrowser();
    const { response } = await signIn(browser, 'jwt', 'alice');
    assert.equal(response.status, 303, await response.clone().text());
    assert.deepEqual(
      (await grantsOf('alice@example.nhs.uk')).map(
        (grant) => `${grant.role} ${grant.scope_code} ${grant.granted_by}`,
      ),
      ['contributor RYY sso:jwt'],
    );
  });

  it('reads Entra app roles at the organisation claim', async () => {
    provider.accounts.set('carol', {
      email: 'carol@example.nhs.uk',
      name: 'Carol Example',
      roles: ['tend.contributor', 'tend.unmapped'],
      ods_code: 'rj1',
    });
    const browser = new TestBrowser();
    const { response } = await signIn(browser, 'entra', 'carol');
    assert.equal(response.status, 303, await response.clone().text());
    assert.deepEqual(
      (await grantsOf('carol@example.nhs.uk')).map(
        (grant) => `${grant.role} ${grant.scope_code} ${grant.granted_by}`,
      ),
      ['contributor RJ1 sso:entra'],
    );
  });

  it('offers the providers on the sign-in page, and answers an unknown or unreachable provider with a page', async () => {
    const browser = new TestBrowser();
    const page = await (await browser.request(`${tend}/sign-in`)).text();
    assert.match(page, /href="\/sign-in\/test"[^>]*>Sign in with NHS CIS2 Authentication/);
    assert.match(page, /Sign in with Microsoft Entra ID/);
    assert.equal((await browser.request(`${tend}/sign-in/nowhere`)).status, 404);
    const down = await browser.request(`${tend}/sign-in/down`);
    assert.equal(down.status, 502);
    assert.match(textOf(await down.text()), /A provider that is down is not answering/);
  });
});
