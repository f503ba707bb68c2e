import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadUserActor } from '../../src/app/accounts/actor.ts';
import { createAnnotation } from '../../src/app/annotations/create.ts';
import {
  createNarrative,
  editNarrative,
  publishNarrative,
  withdrawNarrative,
} from '../../src/app/narratives/write.ts';
import { operator } from '../../src/policies/actor.ts';
import type { Store } from '../../src/store/db.ts';
import { organisationContext } from '../../src/store/repos/organisation-repo.ts';
import { readStoreVersion } from '../../src/store/repos/version-repo.ts';
import { buildApp } from '../../src/web/app.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { addPerson, cookiesFrom, csrfTokenIn, signIn } from '../helpers/people.ts';
import { testBackend } from '../helpers/test-store.ts';

/**
 * Every route × every role, and canary strings in confidential content across every surface.
 *
 * Organisation A is RJ1 (Guy's and St Thomas'), B is RYY (Kent Community Health); the roles are
 * anonymous; member, contributor and admin of A and of B; the system lead of A's ICB; oversight of
 * A's region; national oversight; an improvement facilitator. Who may read what is written out by
 * hand below from the rules — never computed with the policy code under test.
 *
 * The route list comes from the app itself, so a new route without a fixture here fails the test.
 */

const A = 'RJ1';
const B = 'RYY';
const metricA = 'ae-4hr-type1';
const quarter = 'Q4 2025/26';

type Role =
  | 'anonymous'
  | 'memberA'
  | 'contributorA'
  | 'adminA'
  | 'memberB'
  | 'contributorB'
  | 'adminB'
  | 'systemLeadA'
  | 'oversightRegionA'
  | 'oversightEngland'
  | 'facilitator';
const roles: readonly Role[] = [
  'anonymous',
  'memberA',
  'contributorA',
  'adminA',
  'memberB',
  'contributorB',
  'adminB',
  'systemLeadA',
  'oversightRegionA',
  'oversightEngland',
  'facilitator',
];
const peopleOfA: readonly Role[] = ['memberA', 'contributorA', 'adminA'];
const writersOfA: readonly Role[] = ['contributorA', 'adminA'];
const overseersOfA: readonly Role[] = [...peopleOfA, 'systemLeadA', 'oversightRegionA', 'oversightEngland'];

