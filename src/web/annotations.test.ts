import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { clearAnnotations, storedAnnotations } from '../../test/helpers/annotations.ts';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { addPerson, cookiesFrom, csrfTokenIn, getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import { createToken } from '../app/accounts/tokens.ts';
import { createAnnotation, type NewAnnotationInput } from '../app/annotations/create.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

const chart = '/organisations/RJ1/metrics/ae-4hr-type1';
const form = `${chart}/annotations/new`;
const csv = '/api/v1/observations?org=RJ1&metric=ae-4hr-type1&format=csv';

/**
 * The numbers of the annotation markers drawn on a chart page's full SVG (the simplified chart a
 * phone shows instead draws the same markers; `narrow` reads that one).
 */
function markerNumbers(html: string, narrow = false): string[] {
  const wrapper = narrow ? 'tend-chart__narrow' : 'tend-chart__wide';
  const chart = new RegExp(`<div class="${wrapper}">([\\s\\S]*?)</svg></div>`).exec(html)?.[1] ?? '';
  return [...chart.matchAll(/class="spc-annotation-marker" data-annotation="(\d+)"/g)].map(
    (match) => match[1],
  );
}

/** The rows of the chart's data table, as cell texts (header first). */
function tableRows(html: string): string[][] {
  const table = /<table class="nhsuk-table spc-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]),
  );
}

/** The section listing the chart's annotations. */
function annotationSection(html: string): string {
  return /<section id="annotations"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
}

