import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  orgA,
  orgB,
} from '../../test/helpers/narratives.ts';
import { cookiesFrom, csrfTokenIn, getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { createToken } from '../app/accounts/tokens.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { listAuditEntries } from '../store/repos/audit-repo.ts';
import { buildApp } from './app.ts';

const clock = () => new Date('2026-11-30T10:00:00Z');

describe(`narratives API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
  const tokens: Partial<Record<CastName, string>> = {};
  const bearer = (name: CastName) => ({ authorization: `Bearer ${tokens[name]}` });
  const api = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    options: { as?: CastName; body?: unknown } = {},
  ) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: options.as ? bearer(options.as) : {},
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
  const auditCount = async () =>
    (await listAuditEntries(store.db, { everything: true, orgCodes: [] })).length;

  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock, ['contributorA']);
    const operatorContext = contextFor(store, operator('test'), clock);
    for (const name of ['contributorA', 'adminA', 'memberA', 'contributorB', 'memberB'] as const)
      tokens[name] = (await createToken(operatorContext, { email: people[name].email, name: 'test' })).secret;
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const draft = {
    org: orgA,
    metric: 'ae-4hr-type1',
    kind: 'metric_commentary',
    title: 'Winter pressures',
    body: 'The chart shows a **fall**.',
    visibility: 'public',
  };

  it('creates a narrative: 401 without sign-in, 403 for a member, 422 with every problem, 201 for a contributor', async () => {
    const audited = await auditCount();
    // No one signed in: asked to sign in, with or without a session's form token, or with a bad token.
    const noOne = await api('POST', '/narratives', { body: draft });
    assert.equal(noOne.statusCode, 401);
    assert.equal(noOne.json().error.code, 'UNAUTHENTICATED');
    const signInPage = await app.inject('/sign-in');
    const unauthenticated = await app.inject({
      method: 'POST',
      url: '/api/v1/narratives',
      headers: { cookie: cookiesFrom(signInPage), 'x-csrf-token': csrfTokenIn(signInPage.body) },
      payload: draft,
    });
    assert.equal(unauthenticated.statusCode, 401);
    assert.equal(unauthenticated.json().error.code, 'UNAUTHENTICATED');
    const badToken = await app.inject({
      method: 'POST',
      url: '/api/v1/narratives',
      headers: { authorization: 'Bearer not-a-token' },
      payload: draft,
    });
    assert.equal(badToken.statusCode, 401);
    const forbidden = await api('POST', '/narratives', { as: 'memberA', body: draft });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().error.code, 'FORBIDDEN');
    assert.equal((await api('POST', '/narratives', { as: 'contributorB', body: draft })).statusCode, 403);

    const badTypes = await api('POST', '/narratives', {
      as: 'contributorA',
      body: { org: orgA, kind: 7, title: ['x'], readers: 'someone' },
    });
    assert.equal(badTypes.statusCode, 422);
    assert.deepEqual(
      badTypes
        .json()
        .error.details.map((detail: string) => detail.split(':')[0])
        .sort(),
      ['body', 'kind', 'readers', 'title', 'visibility'],
    );
    const invalid = await api('POST', '/narratives', {
      as: 'contributorA',
      body: {
        ...draft,
        title: '',
        metric: 'nope',
        periodFrom: '2025-05-01',
        periodTo: '2025-04-01',
        visibility: 'named',
        readers: ['ghost@example.nhs.uk'],
      },
    });
    assert.equal(invalid.statusCode, 422);
    assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
    assert.deepEqual(invalid.json().error.details, [
      'title: Enter a title',
      'metric: Tend has no metric with the id nope; choose one from the list',
      'periodTo: The end of the period must be on or after its start',
      'readers: No one in Tend has the email address ghost@example.nhs.uk',
    ]);
    assert.equal(await auditCount(), audited, 'nothing refused is audited');

    const created = await api('POST', '/narratives', { as: 'contributorA', body: draft });
    assert.equal(created.statusCode, 201, created.body);
    const narrative = created.json().narrative;
    assert.equal(narrative.status, 'draft');
    assert.equal(narrative.version, 1);
    assert.equal(narrative.url, `/organisations/${orgA}/narratives/${narrative.id}`);
    assert.deepEqual(narrative.metric, { id: 'ae-4hr-type1', name: narrative.metric.name });
    assert.equal(narrative.bodyHtml, '<p>The chart shows a <strong>fall</strong>.</p>');
    assert.equal(await auditCount(), audited + 1);
  });

  it('reads one narrative only where the policy allows, answering 404 (not 403) otherwise', async () => {
    const { narrative } = (
      await api('POST', '/narratives', { as: 'contributorA', body: { ...draft, title: 'Hidden draft' } })
    ).json();
    const url = `/narratives/${narrative.id}`;
    for (const as of [undefined, 'memberB', 'contributorB'] as const) {
      const response = await api('GET', url, { as });
      assert.equal(response.statusCode, 404, String(as));
      assert.equal(response.json().error.code, 'NOT_FOUND');
    }
    const member = await api('GET', url, { as: 'memberA' });
    assert.equal(member.statusCode, 200);
    assert.deepEqual(member.json().narrative.permissions, { edit: false, publish: false, withdraw: false });
    const contributor = await api('GET', url, { as: 'contributorA' });
    assert.deepEqual(contributor.json().narrative.permissions, {
      edit: true,
      publish: true,
      withdraw: false,
    });
    for (const bad of ['/narratives/abc', '/narratives/0', '/narratives/99999999']) {
      assert.equal((await api('GET', bad)).statusCode, 404, bad);
    }
  });

  it('changes a narrative with PATCH, refusing a stale base version with 409', async () => {
    const { narrative } = (
      await api('POST', '/narratives', { as: 'contributorA', body: { ...draft, title: 'To change' } })
    ).json();
    const url = `/narratives/${narrative.id}`;
    const audited = await auditCount();
    const missingBase = await api('PATCH', url, { as: 'contributorA', body: { title: 'No base' } });
    assert.equal(missingBase.statusCode, 422);
    assert.match(missingBase.json().error.details[0], /^baseVersion:/);
    const changed = await api('PATCH', url, { as: 'adminA', body: { baseVersion: 1, title: 'Changed' } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().narrative.version, 2);
    assert.equal(changed.json().narrative.body, draft.body, 'fields not sent are kept');
    const stale = await api('PATCH', url, { as: 'contributorA', body: { baseVersion: 1, title: 'Stale' } });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'CONFLICT');
    assert.equal(
      (await api('PATCH', url, { as: 'memberA', body: { baseVersion: 2, title: 'x' } })).statusCode,
      403,
    );
    assert.equal(
      (await api('PATCH', url, { as: 'contributorB', body: { baseVersion: 2, title: 'x' } })).statusCode,
      404,
    );
    const signInPage = await app.inject('/sign-in');
    const anonymous = await app.inject({
      method: 'PATCH',
      url: `/api/v1${url}`,
      headers: { cookie: cookiesFrom(signInPage), 'x-csrf-token': csrfTokenIn(signInPage.body) },
      payload: { baseVersion: 2, title: 'x' },
    });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(await auditCount(), audited + 1);
  });

  it('publishes and withdraws, and shows each reader only the versions they may read', async () => {
    const { narrative } = (
      await api('POST', '/narratives', {
        as: 'contributorA',
        body: { ...draft, title: 'History', visibility: 'organisation', body: 'Private first words.' },
      })
    ).json();
    const url = `/narratives/${narrative.id}`;
    await api('PATCH', url, {
      as: 'contributorA',
      body: { baseVersion: 1, visibility: 'public', body: 'Public words.' },
    });
    const published = await api('POST', `${url}/publish`, { as: 'contributorA', body: { baseVersion: 2 } });
    assert.equal(published.statusCode, 200, published.body);
    assert.equal(published.json().narrative.status, 'published');
    assert.equal((await api('POST', `${url}/publish`, { as: 'contributorA', body: {} })).statusCode, 409);

    const publicVersions = await api('GET', `${url}/versions`);
    assert.equal(publicVersions.statusCode, 200);
    assert.deepEqual(
      publicVersions.json().versions.map((version: { version: number }) => version.version),
      [3],
    );
    assert.doesNotMatch(publicVersions.body, /Private first words/);
    const memberVersions = (await api('GET', `${url}/versions`, { as: 'memberA' })).json().versions;
    assert.deepEqual(
      memberVersions.map((version: { version: number; status: string }) => [version.version, version.status]),
      [
        [1, 'draft'],
        [2, 'draft'],
        [3, 'published'],
      ],
    );

    const withdrawn = await api('POST', `${url}/withdraw`, { as: 'contributorA' });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal((await api('GET', `${url}/versions`)).statusCode, 404);
  });

  it('lists narratives by organisation, metric, kind and status, within the read scope', async () => {
    await api('POST', '/narratives', {
      as: 'contributorA',
      body: {
        org: orgA,
        kind: 'financial_stewardship',
        title: 'Our money',
        body: 'How we chose.',
        visibility: 'public',
        status: 'published',
      },
    });
    const all = (await api('GET', '/narratives')).json().narratives;
    assert.ok(all.length > 0);
    assert.ok(
      all.every(
        (each: { status: string; visibility: string }) =>
          each.status === 'published' && each.visibility === 'public',
      ),
    );
    assert.equal(all[0].kind, 'financial_stewardship', 'Financial Stewardship Narratives first');
    const drafts = (
      await api('GET', `/narratives?org=${orgA.toLowerCase()}&status=draft`, { as: 'memberA' })
    ).json().narratives;
    assert.ok(drafts.length > 0 && drafts.every((each: { status: string }) => each.status === 'draft'));
    assert.deepEqual((await api('GET', `/narratives?status=draft`)).json().narratives, []);
    const commentary = (
      await api('GET', `/narratives?metric=ae-4hr-type1&kind=metric_commentary`, { as: 'memberA' })
    ).json().narratives;
    assert.ok(
      commentary.length > 0 &&
        commentary.every((each: { kind: string }) => each.kind === 'metric_commentary'),
    );
    assert.deepEqual((await api('GET', `/narratives?org=${orgB}`, { as: 'memberA' })).json().narratives, []);
    const bad = await api('GET', '/narratives?kind=poem&status=lost');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.details.length, 2);
  });

  it("adds the narratives the caller may read to the organisation's record", async () => {
    const anonymous = (await api('GET', `/organisations/${orgA}`)).json();
    assert.equal(anonymous.organisation.code, orgA);
    assert.ok(anonymous.narratives.length > 0);
    assert.ok(
      anonymous.narratives.every(
        (each: { status: string; visibility: string }) =>
          each.status === 'published' && each.visibility === 'public',
      ),
    );
    assert.ok(
      anonymous.narratives.every(
        (each: { url: string; body?: string }) =>
          each.url.startsWith(`/organisations/${orgA}/narratives/`) && each.body === undefined,
      ),
    );
    const member = (await api('GET', `/organisations/${orgA}`, { as: 'memberA' })).json();
    assert.ok(member.narratives.length > anonymous.narratives.length);
  });

  it('searches organisations, metrics and readable narratives, taking % and _ literally', async () => {
    await api('POST', '/narratives', {
      as: 'contributorA',
      body: { ...draft, title: 'Discharge 100% on time', status: 'published' },
    });
    await api('POST', '/narratives', {
      as: 'contributorA',
      body: { ...draft, title: 'Discharge plan draft' },
    });
    const publicResults = (await api('GET', '/search?q=discharge')).json();
    assert.deepEqual(
      publicResults.narratives.map((each: { title: string }) => each.title),
      ['Discharge 100% on time'],
    );
    const memberResults = (await api('GET', '/search?q=DISCHARGE', { as: 'memberA' })).json();
    assert.equal(memberResults.narratives.length, 2);
    assert.equal((await api('GET', '/search?q=0%25%20on')).json().narratives.length, 1);
    assert.equal((await api('GET', '/search?q=100_')).json().narratives.length, 0);
    const organisations = (await api('GET', `/search?q=${orgA.toLowerCase()}`)).json().organisations;
    assert.equal(organisations[0].code, orgA);
    assert.equal(organisations[0].url, `/organisations/${orgA}`);
    const metrics = (await api('GET', '/search?q=ae-4hr-type1')).json().metrics;
    assert.equal(metrics[0].id, 'ae-4hr-type1');
    assert.equal((await api('GET', '/search')).statusCode, 400);
    assert.equal((await api('GET', `/search?q=${'x'.repeat(101)}`)).statusCode, 400);
  });

  it('accepts a signed-in session for writes only with the x-csrf-token header', async () => {
    const cookie = await signIn(app, people.contributorA.email);
    const { csrf } = await getWithCsrf(app, '/account', cookie);
    const withoutToken = await app.inject({
      method: 'POST',
      url: '/api/v1/narratives',
      headers: { cookie },
      payload: { ...draft, title: 'By session' },
    });
    assert.equal(withoutToken.statusCode, 403);
    const withToken = await app.inject({
      method: 'POST',
      url: '/api/v1/narratives',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { ...draft, title: 'By session' },
    });
    assert.equal(withToken.statusCode, 201, withToken.body);
  });

  it('documents every narrative route in the OpenAPI description', async () => {
    const spec = (await app.inject('/api/docs/openapi.json')).json();
    const paths = spec.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    for (const [path, methods] of [
      ['/api/v1/narratives', ['get', 'post']],
      ['/api/v1/narratives/{id}', ['get', 'patch']],
      ['/api/v1/narratives/{id}/versions', ['get']],
      ['/api/v1/narratives/{id}/publish', ['post']],
      ['/api/v1/narratives/{id}/withdraw', ['post']],
      ['/api/v1/search', ['get']],
    ] as const)
      for (const method of methods) assert.ok(paths[path]?.[method], `${method} ${path}`);
    assert.ok(paths['/api/v1/narratives'].post.responses?.['201']);
    assert.ok(paths['/api/v1/narratives'].post.responses?.['422']);
    assert.ok(paths['/api/v1/narratives/{id}'].patch.responses?.['409']);
  });
});
