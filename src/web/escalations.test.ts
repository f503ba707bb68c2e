import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { formBody } from '../../test/helpers/narrative-web.ts';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  orgA,
} from '../../test/helpers/narratives.ts';
import { getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

/**
 * Monday 2 November 2026, 10:00; the tests move it on a few days at a time. Sessions last 12 hours
 * from the real time, so the app's clock stays in the past.
 */
const start = new Date('2026-11-02T10:00:00Z');
const dayMs = 86_400_000;
const list = `/organisations/${orgA}/escalations`;
const received = '/organisations/Y01/escalations/received';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** The items of the NHS.UK error summary on a page. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1]);
}

const signedInCast: CastName[] = [
  'memberA',
  'contributorA',
  'adminA',
  'memberB',
  'contributorB',
  'systemLeadA',
  'oversightRegionA',
  'nationalOversight',
  'facilitator',
];

describe(`escalation pages and API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
  let now = start;
  const cookies: Partial<Record<CastName, string>> = {};
  const cookieOf = async (name: CastName) => {
    cookies[name] ??= await signIn(app, people[name].email);
    return cookies[name];
  };
  const get = async (url: string, as?: CastName) =>
    app.inject({ url, headers: as ? { cookie: await cookieOf(as) } : {} });
  const post = async (as: CastName, pageUrl: string, url: string, fields: Record<string, string>) => {
    const cookie = await cookieOf(as);
    const page = await getWithCsrf(app, pageUrl, cookie);
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie, ...form },
      payload: formBody({ _csrf: page.csrf, ...fields }),
    });
  };
  const api = async (as: CastName | null, method: 'GET' | 'POST', url: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (as) {
      const cookie = await cookieOf(as);
      headers.cookie = cookie;
      headers['x-csrf-token'] = (await getWithCsrf(app, '/account', cookie)).csrf;
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
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, () => now, signedInCast);
    app = await buildApp({
      store,
      config: { logLevel: 'silent' },
      clock: () => now,
      signInPerMinute: 1000,
    });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('shows an escalation raised directly to the region to the raiser’s organisation and the region only, and its clock on the region’s ageing view', async () => {
    const canary = `CANARY-ESCALATION-${crypto.randomBytes(4).toString('hex')}`;
    now = start;
    const raised = await post('contributorA', list, list, {
      recipient: 'Y01',
      topic: 'quality',
      title: `${canary} title`,
      body: `${canary} body: pressure ulcers in the community are rising.`,
    });
    assert.equal(raised.statusCode, 303, raised.body.slice(0, 400));
    const url = String(raised.headers.location);
    const id = Number(/^\/escalations\/(\d+)$/.exec(url)?.[1]);
    assert.ok(id > 0);
    now = new Date(start.getTime() + 3 * dayMs); // Thursday: three working days on
    const surfaces = [
      url,
      list,
      received,
      '/organisations/QAA/escalations/received',
      `/organisations/${orgA}`,
      '/api/v1/escalations',
      `/api/v1/escalations/${id}`,
      `/api/v1/escalations?org=${orgA}`,
      '/api/v1/search?q=CANARY',
      `/organisations/${orgA}/audit`,
    ];
    const sawIt = new Set<string>();
    for (const role of [null, ...signedInCast]) {
      for (const surface of surfaces) {
        const response = await get(surface, role ?? undefined);
        if (response.body.includes(canary)) sawIt.add(role ?? 'anonymous');
        // The CSV of every table on the page, too.
        for (const match of response.body.matchAll(/href="([^"]*[?&]download=[^"]+)"/g)) {
          const csv = await get(match[1].replaceAll('&amp;', '&'), role ?? undefined);
          if (csv.body.includes(canary)) sawIt.add(role ?? 'anonymous');
        }
      }
    }
    assert.deepEqual([...sawIt].sort(), ['adminA', 'contributorA', 'memberA', 'oversightRegionA']);
    // The region's ageing view shows the clock: three working days, in the first band.
    const view = await get(received, 'oversightRegionA');
    assert.equal(view.statusCode, 200);
    const row = new RegExp(`<tr[^>]*data-key="${id}"[\\s\\S]*?</tr>`).exec(view.body)?.[0] ?? '';
    assert.match(row, /Up to 5 working days/);
    assert.match(row, />\s*3\s*</, 'three working days since raised');
    assert.match(view.body, /data-band="up_to_5"[\s\S]*?<dd class="nhsuk-summary-list__value">1<\/dd>/);
    // And on the escalation's own page.
    assert.match(
      (await get(url, 'oversightRegionA')).body,
      /3 working days since raised, waiting to be acknowledged/,
    );
    // Nobody else may even open the region's view.
    assert.equal((await get(received, 'nationalOversight')).statusCode, 403);
    assert.equal((await get(received, 'systemLeadA')).statusCode, 403);
    assert.equal((await get(received)).statusCode, 303);
    assert.equal((await get(url, 'nationalOversight')).statusCode, 404);
    assert.equal((await get(url, 'systemLeadA')).statusCode, 404);
    assert.equal((await get(url)).statusCode, 303);
  });

  it('lists every problem with a concern at once, in the form’s order, and offers the form only to writers', async () => {
    const refused = await post('contributorA', list, list, { topic: 'morale', title: '', body: '' });
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(errorSummaryItems(refused.body), ['recipient', 'topic', 'title', 'body']);
    assert.match((await get(list, 'contributorA')).body, /id="raise-escalation"/);
    assert.doesNotMatch((await get(list, 'memberA')).body, /id="raise-escalation"/);
    assert.doesNotMatch((await get(list, 'oversightRegionA')).body, /id="raise-escalation"/);
    assert.equal((await get(list, 'memberB')).statusCode, 403);
    assert.equal((await get(list, 'nationalOversight')).statusCode, 403);
    const memberTry = await post('memberA', list, list, {
      recipient: 'Y01',
      topic: 'finance',
      title: 'x',
      body: 'x',
    });
    assert.equal(memberTry.statusCode, 403);
  });

  it('takes a concern through every step on its page, each form shown only to the side it belongs to', async () => {
    now = start;
    const raised = await post('adminA', list, list, {
      recipient: 'QAA',
      topic: 'finance',
      title: 'Agency cover for district nursing',
      body: 'Costs are well over plan.',
    });
    const url = String(raised.headers.location);
    assert.match((await get(url, 'systemLeadA')).body, /id="acknowledge-escalation"/);
    assert.doesNotMatch((await get(url, 'contributorA')).body, /id="acknowledge-escalation"/);
    assert.equal((await get(url, 'oversightRegionA')).statusCode, 404, 'the region was not asked');
    now = new Date(start.getTime() + 1 * dayMs);
    const acknowledged = await post('systemLeadA', url, `${url}/acknowledge`, { note: 'Noted.' });
    assert.equal(acknowledged.statusCode, 303);
    const again = await post('systemLeadA', url, `${url}/acknowledge`, {});
    assert.equal(again.statusCode, 409, 'acknowledging twice is refused');
    assert.match(again.body, /This concern is acknowledged, so it cannot be acknowledged now\./);
    assert.doesNotMatch(again.body, /id="acknowledge-escalation"/);
    const empty = await post('systemLeadA', url, `${url}/respond`, { response: '' });
    assert.equal(empty.statusCode, 422);
    assert.deepEqual(errorSummaryItems(empty.body), ['response']);
    now = new Date(start.getTime() + 2 * dayMs);
    await post('systemLeadA', url, `${url}/respond`, { response: 'We will bring the providers together.' });
    const page = await get(url, 'contributorA');
    assert.match(page.body, /We will bring the providers together\./);
    assert.match(page.body, /Would you raise a concern this way again\?/);
    const closing = await post('contributorA', url, `${url}/close`, {
      wouldRaiseAgain: 'no',
      comment: 'It took two weeks to hear back.',
    });
    assert.equal(closing.statusCode, 303);
    const closed = await get(url, 'systemLeadA');
    assert.match(closed.body, /id="escalation-state">Closed</);
    assert.match(closed.body, /Closed after 2 working days/);
    assert.match(closed.body, /It took two weeks to hear back\./);
    assert.doesNotMatch(closed.body, /id="close-escalation"/);
    // The ICB's own page links its ageing view for its lead; the trust's page links the list for its people.
    assert.match((await get('/organisations/QAA', 'systemLeadA')).body, /id="escalations-received-link"/);
    assert.doesNotMatch(
      (await get('/organisations/QAA', 'oversightRegionA')).body,
      /escalations-received-link/,
    );
    assert.match((await get(`/organisations/${orgA}`, 'memberA')).body, /id="escalations-link"/);
    assert.doesNotMatch((await get(`/organisations/${orgA}`, 'memberB')).body, /escalations-link/);
    assert.doesNotMatch((await get(`/organisations/${orgA}`)).body, /escalations-link/);
  });

  it('asks the raiser on the page once the recipient has closed the concern', async () => {
    now = start;
    const raised = await post('contributorA', list, list, {
      recipient: 'Y01',
      topic: 'performance',
      title: 'Diagnostic waits',
      body: 'Six-week waits are rising.',
    });
    const url = String(raised.headers.location);
    const closing = await post('oversightRegionA', url, `${url}/close`, { note: 'Handled at the review.' });
    assert.equal(closing.statusCode, 303);
    assert.doesNotMatch((await get(url, 'oversightRegionA')).body, /id="answer-escalation"/);
    assert.match((await get(url, 'memberA')).body, /Closed/);
    assert.doesNotMatch((await get(url, 'memberA')).body, /id="answer-escalation"/);
    const missing = await post('contributorA', url, `${url}/answer`, {});
    assert.equal(missing.statusCode, 422);
    assert.deepEqual(errorSummaryItems(missing.body), ['wouldRaiseAgain']);
    const answered = await post('contributorA', url, `${url}/answer`, { wouldRaiseAgain: 'not_sure' });
    assert.equal(answered.statusCode, 303);
    const page = (await get(url, 'oversightRegionA')).body;
    assert.match(page, /id="would-raise-again"><strong>Not sure<\/strong>/);
    assert.match(page, /Answered “would you raise a concern this way again\?”/);
  });

  it('raises, reads and moves concerns through the JSON API, refusing whoever may not', async () => {
    now = start;
    const concern = {
      org: orgA,
      recipient: 'Y01',
      topic: 'performance',
      title: 'Ambulance handovers',
      body: 'Long waits.',
    };
    assert.equal((await api(null, 'POST', '/api/v1/escalations', concern)).statusCode, 401);
    assert.equal((await api('memberA', 'POST', '/api/v1/escalations', concern)).statusCode, 403);
    const problems = await api('contributorA', 'POST', '/api/v1/escalations', {
      ...concern,
      topic: 'x',
      title: '',
    });
    assert.equal(problems.statusCode, 422);
    assert.deepEqual(
      problems.json().error.details.map((detail: string) => detail.split(':')[0]),
      ['topic', 'title'],
    );
    const created = await api('contributorA', 'POST', '/api/v1/escalations', concern);
    assert.equal(created.statusCode, 201, created.body);
    const { escalation } = created.json();
    assert.equal(escalation.state, 'raised');
    assert.deepEqual(escalation.clock.sinceRaised, { workingDays: 0, calendarDays: 0 });
    const id = escalation.id;
    assert.equal((await api(null, 'GET', `/api/v1/escalations/${id}`)).statusCode, 401);
    assert.equal((await api('nationalOversight', 'GET', `/api/v1/escalations/${id}`)).statusCode, 404);
    assert.equal((await api('memberB', 'GET', '/api/v1/escalations')).json().escalations.length, 0);
    assert.equal(
      (await api('contributorA', 'POST', `/api/v1/escalations/${id}/respond`, { response: 'x' })).statusCode,
      403,
    );
    assert.equal(
      (await api('oversightRegionA', 'POST', `/api/v1/escalations/${id}/respond`, { response: 'x' }))
        .statusCode,
      409,
    );
    now = new Date(start.getTime() + 8 * dayMs); // Tuesday of the week after
    const acknowledged = await api('oversightRegionA', 'POST', `/api/v1/escalations/${id}/acknowledge`, {});
    assert.equal(acknowledged.statusCode, 201, acknowledged.body);
    assert.deepEqual(
      acknowledged
        .json()
        .escalation.events.map((event: { state: string; sinceRaised: { workingDays: number } }) => [
          event.state,
          event.sinceRaised.workingDays,
        ]),
      [
        ['raised', 0],
        ['acknowledged', 6],
      ],
    );
    const open = await api('oversightRegionA', 'GET', '/api/v1/escalations?recipient=Y01&open=true');
    assert.ok(open.json().escalations.some((each: { id: number }) => each.id === id));
    assert.equal(
      (await api('oversightRegionA', 'GET', '/api/v1/escalations?state=nonsense')).statusCode,
      400,
    );
  });
});
