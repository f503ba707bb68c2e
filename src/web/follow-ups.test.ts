import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { formBody } from '../../test/helpers/narrative-web.ts';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  orgA,
  orgB,
} from '../../test/helpers/narratives.ts';
import { getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { addReviewFixture } from '../../test/helpers/reviews.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { askDueFollowUps } from '../app/follow-ups/ask.ts';
import { importFile } from '../app/import-file.ts';
import { inboxOnlyMailer } from '../app/mail/mailer.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { insertInboxMessages } from '../store/repos/follow-up-repo.ts';
import { buildApp } from './app.ts';

const clock = () => new Date('2026-11-12T10:00:00Z');
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const metric = 'ae-4hr-type1';

/** The items of the NHS.UK error summary on a page. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1]);
}

/** A's monthly series of the metric: fifteen months of common-cause variation, then eight months higher. */
async function importShiftedSeries(store: Store): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-follow-ups-'));
  const file = path.join(folder, 'raa-shift.csv');
  const values = [70, 72, 69, 71, 70, 73, 68, 71, 70, 72, 69, 71, 70, 72, 71, 78, 79, 80, 78, 79, 80, 81, 79];
  const lines = values.map((value, index) => {
    const month = new Date(Date.UTC(2024, index, 1)).toISOString().slice(0, 7);
    return `${orgA},${metric},${month},${value},${value * 10},1000`;
  });
  fs.writeFileSync(file, ['org_code,metric_id,period,value,numerator,denominator', ...lines].join('\n'));
  try {
    const result = await importFile(store, file);
    assert.equal(result.outcome, 'imported', JSON.stringify(result));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describe(`follow-up pages and API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
  let lounge: number;
  let board: number;
  let early: number;
  const cookies: Partial<Record<CastName, string>> = {};
  const cookieOf = async (name: CastName) => {
    cookies[name] ??= await signIn(app, people[name].email);
    return cookies[name];
  };
  const get = async (url: string, as?: CastName) =>
    app.inject({ url, headers: as ? { cookie: await cookieOf(as) } : {} });
  const post = async (as: CastName, url: string, fields: Record<string, string>) => {
    const cookie = await cookieOf(as);
    const page = await getWithCsrf(app, url, cookie);
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
    await importShiftedSeries(store);
    people = await addCast(store, clock, [
      'memberA',
      'contributorA',
      'adminA',
      'memberB',
      'oversightRegionA',
    ]);
    const review = await addReviewFixture(store, {
      orgCode: orgA,
      overseerCode: 'Y01',
      heldOn: '2026-10-01',
      followUpOn: '2026-11-12',
      agreedBy: people.oversightRegionA.id,
      offers: [{ fromOrgCode: orgB, metricId: metric, state: 'accepted' }],
      actions: [
        { description: 'a discharge lounge open until 8pm', ownerUserId: people.contributorA.id, offer: 0 },
        { description: 'a daily board round on every ward' },
      ],
    });
    [lounge, board] = review.followUpIds;
    const earlier = await addReviewFixture(store, {
      orgCode: orgA,
      overseerCode: 'Y01',
      quarter: '2025-Q1',
      heldOn: '2025-03-01',
      followUpOn: '2025-04-12',
      agreedBy: people.oversightRegionA.id,
      offers: [{ fromOrgCode: orgB, metricId: metric, state: 'accepted' }],
      actions: [{ description: 'a streaming nurse at the front door', offer: 0 }],
    });
    [early] = earlier.followUpIds;
    await askDueFollowUps({ db: store.db, actor: operator('follow-ups'), clock }, inboxOnlyMailer);
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, rateLimitPerMinute: 1_000_000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('shows each person their own inbox, with the unread count in the header, and opens only their own messages', async () => {
    const inbox = await get('/inbox', 'contributorA');
    assert.equal(inbox.statusCode, 200);
    assert.equal(inbox.headers['cache-control'], 'private, no-store');
    assert.match(inbox.body, /How did it go with a discharge lounge open until 8pm\?/);
    assert.match(inbox.body, /Inbox \(3 unread\)/);
    const admin = await get('/inbox', 'adminA');
    assert.doesNotMatch(admin.body, /discharge lounge/);
    assert.match(admin.body, /daily board round/);
    assert.equal((await get('/inbox')).statusCode, 303, 'anonymous visitors are sent to sign in');
    assert.doesNotMatch((await get('/organisations')).body, /Inbox/);

    const id = /href="\/inbox\/(\d+)"[^>]*>How did it go with a discharge lounge/.exec(inbox.body)?.[1];
    assert.ok(id);
    assert.equal((await get(`/inbox/${id}`, 'adminA')).statusCode, 404);
    assert.equal((await get(`/inbox/${id}`, 'memberB')).statusCode, 404);
    const message = await get(`/inbox/${id}`, 'contributorA');
    assert.equal(message.statusCode, 200);
    assert.match(message.body, new RegExp(`href="/follow-ups/${lounge}"[^>]*id="answer-link">Answer<`));
    assert.match(message.body, /Do you need any help to use their suggestions\?/);
    assert.match(
      (await get('/inbox', 'contributorA')).body,
      /Inbox \(3 unread\)/,
      'opening it writes nothing',
    );
    const markRead = async (as: CastName) => {
      const cookie = await cookieOf(as);
      const page = await getWithCsrf(app, '/inbox', cookie);
      return app.inject({
        method: 'POST',
        url: `/inbox/${id}/read`,
        headers: { cookie, ...form },
        payload: formBody({ _csrf: page.csrf }),
      });
    };
    assert.equal((await markRead('adminA')).statusCode, 404, 'nobody else’s to mark');
    const marked = await markRead('contributorA');
    assert.equal(marked.statusCode, 303);
    assert.match((await get('/inbox', 'contributorA')).body, /Inbox \(2 unread\)/);
    assert.match((await get(`/inbox/${id}`, 'contributorA')).body, /id="read-at"/);
  });

  it('offers "Answer" only on a follow-up’s question; a reminder links to the page it is about', async () => {
    const [reminder] = await insertInboxMessages(store.db, [
      {
        user_id: people.contributorA.id,
        follow_up_id: null,
        subject: 'A stage of a peer review is due in 14 days',
        body: 'The on-site days are due.',
        href: '/peer-reviews/7',
        created_at: new Date('2025-04-12T09:00:00Z'),
      },
    ]);
    const page = await get(`/inbox/${reminder.id}`, 'contributorA');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /href="\/peer-reviews\/7"[^>]*id="message-link">Open what it is about</);
    assert.doesNotMatch(page.body, /id="answer-link"/);
  });

  it('shows the outbox of one’s own emails, saying plainly that they went to the inbox only', async () => {
    const outbox = await get('/outbox', 'contributorA');
    assert.equal(outbox.statusCode, 200);
    assert.match(outbox.body, /id="inbox-only"/);
    assert.match(outbox.body, /contributor\.a@example\.nhs\.uk/);
    assert.doesNotMatch(outbox.body, /admin\.a@example\.nhs\.uk/);
    assert.equal((await get('/outbox')).statusCode, 303);
  });

  it('shows a follow-up to those who read its review, the form to those who may answer, and every problem at once', async () => {
    assert.equal((await get(`/follow-ups/${lounge}`)).statusCode, 303);
    assert.equal((await get(`/follow-ups/${lounge}`, 'memberB')).statusCode, 404);
    const asMember = await get(`/follow-ups/${lounge}`, 'memberA');
    assert.equal(asMember.statusCode, 200);
    assert.doesNotMatch(asMember.body, /name="outcome"/);
    const asOwner = await get(`/follow-ups/${lounge}`, 'contributorA');
    assert.match(asOwner.body, /name="outcome"/);
    assert.match(asOwner.body, /How did it go with a discharge lounge open until 8pm\?/);

    const refused = await post('contributorA', `/follow-ups/${lounge}`, {
      answer: '',
      change_made: 'yes',
      change_made_on: 'soon',
    });
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(errorSummaryItems(refused.body), ['outcome', 'answer', 'change_made_on']);

    const forbidden = await post('memberA', `/follow-ups/${lounge}`, { outcome: 'partly', answer: 'x' });
    assert.equal(forbidden.statusCode, 403);
    const answered = await post('contributorA', `/follow-ups/${lounge}`, {
      outcome: 'partly',
      answer: 'Open until 8pm on weekdays; weekends next.',
    });
    assert.equal(answered.statusCode, 303);
    const page = await get(`/follow-ups/${lounge}`, 'memberA');
    assert.match(page.body, /It partly helped/);
    assert.match(page.body, /Open until 8pm on weekdays; weekends next\./);
  });

  it('reads a claimed change against the chart beside the answer', async () => {
    const answered = await post('oversightRegionA', `/follow-ups/${early}`, {
      outcome: 'helped',
      answer: 'The streaming nurse started in April.',
      change_made: 'yes',
      change_made_on: '2025-04-01',
    });
    assert.equal(answered.statusCode, 303);
    const page = await get(`/follow-ups/${early}`, 'memberA');
    assert.match(page.body, /data-verdict="improvement"/);
    assert.match(page.body, /shows special-cause improvement since 2025-04-01/);
  });

  it('lists follow-ups due by a date and takes answers through the API, under the same rules', async () => {
    const listed = await api('memberA', 'GET', '/api/v1/follow-ups?due_before=2026-11-12');
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(
      listed.json().followUps.map((each: { id: number }) => each.id),
      [early, lounge, board],
    );
    const before = await api('memberA', 'GET', '/api/v1/follow-ups?due_before=2025-04-11');
    assert.deepEqual(before.json().followUps, []);
    assert.deepEqual((await api('memberB', 'GET', '/api/v1/follow-ups')).json().followUps, []);
    assert.equal((await api('memberA', 'GET', '/api/v1/follow-ups?due_before=tomorrow')).statusCode, 400);

    assert.equal(
      (
        await api('memberA', 'POST', `/api/v1/follow-ups/${board}/outcome`, {
          outcome: 'helped',
          answer: 'x',
        })
      ).statusCode,
      403,
    );
    assert.equal(
      (
        await api('memberB', 'POST', `/api/v1/follow-ups/${board}/outcome`, {
          outcome: 'helped',
          answer: 'x',
        })
      ).statusCode,
      404,
    );
    const problems = await api('adminA', 'POST', `/api/v1/follow-ups/${board}/outcome`, {
      outcome: 'sort of',
      answer: '',
    });
    assert.equal(problems.statusCode, 422);
    assert.deepEqual(problems.json().error.details.length, 2);
    const ok = await api('adminA', 'POST', `/api/v1/follow-ups/${board}/outcome`, {
      outcome: 'not_yet',
      answer: 'Starting in January.',
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().followUp.outcome, 'not_yet');
    assert.equal(
      (
        await api('adminA', 'POST', `/api/v1/follow-ups/${board}/outcome`, {
          outcome: 'helped',
          answer: 'again',
        })
      ).statusCode,
      409,
    );
  });

  it('shows follow-through on the organisation, system, region and England pages, with a CSV', async () => {
    const figures = (html: string) =>
      [...html.matchAll(/data-part="(\d+)" data-whole="(\d+)"/g)].map((match) => `${match[1]}/${match[2]}`);
    const organisation = await get(`/organisations/${orgA}`);
    assert.equal(organisation.statusCode, 200);
    // Actions due 3 (none done); offers 2 of 2 taken up; follow-ups 3 due, 3 answered, 2 asked on time (the 2025 one was asked late).
    assert.deepEqual(figures(organisation.body), ['0/3', '2/2', '3/3', '2/3']);
    assert.deepEqual(figures((await get('/systems/QAA')).body), ['0/3', '2/2', '3/3', '2/3']);
    assert.deepEqual(figures((await get('/regions/Y01')).body), ['0/3', '2/2', '3/3', '2/3']);
    assert.match((await get('/regions/Y02')).body, /id="no-follow-through"/);
    const england = await get('/follow-through');
    assert.equal(england.statusCode, 200);
    assert.deepEqual(figures(england.body), ['0/3', '2/2', '3/3', '2/3']);
    const csv = await get('/follow-through?download=follow-through');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body, /Alder Community Health NHS Trust,RAA,3,0,2,100,3,100,67/);
    assert.doesNotMatch(csv.body, /discharge|streaming/);
  });
});
