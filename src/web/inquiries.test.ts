import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { formBody, importChartForOrganisationA } from '../../test/helpers/narrative-web.ts';
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
import { upsertSignalEpisodes } from '../store/repos/signal-repo.ts';
import { buildApp } from './app.ts';

const clock = () => new Date('2026-12-01T10:00:00Z');
const list = `/organisations/${orgA}/inquiries`;
const chart = `/organisations/${orgA}/metrics/ae-4hr-type1`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** The items of the NHS.UK error summary on a page. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1]);
}

describe(`inquiry pages and API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
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
  const api = async (as: CastName | null, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => {
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
    await importChartForOrganisationA(store);
    people = await addCast(store, clock, [
      'contributorA',
      'memberA',
      'oversightRegionA',
      'nationalOversight',
    ]);
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('offers opening to the organisation’s writers and inviting to its overseers, on the chart page', async () => {
    const section = (html: string) => /<section id="inquiries"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const asWriter = section((await get(chart, 'contributorA')).body);
    assert.match(asWriter, /id="open-chart-inquiry"/);
    assert.doesNotMatch(asWriter, /id="invite-chart-inquiry"/);
    const asOversight = section((await get(chart, 'oversightRegionA')).body);
    assert.match(asOversight, /id="invite-chart-inquiry"/);
    assert.doesNotMatch(asOversight, /id="open-chart-inquiry"/);
    const asMember = section((await get(chart, 'memberA')).body);
    assert.ok(asMember, 'the section is there');
    assert.doesNotMatch(asMember, /open-chart-inquiry|invite-chart-inquiry/);
    assert.equal((await get(`${list}/new`)).statusCode, 303, 'anonymous visitors are sent to sign in');
    assert.equal((await get(`${list}/new`, 'memberA')).statusCode, 403);
    assert.equal((await get(`${list}/invite`, 'contributorA')).statusCode, 403);
  });

  it('shows the access-and-flow questions for an A&E chart and lists every problem at once', async () => {
    const page = await get(`${list}/new?metric=ae-4hr-type1`, 'contributorA');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /What sits with system partners\?/);
    assert.match(page.body, /What sits with us\?/);
    const refused = await post('contributorA', `${list}/new`, list, {
      metric: 'ae-4hr-type1',
      kind: 'verdict',
      title: '',
      participants_staff: '',
    });
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(errorSummaryItems(refused.body), ['kind', 'title', 'visibility']);
  });

  it('opens an inquiry through the form and works on it, with buttons only for those allowed', async () => {
    const opened = await post('contributorA', `${list}/new`, list, {
      metric: 'ae-4hr-type1',
      kind: 'inquiry',
      title: 'Waits at the front door',
      visibility: 'public',
      answer_with_us: 'Night triage.',
      participants_staff: 'ED matron (2)\nTriage nurse: Jo Bloggs',
    });
    assert.equal(opened.statusCode, 303, opened.body.slice(0, 400));
    const url = String(opened.headers.location);
    assert.match(url, /^\/organisations\/RAA\/inquiries\/\d+$/);
    const mine = await get(url, 'contributorA');
    assert.match(mine.body, /id="add-note"/);
    assert.match(mine.body, /ED matron \(2\)/);
    const member = await get(url, 'memberA');
    assert.doesNotMatch(member.body, /id="add-note"|id="close-inquiry"|id="add-factor"/);
    assert.match(member.body, /Night triage\./);
    const note = await post('contributorA', url, `${url}/notes`, {
      noteDate: '2026-11-30',
      noteText: 'First huddle.',
    });
    assert.equal(note.statusCode, 303);
    const badFactor = await post('contributorA', url, `${url}/factors`, {
      factor: '',
      control: 'partner',
      partner: '',
    });
    assert.equal(badFactor.statusCode, 422);
    assert.deepEqual(errorSummaryItems(badFactor.body), ['factor', 'partner']);
    const factor = await post('contributorA', url, `${url}/factors`, {
      factor: 'Care home places',
      control: 'partner',
      partner: 'Local authority social care',
    });
    assert.equal(factor.statusCode, 303);
    const refusedMember = await post('memberA', url, `${url}/notes`, { noteText: 'Not mine to add' });
    assert.equal(refusedMember.statusCode, 403);
    const anonymousView = await get(url);
    assert.equal(anonymousView.statusCode, 200);
    assert.match(anonymousView.body, /First huddle\./);
    assert.match(anonymousView.body, /Care home places/);
    const system = await get('/systems/QAA');
    assert.match(
      /<section id="shared-issues"[\s\S]*?<\/section>/.exec(system.body)?.[0] ?? '',
      /Care home places/,
    );
  });

  it('takes an invitation through the pages: oversight invites, the organisation accepts', async () => {
    const invited = await post('oversightRegionA', `${list}/invite`, `${list}/invite`, {
      metric: 'ae-4hr-type1',
      kind: 'inquiry',
      title: 'Invitation to look at waits',
      message: 'Special cause since October.',
      visibility: 'organisation',
    });
    assert.equal(invited.statusCode, 303, invited.body.slice(0, 400));
    const url = String(invited.headers.location);
    assert.equal((await get(url)).statusCode, 404, 'an invitation is not public');
    assert.match((await get(url, 'contributorA')).body, /id="accept-invitation"/);
    assert.doesNotMatch((await get(url, 'memberA')).body, /id="accept-invitation"/);
    assert.doesNotMatch((await get(url, 'oversightRegionA')).body, /id="accept-invitation"|id="add-note"/);
    const accepted = await post('contributorA', url, `${url}/accept`, {});
    assert.equal(accepted.statusCode, 303);
    assert.match((await get(url, 'contributorA')).body, /id="inquiry-state">Opened</);
  });

  it('answers the JSON API: list, open, read, change and notes, every problem at once', async () => {
    assert.equal(
      (await api(null, 'POST', '/api/v1/inquiries', { org: orgA, title: 'x', visibility: 'public' }))
        .statusCode,
      401,
    );
    const bad = await api('contributorA', 'POST', '/api/v1/inquiries', {
      org: orgA,
      title: '',
      visibility: 'nobody',
    });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(
      bad.json().error.details.map((detail: string) => detail.split(':')[0]),
      ['title', 'visibility'],
    );
    const created = await api('contributorA', 'POST', '/api/v1/inquiries', {
      org: orgA,
      kind: 'learning_review',
      title: 'What went well in the summer',
      visibility: 'organisation',
      answers: { expected: 'Flat demand', happened: 'Waits fell' },
      participants: [{ group: 'staff', role: 'Ward managers', count: 4 }],
    });
    assert.equal(created.statusCode, 201, created.body);
    const inquiry = created.json().inquiry;
    assert.equal(inquiry.promptSet.domain, 'safety_quality');
    assert.equal(inquiry.state, 'opened');
    const id = inquiry.id;
    assert.equal((await api(null, 'GET', `/api/v1/inquiries/${id}`)).statusCode, 404);
    assert.equal((await api('memberA', 'GET', `/api/v1/inquiries/${id}`)).statusCode, 200);
    const moved = await api('contributorA', 'PATCH', `/api/v1/inquiries/${id}`, {
      state: 'gathering',
      learningSummary: 'Early days',
    });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().inquiry.state, 'gathering');
    assert.equal(moved.json().inquiry.learningSummary, 'Early days');
    const noted = await api('contributorA', 'POST', `/api/v1/inquiries/${id}/notes`, {
      date: '2026-11-29',
      text: 'Spoke to the ward.',
    });
    assert.equal(noted.statusCode, 201, noted.body);
    assert.deepEqual(
      noted.json().inquiry.notes.map((note: { text: string }) => note.text),
      ['Spoke to the ward.'],
    );
    assert.equal(
      (await api('memberA', 'POST', `/api/v1/inquiries/${id}/notes`, { text: 'x' })).statusCode,
      403,
    );
    const badFactor = await api('contributorA', 'POST', `/api/v1/inquiries/${id}/factors`, {
      factor: '',
      control: 'partner',
    });
    assert.equal(badFactor.statusCode, 422);
    assert.deepEqual(
      badFactor.json().error.details.map((detail: string) => detail.split(':')[0]),
      ['factor', 'partner'],
    );
    const factor = await api('contributorA', 'POST', `/api/v1/inquiries/${id}/factors`, {
      factor: 'Agency staff knew the wards',
      control: 'partner',
      partner: 'QAA',
    });
    assert.equal(factor.statusCode, 201, factor.body);
    assert.deepEqual(factor.json().inquiry.factors[0].partner, {
      code: 'QAA',
      name: 'NHS Alder Integrated Care Board',
    });
    const action = await api('contributorA', 'POST', `/api/v1/inquiries/${id}/actions`, {
      action: 'Keep the same agency',
      owner: 'Ward manager',
      due: '2027-02-01',
    });
    assert.equal(action.statusCode, 201, action.body);
    assert.deepEqual(
      action.json().inquiry.actions.map((each: { owner: string }) => each.owner),
      ['Ward manager'],
    );
    const listed = await api('memberA', 'GET', `/api/v1/inquiries?org=${orgA}&kind=learning_review`);
    assert.deepEqual(
      listed.json().inquiries.map((each: { id: number }) => each.id),
      [id],
    );
    assert.deepEqual(
      (await api(null, 'GET', `/api/v1/inquiries?org=${orgA}&kind=learning_review`)).json().inquiries,
      [],
    );
    const invited = await api('nationalOversight', 'POST', '/api/v1/inquiries', {
      org: orgA,
      invite: true,
      title: 'Invited through the API',
      visibility: 'organisation',
    });
    assert.equal(invited.statusCode, 201, invited.body);
    assert.equal(invited.json().inquiry.state, 'invited');
    const declined = await api('contributorA', 'PATCH', `/api/v1/inquiries/${invited.json().inquiry.id}`, {
      state: 'declined',
      reason: 'Already in hand.',
    });
    assert.equal(declined.json().inquiry.state, 'declined');
  });

  it('links from a signal to opening an inquiry (writers) or inviting (overseers), and lists what was opened from it', async () => {
    await upsertSignalEpisodes(
      store.db,
      [
        {
          orgCode: orgA,
          metricId: 'ae-4hr-type1',
          kind: 'concern',
          firstDate: '2025-01-01',
          latestDate: '2025-03-01',
          points: 3,
          latestValue: 60,
          detail: 'Below the lower limit',
        },
      ],
      clock(),
    );
    const signal = await store.db
      .selectFrom('signal')
      .select('id')
      .where('org_code', '=', orgA)
      .where('first_date', '=', '2025-01-01')
      .executeTakeFirstOrThrow();
    const page = `/signals/${signal.id}`;
    const section = (html: string) =>
      /<section id="signal-inquiries"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const writer = section((await get(page, 'contributorA')).body);
    assert.match(writer, new RegExp(`href="${list}/new\\?metric=ae-4hr-type1&amp;signal=${signal.id}"`));
    assert.doesNotMatch(writer, /invite-signal-inquiry/);
    assert.match(section((await get(page, 'oversightRegionA')).body), /id="invite-signal-inquiry"/);
    assert.doesNotMatch(
      section((await get(page, 'memberA')).body),
      /open-signal-inquiry|invite-signal-inquiry/,
    );
    const opened = await post('contributorA', `${list}/new?metric=ae-4hr-type1&signal=${signal.id}`, list, {
      metric: 'ae-4hr-type1',
      signal: String(signal.id),
      title: 'From the signal page',
      visibility: 'public',
    });
    assert.equal(opened.statusCode, 303, opened.body.slice(0, 300));
    const after = section((await get(page)).body);
    assert.match(after, /From the signal page/);
  });

  it('shows the prompt sets to everyone and the edit form only to national oversight, saving a new version', async () => {
    assert.match((await get('/prompt-sets')).body, /Access and flow/);
    assert.doesNotMatch((await get('/prompt-sets/finance', 'contributorA')).body, /id="edit-prompt-set"/);
    assert.equal((await get('/prompt-sets/finance/edit', 'contributorA')).statusCode, 403);
    const editor = await get('/prompt-sets/finance/edit', 'nationalOversight');
    assert.equal(editor.statusCode, 200);
    const saved = await post('nationalOversight', '/prompt-sets/finance/edit', '/prompt-sets/finance', {
      title: 'Re-prioritising together',
      description: 'Revised.',
      field_1_id: 'decided',
      field_1_label: 'What was decided?',
      field_1_type: 'textarea',
      field_1_required: 'yes',
    });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
    const page = await get('/prompt-sets/finance');
    assert.match(page.body, /Version 2: Re-prioritising together/);
    assert.match(page.body, /Version 1: Collaborative re-prioritisation/);
  });
});