function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe(`annotations on the chart page, its form, its CSV and the API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const clock = () => new Date('2026-11-30T10:00:00Z');
  const operatorContext = () => ({ db: store.db, actor: operator('test'), clock });
  const note = (input: Partial<NewAnnotationInput>) =>
    createAnnotation(operatorContext(), {
      org: 'RJ1',
      metric: 'ae-4hr-type1',
      date: '2024-09-10',
      kind: 'event',
      text: 'Winter plan started',
      visibility: 'public',
      status: 'published',
      ...input,
    });
  let contributorToken: string;
  let otherToken: string;

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup, ...bundled.aeMonthly]);
    await addPerson(
      store,
      'ada@example.nhs.uk',
      [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RJ1' }],
      clock,
    );
    await addPerson(
      store,
      'cat@example.nhs.uk',
      [{ role: 'member', scopeKind: 'organisation', scopeCode: 'RJ1' }],
      clock,
    );
    await addPerson(
      store,
      'dan@example.nhs.uk',
      [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RYY' }],
      clock,
    );
    contributorToken = (await createToken(operatorContext(), { email: 'ada@example.nhs.uk', name: 'test' }))
      .secret;
    otherToken = (await createToken(operatorContext(), { email: 'dan@example.nhs.uk', name: 'test' })).secret;
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });
  beforeEach(async () => {
    await clearAnnotations(store);
  });

  it("offers the form to the organisation's contributors only", async () => {
    const anonymous = await app.inject(form);
    assert.equal(anonymous.statusCode, 303);
    assert.match(anonymous.headers.location as string, /^\/sign-in\?returnTo=/);
    for (const email of ['cat@example.nhs.uk', 'dan@example.nhs.uk']) {
      const cookie = await signIn(app, email);
      assert.equal((await app.inject({ url: form, headers: { cookie } })).statusCode, 403, email);
      const page = await app.inject({ url: chart, headers: { cookie } });
      assert.doesNotMatch(page.body, /id="add-annotation"/, email);
    }
    assert.doesNotMatch((await app.inject(chart)).body, /id="add-annotation"/);

    const cookie = await signIn(app, 'ada@example.nhs.uk');
    const page = await app.inject({ url: chart, headers: { cookie } });
    assert.match(
      page.body,
      /<a href="\/organisations\/RJ1\/metrics\/ae-4hr-type1\/annotations\/new" id="add-annotation">/,
    );
    const response = await app.inject({ url: form, headers: { cookie } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'private, no-store');
    assert.match(response.body, /<h1>Add an annotation<\/h1>/);
    for (const kind of ['event', 'change_idea', 'data_issue', 'rebase'])
      assert.match(response.body, new RegExp(`name="kind" type="radio" value="${kind}"`));
    assert.match(response.body, /nhsuk-card--warning/);
    assert.match(response.body, /Never rebase to make a chart look better/);
    assert.match(response.body, /understand and that has lasted/);
    assert.match(response.body, /name="reason"/);
  });

  it('refuses a form without its CSRF token, saving nothing', async () => {
    const cookie = await signIn(app, 'ada@example.nhs.uk');
    const response = await app.inject({
      method: 'POST',
      url: `${chart}/annotations`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ kind: 'event', day: '10', month: '9', year: '2024', text: 'No token' }),
    });
    assert.equal(response.statusCode, 403);
    assert.deepEqual((await storedAnnotations(store)).annotations, []);
  });

  it('lists every problem at once (422), keeping what was typed', async () => {
    const cookie = await signIn(app, 'ada@example.nhs.uk');
    const { csrf } = await getWithCsrf(app, form, cookie);
    const response = await app.inject({
      method: 'POST',
      url: `${chart}/annotations`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({
        _csrf: csrf,
        kind: 'rebase',
        day: '31',
        month: '2',
        year: '2025',
        text: '',
        reason: 'short <b>',
        visibility: 'organisation',
        status: 'draft',
      }),
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /There is a problem/);
    const summary = [...response.body.matchAll(/<a href="#([a-z]+)">/g)].map((match) => match[1]);
    assert.deepEqual(summary, ['reason', 'date', 'text', 'visibility', 'status']);
    assert.match(response.body, /Date must be a real date/);
    assert.match(response.body, /Reason must be at least 10 characters/);
    assert.match(response.body, /short &lt;b&gt;<\/textarea>/);
    assert.match(response.body, /value="rebase" checked/);
    assert.match(response.body, /name="day" type="text" value="31"/);
    assert.deepEqual((await storedAnnotations(store)).annotations, []);
  });

  it('adds a rebase through the form, which recalculates the chart, and withdraws it to restore the limits', async () => {
    const cookie = await signIn(app, 'ada@example.nhs.uk');
    const { csrf } = await getWithCsrf(app, form, cookie);
    const before = await app.inject(chart);
    assert.doesNotMatch(before.body, /<g class="spc-rebases"><line/);
    const response = await app.inject({
      method: 'POST',
      url: `${chart}/annotations`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({
        _csrf: csrf,
        kind: 'rebase',
        day: '15',
        month: '3',
        year: '2025',
        text: 'New emergency floor opened',
        reason: 'The new emergency floor opened in March and the shift has held since',
        visibility: 'public',
        status: 'published',
      }),
    });
    assert.equal(response.statusCode, 303, response.body.slice(0, 500));
    const [stored] = (await storedAnnotations(store)).annotations;
    assert.equal(response.headers.location, `${chart}#annotation-${stored.id}`);
    assert.equal(stored.on_date, '2025-03-01');

    const page = await app.inject(chart);
    assert.match(page.body, /<g class="spc-rebases"><line/);
    assert.deepEqual(markerNumbers(page.body), ['1']);
    assert.deepEqual(markerNumbers(page.body, true), ['1'], 'the phone chart marks it too');
    const section = annotationSection(page.body);
    assert.match(section, /Rebase, 1 March 2025/);
    assert.match(
      section,
      /Limits recalculated from 1 March 2025: The new emergency floor opened in March and the shift has held since/,
    );
    const rows = tableRows(page.body);
    assert.equal(rows[0].at(-1), 'Annotations');
    const march = rows.find((row) => row[0] === '2025-03-01');
    assert.equal(march?.at(-1), '1');
    assert.match(march?.at(-2) ?? '', /^Limits recalculated: The new emergency floor/);

    const signedIn = await getWithCsrf(app, chart, cookie);
    assert.match(signedIn.body, /Withdraw the rebase/);
    const withdraw = await app.inject({
      method: 'POST',
      url: `${chart}/annotations/${stored.id}/withdraw`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ _csrf: signedIn.csrf }),
    });
    assert.equal(withdraw.statusCode, 303);
    assert.equal(withdraw.headers.location, `${chart}#annotations`);
    const restored = await app.inject(chart);
    assert.doesNotMatch(restored.body, /<g class="spc-rebases"><line/);
    assert.deepEqual(markerNumbers(restored.body), []);
    assert.deepEqual((await storedAnnotations(store)).rebaseDates[0].dates, []);
  });

  it('marks and lists only what the reader may read: anonymous visitors see published public notes', async () => {
    const anonymousBefore = await app.inject(chart);
    assert.deepEqual(markerNumbers(anonymousBefore.body), []);
    assert.doesNotMatch(annotationSection(anonymousBefore.body), /<h2/);
    await note({ date: '2024-09-10', text: 'Winter plan started' });
    await note({ date: '2024-07-04', text: 'Board-only briefing', visibility: 'organisation' });
    await note({ date: '2024-11-20', kind: 'data_issue', text: 'Coding backlog <draft>', status: 'draft' });

    const anonymous = await app.inject(chart);
    assert.deepEqual(
      markerNumbers(anonymous.body),
      ['1'],
      'the kept page was replaced when the note was written',
    );
    assert.match(anonymous.body, /<title>1\. Event, 2024-09-10: Winter plan started<\/title>/);
    const publicSection = annotationSection(anonymous.body);
    assert.match(publicSection, /Winter plan started/);
    assert.doesNotMatch(publicSection, /Board-only briefing|Coding backlog/);
    assert.doesNotMatch(anonymous.body, /Board-only briefing|Coding backlog/);
    const september = tableRows(anonymous.body).find((row) => row[0] === '2024-09-01');
    assert.equal(september?.at(-1), '1');

    const other = await app.inject({
      url: chart,
      headers: { cookie: await signIn(app, 'dan@example.nhs.uk') },
    });
    assert.deepEqual(markerNumbers(other.body), ['1']);
    assert.doesNotMatch(other.body, /Board-only briefing/);
    assert.doesNotMatch(annotationSection(other.body), /Withdraw/);

    const member = await app.inject({
      url: chart,
      headers: { cookie: await signIn(app, 'cat@example.nhs.uk') },
    });
    assert.equal(member.headers['cache-control'], 'private, no-store');
    assert.deepEqual(markerNumbers(member.body), ['1', '2', '3']);
    const section = annotationSection(member.body);
    assert.match(
      section,
      /1<\/span><span class="nhsuk-u-visually-hidden">Annotation 1: <\/span>Event, 4 July 2024/,
    );
    assert.match(section, /Organisation only/);
    assert.match(
      section,
      /Data issue, 20 November 2024\s*<strong class="nhsuk-tag nhsuk-tag--grey">Draft<\/strong>/,
    );
    assert.match(section, /Coding backlog &lt;draft&gt;/);
    assert.doesNotMatch(section, /<form/, 'a member reads but does not withdraw');

    const contributor = await app.inject({
      url: chart,
      headers: { cookie: await signIn(app, 'ada@example.nhs.uk') },
    });
    assert.equal([...annotationSection(contributor.body).matchAll(/\/withdraw"/g)].length, 3);
    assert.equal([...annotationSection(contributor.body).matchAll(/\/publish"/g)].length, 1);
  });

  it("adds an annotation column to the chart's CSV, naming only what the caller may read", async () => {
    await note({ date: '2024-09-10', text: 'Winter plan started' });
    await note({ date: '2024-09-20', text: 'Board-only briefing', visibility: 'organisation' });
    const anonymous = await app.inject(csv);
    assert.equal(anonymous.statusCode, 200);
    const lines = anonymous.body.trimEnd().split('\r\n');
    assert.match(lines[0], /,annotation$/);
    const september = lines.find((line) => line.startsWith('RJ1,ae-4hr-type1,2024-09-01,'));
    assert.match(september ?? '', /,1\. Event: Winter plan started$/);
    assert.match(lines.find((line) => line.startsWith('RJ1,ae-4hr-type1,2024-08-01,')) ?? '', /,$/);

    const cookie = await signIn(app, 'cat@example.nhs.uk');
    const member = await app.inject({ url: csv, headers: { cookie } });
    const memberSeptember = member.body
      .split('\r\n')
      .find((line) => line.startsWith('RJ1,ae-4hr-type1,2024-09-01,'));
    assert.match(
      memberSeptember ?? '',
      /,1\. Event: Winter plan started; 2\. Event: Board-only briefing \(organisation only\)$/,
    );
    const chartPage = await app.inject(chart);
    assert.match(chartPage.body, /id="csv-download"/);
  });

  it('reads annotations through the API as far as the caller may', async () => {
    const open = await note({ text: 'Winter plan started' });
    const closed = await note({
      date: '2024-10-01',
      text: 'Board-only briefing',
      visibility: 'organisation',
    });
    const anonymous = await app.inject('/api/v1/annotations?org=RJ1&metric=ae-4hr-type1');
    assert.equal(anonymous.statusCode, 200);
    assert.deepEqual(
      anonymous.json().annotations.map((row: { id: number }) => row.id),
      [open.id],
    );
    const withToken = await app.inject({
      url: '/api/v1/annotations?org=RJ1',
      headers: { authorization: `Bearer ${contributorToken}` },
    });
    assert.deepEqual(
      withToken.json().annotations.map((row: { id: number; visibility: string }) => [row.id, row.visibility]),
      [
        [open.id, 'public'],
        [closed.id, 'organisation'],
      ],
    );
    assert.equal((await app.inject(`/api/v1/annotations/${closed.id}`)).statusCode, 404);
    assert.equal(
      (await app.inject(`/api/v1/annotations/${open.id}`)).json().annotation.text,
      'Winter plan started',
    );
    assert.equal((await app.inject('/api/v1/annotations?org=ZZZ99')).statusCode, 404);
  });

  it('adds, refuses and withdraws annotations through the API', async () => {
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/api/v1/annotations', payload: payload as object, headers });
    const valid = {
      org: 'RJ1',
      metric: 'ae-4hr-type1',
      date: '2025-03-15',
      text: 'New emergency floor opened',
      rebase: { reason: 'The new emergency floor opened in March and the shift has held since' },
    };
    // With no one signed in (no cookie, no token), the API answers 401.
    const nobody = await post(valid);
    assert.equal(nobody.statusCode, 401);
    assert.equal(nobody.json().error.code, 'UNAUTHENTICATED');
    const signInPage = await app.inject('/sign-in');
    const anonymous = await post(valid, {
      cookie: cookiesFrom(signInPage),
      'x-csrf-token': csrfTokenIn(signInPage.body),
    });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, 'UNAUTHENTICATED');
    const badToken = await post(valid, { authorization: 'Bearer not-a-token' });
    assert.equal(badToken.statusCode, 401);
    const other = await post(valid, { authorization: `Bearer ${otherToken}` });
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().error.code, 'FORBIDDEN');

    const invalid = await post(
      { ...valid, date: '2023-01-01', text: '', visibility: 'organisation', rebase: { reason: 'short' } },
      { authorization: `Bearer ${contributorToken}` },
    );
    assert.equal(invalid.statusCode, 422);
    assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      invalid.json().error.details.map((detail: string) => detail.split(':')[0]),
      ['text', 'rebase.reason', 'visibility', 'date'],
    );
    const mistyped = await post(
      { ...valid, text: 5, date: null },
      { authorization: `Bearer ${contributorToken}` },
    );
    assert.equal(mistyped.statusCode, 422);
    assert.deepEqual(
      mistyped.json().error.details.map((detail: string) => detail.split(':')[0]),
      ['date', 'text'],
    );
    assert.deepEqual((await storedAnnotations(store)).annotations, []);

    const created = await post(valid, { authorization: `Bearer ${contributorToken}` });
    assert.equal(created.statusCode, 201, created.body);
    const annotation = created.json().annotation;
    assert.equal(annotation.kind, 'rebase');
    assert.equal(annotation.date, '2025-03-01');
    assert.deepEqual(annotation.rebase, { reason: valid.rebase.reason });
    assert.deepEqual((await storedAnnotations(store)).rebaseDates[0].dates, ['2025-03-01']);

    const draft = await note({ text: 'Draft note', status: 'draft', visibility: 'organisation' });
    const hidden = await app.inject({
      method: 'POST',
      url: `/api/v1/annotations/${draft.id}/withdraw`,
      headers: { authorization: `Bearer ${otherToken}` },
    });
    assert.equal(hidden.statusCode, 404, 'a draft of another organisation is not there to withdraw');
    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/annotations/${annotation.id}/withdraw`,
      headers: { authorization: `Bearer ${otherToken}` },
    });
    assert.equal(refused.statusCode, 403);
    const withdrawn = await app.inject({
      method: 'POST',
      url: `/api/v1/annotations/${annotation.id}/withdraw`,
      headers: { authorization: `Bearer ${contributorToken}` },
    });
    assert.equal(withdrawn.statusCode, 200);
    assert.equal(withdrawn.json().annotation.status, 'withdrawn');
    assert.deepEqual((await storedAnnotations(store)).rebaseDates[0].dates, []);

    const spec = (await app.inject('/api/docs/openapi.json')).json();
    const create = spec.paths['/api/v1/annotations'].post;
    assert.deepEqual(Object.keys(create.responses).sort(), ['201', '401', '403', '422']);
    assert.deepEqual(Object.keys(create.requestBody.content['application/json'].schema.properties).sort(), [
      'date',
      'kind',
      'metric',
      'org',
      'rebase',
      'status',
      'text',
      'visibility',
    ]);
    assert.ok(spec.paths['/api/v1/annotations/{id}/withdraw'].post.responses['403']);
  });

  it('needs the CSRF header for a JSON write made with a session cookie', async () => {
    const cookie = await signIn(app, 'ada@example.nhs.uk');
    const payload = {
      org: 'RJ1',
      metric: 'ae-4hr-type1',
      date: '2024-09-10',
      kind: 'event',
      text: 'By cookie',
    };
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/annotations',
      headers: { cookie },
      payload,
    });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual((await storedAnnotations(store)).annotations, []);
    const page = await app.inject({ url: chart, headers: { cookie } });
    const allowed = await app.inject({
      method: 'POST',
      url: '/api/v1/annotations',
      headers: { cookie: cookiesFrom(page, cookie), 'x-csrf-token': csrfTokenIn(page.body) },
      payload,
    });
    assert.equal(allowed.statusCode, 201, allowed.body);
    assert.equal(
      allowed.json().annotation.visibility,
      'organisation',
      'organisation only unless said otherwise',
    );
  });
});