const run = crypto.randomBytes(4).toString('hex');
/** Confidential strings, each with the roles that may see it. */
const canaries = {
  narrativeDraft: { text: `CANARY-NARRATIVE-DRAFT-${run}`, readers: peopleOfA },
  narrativeOrganisation: { text: `CANARY-NARRATIVE-ORG-${run}`, readers: overseersOfA },
  narrativeNamed: { text: `CANARY-NARRATIVE-NAMED-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  narrativeWithdrawn: { text: `CANARY-NARRATIVE-WITHDRAWN-${run}`, readers: peopleOfA },
  earlierDraftVersion: { text: `CANARY-EARLIER-VERSION-${run}`, readers: peopleOfA },
  annotationDraft: { text: `CANARY-ANNOTATION-DRAFT-${run}`, readers: peopleOfA },
  annotationOrganisation: { text: `CANARY-ANNOTATION-ORG-${run}`, readers: overseersOfA },
} as const;
/** Published public content everyone must see: the control that proves the surfaces show content. */
const publicNarrative = `PUBLIC-NARRATIVE-${run}`;
const publicAnnotation = `PUBLIC-ANNOTATION-${run}`;

describe(`every route as every role, and confidential content on every surface (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const cookies = new Map<Role, string>();
  const ids: Record<string, number> = {};
  let icbOfA = '';

  before(async () => {
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({
      store,
      config: { logLevel: 'silent' },
      signInPerMinute: 10_000,
      rateLimitPerMinute: 1_000_000,
    });
    const contextA = await organisationContext(store.db, A);
    assert.ok(contextA?.icbCodes.length && contextA.regionCodes.length, 'A has an ICB and a region');
    icbOfA = contextA.icbCodes[0];
    const grants: Record<Exclude<Role, 'anonymous'>, Parameters<typeof addPerson>[2]> = {
      memberA: [{ role: 'member', scopeKind: 'organisation', scopeCode: A }],
      contributorA: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: A }],
      adminA: [{ role: 'admin', scopeKind: 'organisation', scopeCode: A }],
      memberB: [{ role: 'member', scopeKind: 'organisation', scopeCode: B }],
      contributorB: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: B }],
      adminB: [{ role: 'admin', scopeKind: 'organisation', scopeCode: B }],
      systemLeadA: [{ role: 'system-lead', scopeKind: 'system', scopeCode: icbOfA }],
      oversightRegionA: [{ role: 'oversight', scopeKind: 'region', scopeCode: contextA.regionCodes[0] }],
      oversightEngland: [{ role: 'oversight', scopeKind: 'england' }],
      facilitator: [{ role: 'facilitator', scopeKind: 'none' }],
    };
    const userIds = new Map<Role, number>();
    for (const [role, roleGrants] of Object.entries(grants) as [
      Exclude<Role, 'anonymous'>,
      typeof grants.memberA,
    ][]) {
      userIds.set(role, await addPerson(store, `${role.toLowerCase()}@example.nhs.uk`, roleGrants));
      cookies.set(role, await signIn(app, `${role.toLowerCase()}@example.nhs.uk`));
    }
    const author = await loadUserActor(
      store.db,
      userIds.get('contributorA') as number,
      new Date(),
      'session',
    );
    assert.ok(author);
    const as = { db: store.db, actor: author, clock: () => new Date() };
    const narrative = async (key: string, fields: Record<string, unknown>) => {
      ids[key] = (
        await createNarrative(as, {
          org: A,
          metric: metricA,
          kind: 'metric_commentary',
          body: `Body of ${fields.title}`,
          visibility: 'organisation',
          status: 'published',
          ...fields,
        })
      ).id;
    };
    await narrative('draft', { title: canaries.narrativeDraft.text, status: 'draft' });
    await narrative('organisation', { title: canaries.narrativeOrganisation.text });
    await narrative('named', {
      title: canaries.narrativeNamed.text,
      visibility: 'named',
      readers: ['memberb@example.nhs.uk'],
    });
    await narrative('withdrawn', { title: canaries.narrativeWithdrawn.text, visibility: 'public' });
    await withdrawNarrative(as, ids.withdrawn);
    await narrative('versions', {
      title: 'A commentary that began as a private draft',
      body: `Early thoughts: ${canaries.earlierDraftVersion.text}`,
      status: 'draft',
    });
    await editNarrative(as, ids.versions, {
      body: 'What the chart shows, for everyone.',
      visibility: 'public',
      baseVersion: 1,
    });
    await publishNarrative(as, ids.versions);
    await narrative('public', { title: publicNarrative, visibility: 'public' });
    const annotation = async (key: string, fields: { text: string; visibility: string; status: string }) => {
      ids[key] = (
        await createAnnotation(as, { org: A, metric: metricA, date: '2024-09-01', kind: 'event', ...fields })
      ).id;
    };
    await annotation('annotationDraft', {
      text: canaries.annotationDraft.text,
      visibility: 'public',
      status: 'draft',
    });
    await annotation('annotationOrganisation', {
      text: canaries.annotationOrganisation.text,
      visibility: 'organisation',
      status: 'published',
    });
    await annotation('annotationPublic', {
      text: publicAnnotation,
      visibility: 'public',
      status: 'published',
    });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  /** Concrete addresses for a GET route pattern; undefined means the route has no fixture yet. */
  function addressesFor(url: string): string[] | undefined {
    const narrativeIds = Object.keys(ids)
      .filter((key) => !key.startsWith('annotation'))
      .map((key) => ids[key]);
    const annotationIds = [ids.annotationDraft, ids.annotationOrganisation, ids.annotationPublic];
    const fixtures: Record<string, string[]> = {
      '/': ['/'],
      '/account': ['/account'],
      '/sign-in': ['/sign-in'],
      '/health': ['/health'],
      '/health/ready': ['/health/ready'],
      '/api/docs': ['/api/docs'],
      '/api/docs/openapi.json': ['/api/docs/openapi.json'],
      '/organisations': ['/organisations', `/organisations?search=${run}`],
      '/organisations/:code': [`/organisations/${A}`, `/organisations/${B}`],
      '/organisations/:code/audit': [`/organisations/${A}/audit`, `/organisations/${B}/audit`],
      '/organisations/:code/metrics/:id': [`/organisations/${A}/metrics/${metricA}`],
      '/organisations/:code/metrics/:id/annotations/new': [
        `/organisations/${A}/metrics/${metricA}/annotations/new`,
      ],
      '/organisations/:code/narratives': [`/organisations/${A}/narratives`, `/organisations/${B}/narratives`],
      '/organisations/:code/narratives/new': [`/organisations/${A}/narratives/new`],
      '/organisations/:code/narratives/:id': narrativeIds.map((id) => `/organisations/${A}/narratives/${id}`),
      '/organisations/:code/narratives/:id/edit': narrativeIds.map(
        (id) => `/organisations/${A}/narratives/${id}/edit`,
      ),
      '/organisations/:code/narratives/:id/versions': narrativeIds.map(
        (id) => `/organisations/${A}/narratives/${id}/versions`,
      ),
      '/organisations/:code/narratives/:id/versions/compare': [
        `/organisations/${A}/narratives/${ids.versions}/versions/compare?from=1&to=3`,
        `/organisations/${A}/narratives/${ids.versions}/versions/compare?from=1&to=2`,
      ],
      '/league-tables': ['/league-tables'],
      '/league-tables/:slug': ['/league-tables/mental-health-and-community-trust'],
      '/metrics': ['/metrics'],
      '/metrics/:id': [`/metrics/${metricA}`],
      '/systems': ['/systems'],
      '/systems/:code': [`/systems/${icbOfA}`],
      '/api/v1/organisations': ['/api/v1/organisations', `/api/v1/organisations?search=${A}`],
      '/api/v1/organisations/:code': [`/api/v1/organisations/${A}`, `/api/v1/organisations/${B}`],
      '/api/v1/metrics': ['/api/v1/metrics'],
      '/api/v1/metrics/:id/coverage': [`/api/v1/metrics/${metricA}/coverage`],
      '/api/v1/metrics/:id/latest': [
        `/api/v1/metrics/${metricA}/latest`,
        `/api/v1/metrics/${metricA}/latest?format=csv`,
      ],
      '/api/v1/observations': [
        `/api/v1/observations?org=${A}&metric=${metricA}`,
        `/api/v1/observations?org=${A}&metric=${metricA}&format=csv`,
      ],
      '/api/v1/assessments/:framework/:quarter': [
        `/api/v1/assessments/nof-2025-26/${encodeURIComponent(quarter)}`,
      ],
      '/api/v1/assessments/:framework/:quarter/:code': [
        `/api/v1/assessments/nof-2025-26/${encodeURIComponent(quarter)}/${B}`,
      ],
      '/api/v1/narratives': [
        `/api/v1/narratives?org=${A}`,
        '/api/v1/narratives',
        `/api/v1/narratives?org=${A}&metric=${metricA}`,
      ],
      '/api/v1/narratives/:id': narrativeIds.map((id) => `/api/v1/narratives/${id}`),
      '/api/v1/narratives/:id/versions': narrativeIds.map((id) => `/api/v1/narratives/${id}/versions`),
      '/api/v1/annotations': [
        `/api/v1/annotations?org=${A}`,
        `/api/v1/annotations?org=${A}&metric=${metricA}`,
      ],
      '/api/v1/annotations/:id': annotationIds.map((id) => `/api/v1/annotations/${id}`),
      '/api/v1/search': [`/api/v1/search?q=${run}`, '/api/v1/search?q=CANARY'],
    };
    if (url.includes('*')) return [];
    return fixtures[url];
  }

  async function get(role: Role, url: string) {
    const cookie = cookies.get(role);
    return app.inject({ url, headers: cookie ? { cookie } : {} });
  }

  it('has a fixture for every GET route the app registers', () => {
    const missing = app.routeList
      .filter((route) => route.method === 'GET')
      .filter((route) => addressesFor(route.url) === undefined)
      .map((route) => route.url);
    assert.deepEqual(missing, [], 'add these routes to the fixtures of this test');
  });

  it('answers every GET route as the rules say for every role', async () => {
    /** The expected status of an address for a role, written out from the rules. */
    const expected = (role: Role, url: string): number => {
      const path = url.split('?')[0];
      const signedIn = role !== 'anonymous';
      const refuse = (allowed: readonly Role[]) => (allowed.includes(role) ? 200 : signedIn ? 403 : 303);
      if (path === '/account') return signedIn ? 200 : 303;
      if (path === '/sign-in') return signedIn ? 303 : 200;
      if (path === `/organisations/${A}/audit`) return refuse(['adminA']);
      if (path === `/organisations/${B}/audit`) return refuse(['adminB']);
      if (path.endsWith('/annotations/new') || path === `/organisations/${A}/narratives/new`)
        return refuse(writersOfA);
      const narrative =
        /^(?:\/api\/v1|\/organisations\/RJ1)\/narratives\/(\d+)(\/edit|\/versions(?:\/compare)?)?$/.exec(
          path,
        );
      if (narrative) {
        const id = Number(narrative[1]);
        const key = Object.keys(ids).find((name) => ids[name] === id) as string;
        const readers: readonly Role[] =
          key === 'draft' || key === 'withdrawn'
            ? peopleOfA
            : key === 'organisation'
              ? overseersOfA
              : key === 'named'
                ? canaries.narrativeNamed.readers
                : roles;
        // Comparing with version 1, a private draft, is for those who could read that draft.
        const canRead =
          narrative[2] === '/versions/compare' ? peopleOfA.includes(role) : readers.includes(role);
        if (narrative[2] === '/edit') {
          const editors = key === 'named' ? ['contributorA'] : writersOfA;
          if (editors.includes(role)) return 200;
          if (!signedIn) return 303;
          return canRead ? 403 : 404;
        }
        return canRead ? 200 : 404;
      }
      const annotation = /^\/api\/v1\/annotations\/(\d+)$/.exec(path);
      if (annotation) {
        const id = Number(annotation[1]);
        if (id === ids.annotationDraft) return peopleOfA.includes(role) ? 200 : 404;
        if (id === ids.annotationOrganisation) return overseersOfA.includes(role) ? 200 : 404;
        return 200;
      }
      return 200;
    };
    const wrong: string[] = [];
    for (const route of app.routeList.filter((each) => each.method === 'GET')) {
      for (const url of addressesFor(route.url) ?? []) {
        for (const role of roles) {
          const response = await get(role, url);
          const want = expected(role, url);
          if (response.statusCode !== want)
            wrong.push(`${role} GET ${url}: ${response.statusCode}, expected ${want}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('never shows confidential content to a role that may not see it, on any page, download, API response or search, cold or warm', async () => {
    const leaks: string[] = [];
    const seen = new Map<string, Set<Role>>();
    const check = (role: Role, url: string, body: string) => {
      for (const canary of Object.values(canaries)) {
        if (!body.includes(canary.text)) continue;
        if (!seen.has(canary.text)) seen.set(canary.text, new Set());
        seen.get(canary.text)?.add(role);
        if (!canary.readers.includes(role))
          leaks.push(`${role} saw ${canary.text.split('-').slice(0, 3).join('-')} at ${url}`);
      }
      for (const control of [publicNarrative, publicAnnotation])
        if (body.includes(control)) seen.set(control, new Set([...(seen.get(control) ?? []), role]));
    };
    const addresses = app.routeList
      .filter((route) => route.method === 'GET')
      .flatMap((route) => addressesFor(route.url) ?? []);
    for (const pass of ['cold', 'warm']) {
      for (const role of roles) {
        for (const url of addresses) {
          const response = await get(role, url);
          check(role, url, response.body);
          // Every table on a page downloads as CSV from the same view: fetch each one.
          if (
            pass === 'cold' &&
            (response.headers['content-type'] ?? '').toString().startsWith('text/html')
          ) {
            for (const match of response.body.matchAll(/href="([^"]*[?&]download=[^"]+)"/g)) {
              const download = match[1].replaceAll('&amp;', '&');
              const csv = await get(role, download);
              check(role, download, csv.body);
            }
          }
        }
      }
    }
    assert.deepEqual(leaks, []);
    // The test has teeth only if each canary did show where it may.
    for (const canary of Object.values(canaries))
      assert.ok(seen.get(canary.text)?.size, `${canary.text} showed nowhere: the surfaces did not render it`);
    for (const control of [publicNarrative, publicAnnotation])
      assert.equal(seen.get(control)?.size, roles.length, `${control} is public and every role sees it`);
  });

  it('refuses every write route to every role that may not write, and writes nothing', async () => {
    const before = await readStoreVersion(store.db);
    const wrong: string[] = [];
    const writeRoutes = app.routeList.filter(
      (route) =>
        route.method !== 'GET' &&
        !['/sign-in', '/sign-out', '/sign-out-everywhere', '/api/v1/imports'].includes(route.url),
    );
    assert.ok(writeRoutes.length >= 10, 'the app has write routes');
    const addressOf = (url: string) =>
      url
        .replace(':code', A)
        .replace('/metrics/:id', `/metrics/${metricA}`)
        .replace(':annotationId', String(ids.annotationDraft))
        .replace(/narratives\/:id/, `narratives/${ids.draft}`)
        .replace(/annotations\/:id/, `annotations/${ids.annotationDraft}`);
    for (const route of writeRoutes) {
      for (const role of roles.filter((each) => !writersOfA.includes(each))) {
        const cookie = cookies.get(role);
        const page = await app.inject({
          url: cookie ? '/account' : '/sign-in',
          headers: cookie ? { cookie } : {},
        });
        const sessionCookie = cookie ?? cookiesFrom(page);
        const token = csrfTokenIn(page.body);
        const url = addressOf(route.url);
        const isApi = url.startsWith('/api/');
        const response = await app.inject({
          method: route.method as 'POST',
          url,
          headers: {
            cookie: sessionCookie,
            'x-csrf-token': token,
            'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded',
          },
          payload: isApi
            ? JSON.stringify({
                org: A,
                metric: metricA,
                kind: 'event',
                date: '2024-10-01',
                text: 'x',
                title: 'x',
                body: 'x',
                visibility: 'public',
                status: 'published',
                baseVersion: 1,
              })
            : `_csrf=${encodeURIComponent(token)}&kind=event&date=2024-10-01&text=x&title=x&body=x&visibility=public&status=published&baseVersion=1`,
        });
        const refused = role === 'anonymous' ? [401, 303, 404] : [403, 404];
        if (!refused.includes(response.statusCode))
          wrong.push(`${role} ${route.method} ${url}: ${response.statusCode} ${response.body.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(await readStoreVersion(store.db), before, 'no refused write changed the store');
  });

  it('lets only national oversight import through the API, and writes nothing for anyone else', async () => {
    const before = await readStoreVersion(store.db);
    const wrong: string[] = [];
    for (const role of roles) {
      const cookie = cookies.get(role);
      const page = await app.inject({
        url: cookie ? '/account' : '/sign-in',
        headers: cookie ? { cookie } : {},
      });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports?filename=x.csv',
        headers: {
          cookie: cookie ?? cookiesFrom(page),
          'x-csrf-token': csrfTokenIn(page.body),
          'content-type': 'application/json',
        },
        payload: '{}',
      });
      // National oversight passes the policy and is then refused the JSON body (415): not a file.
      const want = role === 'anonymous' ? 401 : role === 'oversightEngland' ? 415 : 403;
      if (response.statusCode !== want) wrong.push(`${role}: ${response.statusCode}, expected ${want}`);
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(await readStoreVersion(store.db), before);
  });

  it('serves signed-in pages privately, never from a shared cache', async () => {
    for (const role of roles.filter((each) => each !== 'anonymous')) {
      const response = await get(role, `/organisations/${A}`);
      assert.equal(response.headers['cache-control'], 'private, no-store', role);
    }
    const anonymous = await get('anonymous', `/organisations/${A}`);
    assert.notEqual(anonymous.headers['cache-control'], 'private, no-store');
  });

  it('keeps the operator able to read everything (the CLI’s view)', async () => {
    const { findNarratives } = await import('../../src/app/narratives/read.ts');
    const all = await findNarratives(
      { db: store.db, actor: operator('test'), clock: () => new Date() },
      { org: A },
    );
    for (const key of ['draft', 'organisation', 'named', 'withdrawn'])
      assert.ok(
        all.some((row) => row.id === ids[key]),
        key,
      );
  });
});
