import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { addPerson, getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const metric = 'ae-4hr-type1';

/** The fields named by the NHS.UK error summary on a page, in order. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1]);
}

function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe(`improvement directory pages, API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const cookies: Record<string, string> = {};
  let entryId = 0;

  const post = async (who: string, pageUrl: string, url: string, fields: Record<string, string>) => {
    const page = await getWithCsrf(app, pageUrl, cookies[who]);
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie: cookies[who], ...form },
      payload: formBody({ _csrf: page.csrf, ...fields }),
    });
  };
  const api = async (who: string | null, method: 'GET' | 'POST', url: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (who) {
      headers.cookie = cookies[who];
      headers['x-csrf-token'] = (await getWithCsrf(app, '/account', cookies[who])).csrf;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    return app.inject({
      method,
      url,
      headers,
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  before(async () => {
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 10_000 });
    const people = {
      facilitator: [{ role: 'facilitator' as const, scopeKind: 'none' as const }],
      contributor: [{ role: 'contributor' as const, scopeKind: 'organisation' as const, scopeCode: 'RJ1' }],
      member: [{ role: 'member' as const, scopeKind: 'organisation' as const, scopeCode: 'RGT' }],
    };
    for (const [name, grants] of Object.entries(people)) {
      await addPerson(store, `${name}@example.nhs.uk`, grants);
      cookies[name] = await signIn(app, `${name}@example.nhs.uk`);
    }
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('lists every field problem of a new entry at once, in the form’s order', async () => {
    const response = await post('facilitator', '/improvement/entries/new', '/improvement/entries', {
      org: 'RJ1',
      metrics: '',
      title: '',
      what_they_did: '',
      period_end: 'soon',
    });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(errorSummaryItems(response.body), ['metrics', 'title', 'what_they_did', 'period_end']);
  });

  it('adds an entry, records a contact and publishes it with its chart frozen', async () => {
    const created = await post('facilitator', '/improvement/entries/new', '/improvement/entries', {
      org: 'RJ1',
      metrics: metric,
      title: 'Streaming at the front door',
      what_they_did: 'A senior decision-maker streams every arrival within fifteen minutes.',
    });
    assert.equal(created.statusCode, 303, created.body.slice(0, 300));
    const location = String(created.headers.location);
    entryId = Number(/\/improvement\/entries\/(\d+)$/.exec(location)?.[1]);
    assert.ok(entryId > 0);
    const refused = await post('facilitator', location, `${location}/publish`, { version: '1' });
    assert.equal(refused.statusCode, 422, 'no contact yet');
    const contact = await post('facilitator', location, `${location}/contacts`, {
      name: 'Robin Example',
      role: 'Matron',
      email: 'robin.signed.in@example.org',
      consent_scope: 'signed_in',
      consent_recorded_on: '2026-11-01',
      review_by: '2099-01-01',
    });
    assert.equal(contact.statusCode, 303);
    const published = await post('facilitator', location, `${location}/publish`, { version: '1' });
    assert.equal(published.statusCode, 303);
    const anonymousPage = await app.inject({ url: location });
    assert.equal(anonymousPage.statusCode, 200);
    assert.match(anonymousPage.body, /id="entry-state">Published/);
    assert.match(anonymousPage.body, /<svg/);
    assert.ok(!anonymousPage.body.includes('robin.signed.in@example.org'), 'anonymous never sees the email');
    assert.match(anonymousPage.body, /sign in to see their email address/);
    const memberPage = await app.inject({ url: location, headers: { cookie: cookies.member } });
    assert.ok(memberPage.body.includes('robin.signed.in@example.org'));
    assert.ok(!memberPage.body.includes('id="curate"'), 'a member of another trust does not curate');
  });

  it('finds the entry by metric, organisation and free text', async () => {
    for (const query of [`metric=${metric}`, 'org=RJ1', 'q=fifteen+minutes']) {
      const page = await app.inject({ url: `/improvement?${query}` });
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('Streaming at the front door'), query);
    }
    const none = await app.inject({ url: '/improvement?q=no+such+words+anywhere' });
    assert.match(none.body, /id="no-entries"/);
    const past = await app.inject({ url: `/improvement?metric=${metric}&page=2` });
    assert.equal(past.statusCode, 200);
    assert.match(past.body, /no entries on page 2/);
    assert.doesNotMatch(
      past.body,
      /Streaming at the front door/,
      'page 2 of a one-entry search lists nothing',
    );
    const api = await app.inject({ url: `/api/v1/directory/entries?metric=${metric}` });
    assert.deepEqual(
      [api.json().page, api.json().hasNext, api.json().entries.length > 0],
      [1, false, true],
      'the API pages too',
    );
  });

  it('shows who has improved this on another trust’s chart and on the metric page: entries first, then candidates', async () => {
    for (const url of [`/organisations/RGT/metrics/${metric}`, `/metrics/${metric}`]) {
      const page = await app.inject({ url });
      assert.equal(page.statusCode, 200, url);
      const entries = page.body.indexOf('id="directory-entries"');
      const candidates = page.body.indexOf('id="directory-candidates"');
      assert.ok(entries > 0 && page.body.includes('Streaming at the front door'), url);
      assert.ok(candidates > entries, `${url}: candidates after entries`);
      assert.match(page.body, /Candidate – not yet confirmed/);
    }
    const own = await app.inject({ url: `/organisations/RJ1/metrics/${metric}` });
    assert.ok(!own.body.includes('Streaming at the front door'), 'never the organisation itself');
  });

  it('shows coverage with its CSV, and candidates without contact details', async () => {
    const coverage = await app.inject({ url: '/improvement/coverage' });
    assert.equal(coverage.statusCode, 200);
    assert.match(coverage.body, /id="coverage-share"/);
    const csv = await app.inject({ url: '/improvement/coverage?download=coverage' });
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(csv.body, /nof-league-average-score/);
    const candidates = await app.inject({ url: `/improvement/candidates?metric=${metric}` });
    assert.equal(candidates.statusCode, 200);
    assert.match(candidates.body, /Candidate – not yet confirmed/);
    assert.ok(!candidates.body.includes('@example.org'));
  });

  it('answers the API: candidates (JSON and CSV), entries, one entry, coverage, and adding an entry', async () => {
    const json = await api(null, 'GET', `/api/v1/directory/candidates?metric=${metric}`);
    assert.equal(json.statusCode, 200);
    const body = json.json();
    assert.equal(body.metric.id, metric);
    assert.ok(body.candidates.length > 0);
    assert.ok(
      body.candidates.every((candidate: { status: string }) => candidate.status.startsWith('candidate')),
    );
    const csv = await api(null, 'GET', `/api/v1/directory/candidates?metric=${metric}&format=csv`);
    assert.equal(csv.body.split('\n')[0].split(',')[0], 'org');
    const unknown = await api(null, 'GET', '/api/v1/directory/candidates?metric=no-such-metric');
    assert.equal(unknown.statusCode, 404);
    const one = await api(null, 'GET', `/api/v1/directory/entries/${entryId}`);
    assert.equal(one.json().entry.contacts[0].email, null);
    const asMember = await api('member', 'GET', `/api/v1/directory/entries/${entryId}`);
    assert.equal(asMember.json().entry.contacts[0].email, 'robin.signed.in@example.org');
    const coverage = await api(null, 'GET', '/api/v1/directory/coverage');
    assert.equal(coverage.json().coverage.goal, 3);
    assert.equal((await api(null, 'POST', '/api/v1/directory/entries', {})).statusCode, 401);
    assert.equal((await api('member', 'POST', '/api/v1/directory/entries', {})).statusCode, 403);
    const nominated = await api('contributor', 'POST', '/api/v1/directory/entries', {
      org: 'RJ1',
      metrics: [metric],
      title: 'Our own nomination',
      what_they_did: 'What we did.',
    });
    assert.equal(nominated.statusCode, 201, nominated.body);
    const listed = await api(null, 'GET', '/api/v1/directory/entries?org=RJ1');
    const titles = listed.json().entries.map((entry: { title: string }) => entry.title);
    assert.ok(titles.includes('Streaming at the front door'));
    assert.ok(!titles.includes('Our own nomination'), 'a nomination is not public until published');
    const own = await api('contributor', 'GET', '/api/v1/directory/entries?org=RJ1');
    assert.ok(own.json().entries.some((entry: { title: string }) => entry.title === 'Our own nomination'));
  });
});
