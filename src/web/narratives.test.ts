import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { formBody, importChartForOrganisationA, narrativeSection } from '../../test/helpers/narrative-web.ts';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  orgA,
} from '../../test/helpers/narratives.ts';
import { getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { createNarrative } from '../app/narratives/write.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { listAuditEntries } from '../store/repos/audit-repo.ts';
import { buildApp } from './app.ts';

const clock = () => new Date('2026-11-30T10:00:00Z');
const list = `/organisations/${orgA}/narratives`;
const chart = `/organisations/${orgA}/metrics/ae-4hr-type1`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe(`narrative pages (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
  const cookies: Partial<Record<CastName, string>> = {};
  const cookieOf = async (name: CastName) => {
    cookies[name] ??= await signIn(app, people[name].email);
    return cookies[name];
  };
  const write = (input: Record<string, unknown>) =>
    createNarrative(contextFor(store, operator('test'), clock), {
      org: orgA,
      kind: 'team_story',
      title: 'A story',
      body: 'Text.',
      visibility: 'public',
      ...input,
    });
  const get = async (url: string, as?: CastName) =>
    app.inject({ url, headers: as ? { cookie: await cookieOf(as) } : {} });
  /** Posts a form from the page at `pageUrl` (for its CSRF token) as `as`. */
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
    await importChartForOrganisationA(store);
    people = await addCast(store, clock, ['contributorA', 'memberA', 'contributorB']);
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('sends anonymous visitors to sign in for the form, and refuses people who do not write for the organisation', async () => {
    const anonymous = await get(`${list}/new`);
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, `/sign-in?returnTo=${encodeURIComponent(`${list}/new`)}`);
    const posted = await app.inject({
      method: 'POST',
      url: list,
      headers: form,
      payload: formBody({ kind: 'team_story', title: 'x', body: 'y', visibility: 'public' }),
    });
    assert.equal(posted.statusCode, 403, 'no form token, no write');
    assert.equal((await get(`${list}/new`, 'memberA')).statusCode, 403);
    assert.equal((await get(`${list}/new`, 'contributorB')).statusCode, 403);
    const refused = await post('contributorB', '/account', list, {
      kind: 'team_story',
      title: 'Not ours',
      body: 'Text',
      visibility: 'public',
    });
    assert.equal(refused.statusCode, 403);
    assert.doesNotMatch((await get(list)).body, /Not ours/);
  });

  it('writes commentary from the chart: the form, every problem at once, then a draft only the organisation sees', async () => {
    const chartPage = await get(chart, 'contributorA');
    assert.match(
      narrativeSection(chartPage.body),
      /<a href="\/organisations\/RAA\/narratives\/new\?metric=ae-4hr-type1" id="write-commentary">Write commentary on this chart<\/a>/,
    );
    assert.doesNotMatch(narrativeSection((await get(chart, 'memberA')).body), /write-commentary/);
    assert.doesNotMatch(narrativeSection((await get(chart)).body), /write-commentary/);

    const newForm = await get(`${list}/new?metric=ae-4hr-type1`, 'contributorA');
    assert.equal(newForm.statusCode, 200);
    assert.match(newForm.body, /<option value="ae-4hr-type1" selected>/);
    assert.match(newForm.body, /value="metric_commentary" checked/);
    assert.match(
      newForm.body,
      /what does the chart show\? Why\? What are we doing about it\? What are the risks\?/,
    );

    const invalid = await post('contributorA', `${list}/new`, list, {
      kind: 'metric_commentary',
      title: 'Kept as typed <b>',
      body: '',
      metric: '',
      visibility: 'named',
      readers: 'ghost@example.nhs.uk',
      periodFrom: '2025-04-01',
      periodTo: '2025-01-01',
      status: 'draft',
    });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /There is a problem/);
    for (const field of ['body', 'metric', 'periodTo', 'readers'])
      assert.match(invalid.body, new RegExp(`href="#${field}"`), field);
    assert.match(invalid.body, /value="Kept as typed &lt;b&gt;"/, 'values are kept, escaped');
    assert.match(invalid.body, /<textarea[^>]*id="readers"[^>]*>ghost@example\.nhs\.uk<\/textarea>/);

    const created = await post('contributorA', `${list}/new`, list, {
      kind: 'metric_commentary',
      title: 'Winter four-hour performance',
      body: 'The chart shows **a fall** in December.\n\n<script>alert(1)</script>',
      metric: 'ae-4hr-type1',
      visibility: 'public',
      status: 'draft',
    });
    assert.equal(created.statusCode, 303, created.body);
    const location = created.headers.location as string;
    assert.match(location, /^\/organisations\/RAA\/narratives\/\d+$/);

    const own = await get(location, 'contributorA');
    assert.equal(own.statusCode, 200);
    assert.match(own.body, /<h1>Winter four-hour performance<\/h1>/);
    assert.match(own.body, /nhsuk-tag--yellow">Draft/);
    assert.match(own.body, /<strong>a fall<\/strong>/);
    assert.doesNotMatch(own.body, /<script>alert/);
    assert.match(own.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.equal((await get(location, 'memberA')).statusCode, 200);
    assert.equal((await get(location)).statusCode, 404, 'a draft is not public');
    assert.equal((await get(location, 'contributorB')).statusCode, 404);
    assert.doesNotMatch(narrativeSection((await get(chart)).body), /Winter four-hour/);
    assert.match(
      narrativeSection((await get(chart, 'memberA')).body),
      /Winter four-hour performance[\s\S]*Draft/,
    );
  });

  it('publishes from the narrative page, and then shows it to everyone beside the chart and on the organisation page', async () => {
    const narrative = await write({
      kind: 'metric_commentary',
      metric: 'ae-4hr-type1',
      title: 'Spring recovery',
      body: 'Performance **recovered** in April.',
    });
    const page = `${list}/${narrative.id}`;
    const stale = await post('contributorA', page, `${page}/publish`, { baseVersion: '7' });
    assert.equal(stale.statusCode, 409);
    const published = await post('contributorA', page, `${page}/publish`, { baseVersion: '1' });
    assert.equal(published.statusCode, 303);
    assert.equal(published.headers.location, page);

    const anonymousChart = narrativeSection((await get(chart)).body);
    assert.match(anonymousChart, /Spring recovery/);
    assert.match(anonymousChart, /Performance <strong>recovered<\/strong> in April\./);
    assert.match(anonymousChart, new RegExp(`href="${page}/versions"`));
    assert.doesNotMatch(anonymousChart, /nhsuk-tag--green/, 'no status tag when published');

    const organisationPage = await get(`/organisations/${orgA}`);
    assert.match(narrativeSection(organisationPage.body), /Spring recovery/);
    assert.match(narrativeSection(organisationPage.body), /href="\/organisations\/RAA\?download=narratives"/);
    assert.equal((await get(page)).statusCode, 200);
    const memberPage = await get(page, 'memberA');
    assert.doesNotMatch(
      memberPage.body,
      /id="publish-narrative"|id="withdraw-narrative"|id="edit-narrative"/,
    );
    assert.match((await get(page, 'contributorA')).body, /id="withdraw-narrative"/);
  });

  it('puts the Financial Stewardship Narrative first on the organisation page, and downloads what the reader may see', async () => {
    await write({
      kind: 'financial_stewardship',
      title: 'How we used our money',
      body: 'We chose **community** beds.',
      status: 'published',
    });
    await write({ title: 'Internal only', visibility: 'organisation', status: 'published' });
    await write({ title: 'Unfinished', body: '=HYPERLINK("x")' });
    const anonymousPage = narrativeSection((await get(`/organisations/${orgA}`)).body);
    assert.match(
      anonymousPage,
      /id="stewardship-narrative"[\s\S]*How we used our money[\s\S]*<strong>community<\/strong>/,
    );
    assert.ok(
      anonymousPage.indexOf('How we used our money') < anonymousPage.indexOf('Spring recovery'),
      'the Financial Stewardship Narrative first',
    );
    assert.doesNotMatch(anonymousPage, /Internal only|Unfinished/);

    const csv = await get(`/organisations/${orgA}?download=narratives`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    const [header, ...lines] = csv.body.trim().split(/\r?\n/);
    assert.equal(
      header,
      'Title,Kind,Metric,Metric id,Period,Period from,Period to,Status,Who can read it,Published,URL,Text (Markdown)',
    );
    assert.ok(lines[0].startsWith('How we used our money,Financial Stewardship Narrative,'));
    assert.match(csv.body, /We chose \*\*community\*\* beds\./);
    assert.match(csv.body, /,\/organisations\/RAA\/narratives\/\d+,/);
    assert.doesNotMatch(csv.body, /Internal only|Unfinished/);

    const memberCsv = await get(`/organisations/${orgA}?download=narratives`, 'memberA');
    assert.match(memberCsv.body, /Internal only/);
    assert.match(memberCsv.body, /'=HYPERLINK/, 'formula-like text is neutralised');
  });

  it('refuses a stale save with the form kept, saves a good one, and shows versions side by side', async () => {
    const narrative = await write({
      title: 'Ward 9',
      visibility: 'organisation',
      body: 'Secret first draft: staffing is failing.',
    });
    const page = `${list}/${narrative.id}`;
    const editForm = await get(`${page}/edit`, 'contributorA');
    assert.equal(editForm.statusCode, 200);
    assert.match(editForm.body, /name="baseVersion" value="1"/);
    assert.equal((await get(`${page}/edit`, 'memberA')).statusCode, 403);
    assert.equal((await get(`${page}/edit`)).statusCode, 303);

    const saved = await post('contributorA', `${page}/edit`, page, {
      baseVersion: '1',
      kind: 'team_story',
      title: 'Ward 9',
      body: 'Staffing is improving on ward 9.',
      visibility: 'public',
    });
    assert.equal(saved.statusCode, 303);
    const stale = await post('contributorA', `${page}/edit`, page, {
      baseVersion: '1',
      kind: 'team_story',
      title: 'Ward 9',
      body: 'My own change.',
      visibility: 'public',
    });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else changed this narrative/);
    assert.match(stale.body, />My own change\.<\/textarea>/);
    assert.match(stale.body, /name="baseVersion" value="2"/);
    assert.match(stale.body, new RegExp(`href="${page}/versions/compare\\?from=1&amp;to=2"`));
    const invalid = await post('contributorA', `${page}/edit`, page, { baseVersion: '2', title: '' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /href="#title"/);

    await post('contributorA', page, `${page}/publish`, { baseVersion: '2' });
    const versions = await get(`${page}/versions`, 'memberA');
    assert.deepEqual(
      [...versions.body.matchAll(/data-version="(\d+)"/g)].map((match) => match[1]),
      ['3', '2', '1'],
    );
    const compared = await get(`${page}/versions/compare?from=1&to=3`, 'memberA');
    assert.equal(compared.statusCode, 200);
    assert.match(
      compared.body,
      /<del><span class="nhsuk-u-visually-hidden">\[removed: <\/span>Secret first draft: staffing<span/,
    );
    assert.match(
      compared.body,
      /<ins><span class="nhsuk-u-visually-hidden">\[added: <\/span>improving on ward 9<span/,
    );
    assert.match(
      compared.body,
      /Who can read it<\/th>\s*<td class="nhsuk-table__cell"><del>Organisation only<\/del>/,
    );

    const publicVersions = await get(`${page}/versions`);
    assert.equal(publicVersions.statusCode, 200);
    assert.deepEqual(
      [...publicVersions.body.matchAll(/data-version="(\d+)"/g)].map((match) => match[1]),
      ['3'],
    );
    assert.doesNotMatch(publicVersions.body, /Secret first draft/);
    assert.equal(
      (await get(`${page}/versions/compare?from=1&to=3`)).statusCode,
      404,
      'the draft stays hidden',
    );
  });

  it('withdraws a narrative from public view, and audits every web write once', async () => {
    const narrative = await write({ title: 'To be withdrawn', status: 'published' });
    const page = `${list}/${narrative.id}`;
    const before = (await listAuditEntries(store.db, { everything: true, orgCodes: [] })).length;
    const withdrawn = await post('contributorA', page, `${page}/withdraw`, { baseVersion: '1' });
    assert.equal(withdrawn.statusCode, 303);
    assert.equal((await get(page)).statusCode, 404);
    assert.match((await get(page, 'contributorA')).body, /Publish again/);
    const entries = await listAuditEntries(store.db, { everything: true, orgCodes: [] });
    assert.equal(entries.length, before + 1);
    assert.equal(entries[0].action, 'narrative.withdraw');
    assert.equal(entries[0].actor_user_id, people.contributorA.id);
  });

  it('answers 404, not 500, for addresses that hold no narrative', async () => {
    const narrative = await write({ title: 'Somewhere', status: 'published' });
    for (const url of [
      `${list}/abc`,
      `${list}/0`,
      `${list}/99999999999`,
      `${list}/999999`,
      `/organisations/RBB/narratives/${narrative.id}`,
      `/organisations/NOPE99/narratives`,
      `/organisations/${'x'.repeat(40)}/narratives`,
      `${list}/${narrative.id}/versions/compare?from=x&to=1`,
      `${list}/${narrative.id}/versions/compare?from=1&to=9`,
      `${list}/${narrative.id}/versions/compare`,
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
      assert.match(response.headers['content-type'] as string, /text\/html/, url);
    }
  });

  it('lists narratives with their tags, and keeps signed-in pages private', async () => {
    const anonymous = await get(list);
    assert.equal(anonymous.statusCode, 200);
    assert.doesNotMatch(anonymous.body, /Draft|Organisation only/);
    assert.doesNotMatch(anonymous.body, /id="write-narrative"/);
    const member = await get(list, 'memberA');
    assert.match(member.body, /nhsuk-tag--yellow">Draft/);
    assert.match(member.body, /nhsuk-tag--purple">Organisation only/);
    assert.equal(member.headers['cache-control'], 'private, no-store');
    const contributor = await get(list, 'contributorA');
    assert.match(contributor.body, /id="write-narrative"/);
  });
});
