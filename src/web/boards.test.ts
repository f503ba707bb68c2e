import assert from 'node:assert/strict';
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
import { addBoardMember, createBoard } from '../app/boards/write.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

const start = new Date('2026-11-02T10:00:00Z');
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** The items of the NHS.UK error summary on a page. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1] as string);
}

describe(`ethical reflection board pages and API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
  let boardId: number;
  const now = start;
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

  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, () => now, ['contributorA', 'adminA', 'memberB', 'facilitator']);
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock: () => now, signInPerMinute: 1000 });
    const context = { db: store.db, actor: operator('test'), clock: () => now };
    boardId = (await createBoard(context, { org: orgA, name: 'Alder values board' })).id;
    await addBoardMember(context, boardId, {
      name: 'Dana Writer',
      role: 'patient',
      userId: people.contributorA.id,
      termFrom: '2026-01-01',
    });
    await addBoardMember(context, boardId, {
      name: 'Sam Chair',
      role: 'lay',
      namePublic: true,
      userId: people.facilitator.id,
      isChair: true,
      termFrom: '2026-01-01',
    });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('takes a member’s commentary through the chair’s moderation to publication and the organisation’s reply, in pages', async () => {
    const board = `/boards/${boardId}`;
    const newForm = `${board}/commentary/new`;
    const empty = await post('contributorA', newForm, `${board}/commentary`, {
      subject: '',
      title: '',
      body: '',
    });
    assert.equal(empty.statusCode, 422);
    assert.deepEqual(errorSummaryItems(empty.body), ['subject', 'title', 'body'], 'every problem at once');
    const written = await post('contributorA', newForm, `${board}/commentary`, {
      subject: 'a decision',
      title: 'Telling patients first',
      body: 'WORDS-OF-THE-BOARD about the night ward.',
      submit: 'yes',
    });
    assert.equal(written.statusCode, 303, written.body.slice(0, 300));
    const url = String(written.headers.location);
    assert.match(url, /^\/boards\/\d+\/commentary\/\d+$/);
    assert.equal((await get(url)).statusCode, 404, 'in moderation: not public');
    assert.equal((await get(url, 'adminA')).statusCode, 404, 'nor the organisation’s');
    const chairView = await get(url, 'facilitator');
    assert.match(chairView.body, /id="moderate-commentary"/);
    const noReason = await post('facilitator', url, `${url}/moderate`, { decision: 'restrict' });
    assert.equal(noReason.statusCode, 422);
    assert.deepEqual(errorSummaryItems(noReason.body), ['reason']);
    const published = await post('facilitator', url, `${url}/moderate`, { decision: 'publish' });
    assert.equal(published.statusCode, 303);
    const adminView = await get(url, 'adminA');
    assert.match(adminView.body, /id="reply-commentary"/);
    const replied = await post('adminA', url, `${url}/reply`, {
      reply: 'Thank you; we agree.',
      whatWeChanged: 'Ward changes are now told to patients first.',
    });
    assert.equal(replied.statusCode, 303);
    const publicBoard = await get(board);
    assert.equal(publicBoard.statusCode, 200);
    for (const text of [
      'WORDS-OF-THE-BOARD',
      'Ward changes are now told to patients first.',
      'Sam Chair',
      'Patient',
    ])
      assert.ok(publicBoard.body.includes(text), text);
    assert.ok(!publicBoard.body.includes('Dana Writer'), 'a member who did not agree is shown by role');
    const orgPage = await get(`/organisations/${orgA}`);
    assert.ok(orgPage.body.includes(`href="${board}"`), 'the organisation page links to its board');
  });

  it('answers the API: boards, one board, and writing commentary as a member only', async () => {
    const list = await get('/api/v1/boards');
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().boards.map((board: { name: string }) => board.name),
      ['Alder values board'],
    );
    const cookie = await cookieOf('contributorA');
    const csrf = (await getWithCsrf(app, '/account', cookie)).csrf;
    const write = (as: string, token: string, body: unknown) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/boards/${boardId}/commentary`,
        headers: { cookie: as, 'x-csrf-token': token, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const created = await write(cookie, csrf, { subject: 'metric', title: 'A draft', body: 'DRAFT-WORDS' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().commentary.state, 'draft');
    const anonymousBoard = await get(`/api/v1/boards/${boardId}`);
    assert.ok(!anonymousBoard.body.includes('DRAFT-WORDS'), 'a draft is its author’s only');
    const ownBoard = await get(`/api/v1/boards/${boardId}`, 'contributorA');
    assert.ok(ownBoard.body.includes('DRAFT-WORDS'));
    const adminCookie = await cookieOf('adminA');
    const refused = await write(adminCookie, (await getWithCsrf(app, '/account', adminCookie)).csrf, {
      subject: 'x',
      title: 'x',
      body: 'x',
    });
    assert.equal(refused.statusCode, 403);
  });
});
