import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { formBody } from '../../test/helpers/narrative-web.ts';
import { downloadTable, tableRows, titleOf } from '../../test/helpers/page-tables.ts';
import { addPerson, getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import { createGroup } from '../app/groups/write.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { upsertSignalEpisodes } from '../store/repos/signal-repo.ts';
import { buildApp } from './app.ts';

const now = new Date('2026-11-02T10:00:00Z');
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** The fields the NHS.UK error summary on a page links to. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1] as string);
}

describe(`group pages and API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let groupId: number;
  const cookies = new Map<string, string>();
  const emails = {
    national: 'national@example.nhs.uk',
    southEast: 'south-east@example.nhs.uk',
    adminRyy: 'admin.ryy@example.nhs.uk',
  } as const;
  type Person = keyof typeof emails;
  const cookieOf = async (who: Person) => {
    if (!cookies.has(who)) cookies.set(who, await signIn(app, emails[who]));
    return cookies.get(who) as string;
  };
  const get = async (url: string, who?: Person) =>
    app.inject({ url, headers: who ? { cookie: await cookieOf(who) } : {} });
  const post = async (who: Person, pageUrl: string, url: string, fields: Record<string, string>) => {
    const cookie = await cookieOf(who);
    const page = await getWithCsrf(app, pageUrl, cookie);
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie, ...form },
      payload: formBody({ _csrf: page.csrf, ...fields }),
    });
  };
  const api = async (who: Person, method: 'POST' | 'PATCH', url: string, body: unknown) => {
    const cookie = await cookieOf(who);
    const page = await getWithCsrf(app, '/account', cookie);
    return app.inject({
      method,
      url,
      headers: { cookie, 'x-csrf-token': page.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  };

  before(async () => {
    store = await openLoadedStore(
      [bundled.odsTrusts, bundled.trustLookup, bundled.nofData, bundled.nofLeagueTable],
      { computeSignals: false },
    );
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock: () => now, signInPerMinute: 1000 });
    await addPerson(store, emails.national, [{ role: 'oversight', scopeKind: 'england' }], () => now);
    await addPerson(
      store,
      emails.southEast,
      [{ role: 'oversight', scopeKind: 'region', scopeCode: 'Y59' }],
      () => now,
    );
    await addPerson(
      store,
      emails.adminRyy,
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' }],
      () => now,
    );
    // One open signal of RYY's, as the computation writes it.
    await upsertSignalEpisodes(
      store.db,
      [
        {
          orgCode: 'RYY',
          metricId: 'ae-4hr-type1',
          kind: 'data_question',
          firstDate: '2001-01-01',
          latestDate: '2001-01-01',
          points: 1,
          latestValue: 1,
          detail: 'A question about the data.',
        },
      ],
      now,
    );
    const context = { db: store.db, actor: operator('test'), clock: () => now };
    groupId = (
      await createGroup(context, {
        name: 'Kent <shared> group',
        description: 'One board and chief executive for both trusts since April 2024',
        members: ['RYY', 'RXY'],
        fromDate: '2024-04-01',
      })
    ).group.id;
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('shows every group with its current members, and its CSV', async () => {
    const response = await get('/groups');
    assert.equal(response.statusCode, 200);
    assert.equal(titleOf(response.body), 'Groups and shared leadership – Tend – NHS');
    assert.deepEqual(tableRows(response.body, 'groups'), [
      [
        'Kent &lt;shared&gt; group',
        'Kent and Medway NHS and Social Care Partnership Trust; Kent Community Health NHS Foundation Trust',
        '2',
        '0',
      ],
    ]);
    assert.doesNotMatch(response.body, /id="create-group"/, 'no form for a reader who may not record groups');
    const csv = await downloadTable(app, '/groups', 'groups');
    assert.deepEqual(csv, [
      {
        Group: 'Kent <shared> group',
        'Current members':
          'Kent and Medway NHS and Social Care Partnership Trust; Kent Community Health NHS Foundation Trust',
        'Current member codes': 'RXY RYY',
        'Number of current members': '2',
        'Past memberships': '0',
        Example: 'No',
      },
    ]);
  });

  it('shows a group’s members together: segment and quarter from the Oversight Framework, open signals, links, and the CSV', async () => {
    const page = `/groups/${groupId}`;
    const response = await get(page);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<h1>Kent &lt;shared&gt; group<\/h1>/);
    assert.match(response.body, /One board and chief executive for both trusts since April 2024/);
    // NHS England's published Q4 2025/26 league table: RYY segment 1, RXY segment 3.
    assert.deepEqual(tableRows(response.body, 'members'), [
      [
        'Kent and Medway NHS and Social Care Partnership Trust (RXY)',
        '1 April 2024',
        'Segment 3',
        'Q4 2025/26',
        '0',
      ],
      ['Kent Community Health NHS Foundation Trust (RYY)', '1 April 2024', 'Segment 1', 'Q4 2025/26', '1'],
    ]);
    assert.match(response.body, /href="\/organisations\/RYY"/);
    assert.match(response.body, /href="\/signals\?org=RYY"/);
    assert.match(response.body, /id="no-past-members"/);
    assert.doesNotMatch(response.body, /id="add-member-button"|id="save-description"/);
    const csv = await downloadTable(app, page, 'members');
    assert.deepEqual(
      csv.map((row) => [row['ODS code'], row['Member from'], row.Segment, row.Quarter, row['Open signals']]),
      [
        ['RXY', '2024-04-01', '3', 'Q4 2025/26', '0'],
        ['RYY', '2024-04-01', '1', 'Q4 2025/26', '1'],
      ],
    );
    assert.equal((await get('/groups/999')).statusCode, 404);
    assert.equal((await get('/groups/abc')).statusCode, 404);
  });

  it('links the organisation page of a current member to its group, and no other', async () => {
    const member = await get('/organisations/RYY');
    assert.match(
      member.body,
      new RegExp(
        `id="group">Part of the group <a href="/groups/${groupId}">Kent &lt;shared&gt; group</a></dd>`,
      ),
    );
    const other = await get('/organisations/RJ1');
    assert.match(other.body, /id="group">Not part of a group Tend holds</);
  });

  it('records a group, adds and ends memberships through the forms, listing every problem at once', async () => {
    const index = await get('/groups', 'national');
    assert.match(index.body, /id="create-group"/);
    const empty = await post('national', '/groups', '/groups', {
      name: '',
      members: 'RJ1',
      fromDate: 'soon',
    });
    assert.equal(empty.statusCode, 422);
    assert.deepEqual(errorSummaryItems(empty.body), ['name', 'members', 'fromDate']);
    assert.match(empty.body, /A group is of two or more trusts: give at least two ODS codes/);
    const created = await post('national', '/groups', '/groups', {
      name: 'South London group',
      description: '',
      members: 'RJ1\nRJZ',
      fromDate: '2025-10-01',
    });
    assert.equal(created.statusCode, 303);
    const page = String(created.headers.location);
    assert.match(page, /^\/groups\/\d+$/);
    const shown = await get(page, 'national');
    assert.match(shown.body, /id="add-member-button"/);
    assert.match(shown.body, /id="save-description"/);
    const overlap = await post('national', page, `${page}/members`, { org: 'RJ1', fromDate: '2026-01-01' });
    assert.equal(overlap.statusCode, 422);
    assert.deepEqual(errorSummaryItems(overlap.body), ['fromDate']);
    assert.match(overlap.body, /RJ1 is already a member of the group from 2025-10-01/);
    const rows = tableRows(shown.body, 'members');
    assert.deepEqual(
      rows.map((row) => row[0]),
      [
        'Guy&#39;s and St Thomas&#39; NHS Foundation Trust (RJ1)',
        'King&#39;s College Hospital NHS Foundation Trust (RJZ)',
      ],
    );
    const endAction = /action="(\/groups\/\d+\/members\/\d+\/end)"[^>]*id="end-(\d+)"/.exec(shown.body);
    assert.ok(endAction, 'an end form per current member');
    const badEnd = await post('national', page, endAction[1], { toDate: '2025-09-30' });
    assert.equal(badEnd.statusCode, 422);
    assert.deepEqual(errorSummaryItems(badEnd.body), [`toDate-${endAction[2]}`]);
    const ended = await post('national', page, endAction[1], { toDate: '2026-03-31' });
    assert.equal(ended.statusCode, 303);
    const after = await get(page, 'national');
    assert.deepEqual(tableRows(after.body, 'past-members'), [
      ['Guy&#39;s and St Thomas&#39; NHS Foundation Trust (RJ1)', '1 October 2025', '31 March 2026'],
    ]);
    assert.equal(tableRows(after.body, 'members').length, 1);
    const described = await post('national', page, `${page}/description`, {
      description: 'A chair in common since October 2025',
    });
    assert.equal(described.statusCode, 303);
    assert.match((await get(page)).body, /A chair in common since October 2025/);
  });

  it('keeps a region’s oversight to its own trusts, and refuses those who do not record groups', async () => {
    const page = `/groups/${groupId}`;
    const outside = await post('southEast', '/groups', '/groups', {
      name: 'Across regions',
      members: 'RYY RJ1',
      fromDate: '2025-01-01',
    });
    assert.equal(outside.statusCode, 403);
    const refused = await post('adminRyy', page, `${page}/members`, { org: 'RVV', fromDate: '2025-01-01' });
    assert.equal(refused.statusCode, 403);
    const added = await post('southEast', page, `${page}/members`, { org: 'RVV', fromDate: '2025-01-01' });
    assert.equal(added.statusCode, 303);
    const anonymousWrite = await app.inject({ method: 'POST', url: '/api/v1/groups', payload: {} });
    assert.equal(anonymousWrite.statusCode, 401);
  });

  it('serves the groups through the JSON API under the same policy', async () => {
    const list = await get('/api/v1/groups');
    assert.equal(list.statusCode, 200);
    const kent = list.json().groups.find((group: { id: number }) => group.id === groupId);
    assert.deepEqual(
      kent.current.map((member: { org: { code: string }; fromDate: string }) => [
        member.org.code,
        member.fromDate,
      ]),
      [
        ['RVV', '2025-01-01'],
        ['RXY', '2024-04-01'],
        ['RYY', '2024-04-01'],
      ],
    );
    const problems = await api('national', 'POST', '/api/v1/groups', {
      name: 'x',
      members: ['RYY', 'NOPE1'],
      fromDate: '2025-13-01',
    });
    assert.equal(problems.statusCode, 422);
    assert.deepEqual(problems.json().error.details, [
      'members: No organisation has the code NOPE1',
      'fromDate: Enter a real date as YYYY-MM-DD, such as 2026-03-01',
    ]);
    const made = await api('national', 'POST', '/api/v1/groups', {
      name: 'North group',
      members: ['RVV', 'RWF'],
      fromDate: '2025-01-01',
    });
    assert.equal(made.statusCode, 201);
    const id = made.json().group.id;
    const overlapping = await api('national', 'POST', `/api/v1/groups/${id}/members`, {
      org: 'RWF',
      fromDate: '2024-06-01',
      toDate: '2025-01-01',
    });
    assert.equal(overlapping.statusCode, 422);
    const memberId = made
      .json()
      .group.current.find((member: { org: { code: string } }) => member.org.code === 'RWF').id;
    const ended = await api('national', 'POST', `/api/v1/groups/${id}/members/${memberId}/end`, {
      toDate: '2025-12-31',
    });
    assert.equal(ended.statusCode, 200);
    assert.deepEqual(
      ended
        .json()
        .group.past.map((member: { org: { code: string }; toDate: string }) => [
          member.org.code,
          member.toDate,
        ]),
      [['RWF', '2025-12-31']],
    );
    const again = await api('national', 'POST', `/api/v1/groups/${id}/members/${memberId}/end`, {
      toDate: '2026-01-31',
    });
    assert.equal(again.statusCode, 409);
    const edited = await api('southEast', 'PATCH', `/api/v1/groups/${id}`, { description: 'Shared chair' });
    assert.equal(edited.statusCode, 200, 'RVV, the one current member, is in the South East');
    assert.equal(edited.json().group.description, 'Shared chair');
    const forbidden = await api('adminRyy', 'PATCH', `/api/v1/groups/${id}`, { description: 'x' });
    assert.equal(forbidden.statusCode, 403);
    assert.equal((await get('/api/v1/groups/999')).statusCode, 404);
  });
});
