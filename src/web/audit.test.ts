import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addPerson, signIn } from '../../test/helpers/people.ts';
import { addTwoTrusts } from '../../test/helpers/people-store.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { loadUserActor } from '../app/accounts/actor.ts';
import { auditedWrite } from '../app/context.ts';
import type { Store } from '../store/db.ts';
import { insertAuditEntry } from '../store/repos/audit-repo.ts';
import { buildApp } from './app.ts';

/** The rows of the page's audit table: each row's cells as text. */
function auditRows(html: string): string[][] {
  const table = /<table[^>]*id="audit"[\s\S]*?<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html);
  if (!table) return [];
  return [...table[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((each) =>
      each[1]
        .replace(/<[^>]+>/g, '')
        .replace(/&#39;/g, "'")
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

describe(`an organisation's audit log page (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const now = new Date('2026-11-30T10:00:00Z');
  const cookies: Record<string, string> = {};

  before(async () => {
    store = await openTestStore();
    await addTwoTrusts(store);
    const day = (date: string) => () => new Date(`${date}T09:00:00Z`);
    await addPerson(
      store,
      'ada@example.nhs.uk',
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RYY' }],
      day('2026-11-01'),
    );
    await addPerson(
      store,
      'bob@example.nhs.uk',
      [{ role: 'admin', scopeKind: 'organisation', scopeCode: 'RJ1' }],
      day('2026-11-02'),
    );
    const cat = await addPerson(
      store,
      'cat@example.nhs.uk',
      [{ role: 'contributor', scopeKind: 'organisation', scopeCode: 'RYY' }],
      day('2026-11-03'),
    );
    await addPerson(
      store,
      'dan@example.nhs.uk',
      [{ role: 'oversight', scopeKind: 'england' }],
      day('2026-11-04'),
    );
    // Cat edits a narrative only named people may read: the entry holds its words before and after.
    const actor = await loadUserActor(store.db, cat, now, 'session');
    assert.ok(actor);
    await auditedWrite({ db: store.db, actor, clock: day('2026-11-20') }, {}, async () => ({
      result: undefined,
      audit: {
        action: 'narrative.edit',
        entityType: 'narrative',
        entityId: 7,
        orgCode: 'RYY',
        before: { title: 'Staffing', body: 'confidential first draft', visibility: 'named' },
        after: { title: 'Staffing', body: 'confidential second draft', visibility: 'named' },
      },
    }));
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock: () => now, signInPerMinute: 1000 });
    for (const name of ['ada', 'bob', 'cat', 'dan'])
      cookies[name] = await signIn(app, `${name}@example.nhs.uk`);
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string, who?: string) =>
    app.inject({ url, headers: who ? { cookie: cookies[who] } : {} });

  it('asks visitors to sign in, and refuses everyone but the organisation’s admins', async () => {
    const visitor = await get('/organisations/RYY/audit');
    assert.equal(visitor.statusCode, 303);
    assert.equal(
      visitor.headers.location,
      `/sign-in?returnTo=${encodeURIComponent('/organisations/RYY/audit')}`,
    );
    for (const who of ['bob', 'cat', 'dan']) {
      const refused = await get('/organisations/RYY/audit', who);
      assert.equal(refused.statusCode, 403, who);
      assert.match(refused.body, /You do not have permission to do this/);
      assert.doesNotMatch(refused.body, /Staffing|role_grant|Granted a role/);
      const download = await get('/organisations/RYY/audit?download=audit', who);
      assert.equal(download.statusCode, 403, `${who}: nor its download`);
    }
    assert.equal((await get('/organisations/NOPE1/audit', 'ada')).statusCode, 404);
  });

  it('shows its admins the entries newest first: time, who, action, entity and the names of the fields changed', async () => {
    const page = await get('/organisations/ryy/audit', 'ada');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    assert.deepEqual(auditRows(page.body), [
      ['2026-11-20 09:00', 'cat', 'Edited a narrative', 'Narrative 7', 'body'],
      [
        '2026-11-03 09:00',
        'Operator (test)',
        'Granted a role',
        'Role 3',
        'created_at, granted_by, id, role, scope_code, scope_kind, user_id, valid_from, valid_to',
      ],
      [
        '2026-11-01 09:00',
        'Operator (test)',
        'Granted a role',
        'Role 1',
        'created_at, granted_by, id, role, scope_code, scope_kind, user_id, valid_from, valid_to',
      ],
    ]);
    assert.doesNotMatch(page.body, /confidential/, 'never the words of the narrative');
    assert.doesNotMatch(page.body, /bob@|RJ1/, "nothing of another organisation's");

    const csv = await get('/organisations/RYY/audit?download=audit', 'ada');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'Time (UTC),Who,Action,Entity,Fields changed,Entry,Action code');
    assert.equal(lines.length, 4);
    assert.match(
      lines[1],
      /^2026-11-20T09:00:00\.000Z,cat,Edited a narrative,Narrative 7,body,\d+,narrative\.edit$/,
    );
    assert.doesNotMatch(csv.body, /confidential/);
  });

  it('filters from a day, and lists a date that is not real as an error', async () => {
    const since = await get('/organisations/RYY/audit?since-day=2&since-month=11&since-year=2026', 'ada');
    assert.equal(since.statusCode, 200);
    assert.deepEqual(
      auditRows(since.body).map((row) => row[0]),
      ['2026-11-20 09:00', '2026-11-03 09:00'],
    );
    assert.match(since.body, /value="2"/, 'the date is shown back');
    const bad = await get('/organisations/RYY/audit?since-day=31&since-month=2&since-year=2026', 'ada');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /There is a problem/);
    assert.match(bad.body, /href="#since-day">\s*Enter a real date, for example 1 11 2026\s*</);
    assert.deepEqual(auditRows(bad.body), []);
  });

  it('links to the audit log from the organisation page for its admins only, whoever asked before', async () => {
    const link = /id="audit-link"/;
    assert.doesNotMatch((await get('/organisations/RYY')).body, link);
    assert.match((await get('/organisations/RYY', 'ada')).body, link);
    assert.doesNotMatch(
      (await get('/organisations/RYY')).body,
      link,
      'the kept page for visitors has no link',
    );
    assert.doesNotMatch((await get('/organisations/RYY', 'cat')).body, link);
    assert.doesNotMatch((await get('/organisations/RYY', 'bob')).body, link);
    assert.doesNotMatch((await get('/organisations/RJ1', 'ada')).body, link);
  });

  it('shows 500 entries a page, with a link to the older ones', async () => {
    for (let index = 0; index < 500; index++)
      await insertAuditEntry(store.db, {
        at: new Date(Date.UTC(2026, 10, 25, 0, index)),
        actorUserId: null,
        actorLabel: 'test',
        action: 'series.rebase',
        entityType: 'series_config',
        entityId: `RYY/ae-4hr-type1/${index}`,
        orgCode: 'RYY',
        before: null,
        after: null,
      });
    const first = await get('/organisations/RYY/audit', 'ada');
    const rows = auditRows(first.body);
    assert.equal(rows.length, 500);
    assert.equal(rows[0][3], 'Chart settings RYY/ae-4hr-type1/499');
    const older = /<a href="([^"]+)">Older entries<\/a>/.exec(first.body);
    assert.ok(older, 'a link to the older entries');
    const second = await get(older[1].replace(/&amp;/g, '&'), 'ada');
    assert.deepEqual(
      auditRows(second.body).map((row) => row[0]),
      ['2026-11-20 09:00', '2026-11-03 09:00', '2026-11-01 09:00'],
      'the three entries older than the newest 500',
    );
  });
});
