import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { openLoadedStore, webTestFiles } from '../../test/helpers/loaded-store.ts';
import { addPerson, getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import { explainFromStore } from '../app/assessment.ts';
import { reviewPack } from '../app/reviews/pack.ts';
import { packBodyHtml } from '../app/reviews/pack-html.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';

const clock = () => new Date('2026-12-01T10:00:00Z');
const trust = 'RYY';
const region = 'Y59';
const other = 'RJ1';
const list = `/organisations/${trust}/reviews`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

const people = {
  oversight: {
    email: 'oversight.y59@example.nhs.uk',
    grants: [{ role: 'oversight', scopeKind: 'region', scopeCode: region }],
  },
  contributor: {
    email: 'contributor.ryy@example.nhs.uk',
    grants: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: trust }],
  },
  otherMember: {
    email: 'member.rj1@example.nhs.uk',
    grants: [{ role: 'member', scopeKind: 'organisation', scopeCode: other }],
  },
} as const;
type Person = keyof typeof people;

/** The items of the NHS.UK error summary on a page. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1]);
}

/** A page's visible text, roughly: tags dropped, entities read, white space squeezed. */
function textOf(html: string): string {
  return html
    .replace(/<span class="nhsuk-u-visually-hidden">[^<]*<\/span>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Figures with decimals or dates in a text, as a sorted multiset. */
function figures(text: string): string[] {
  return [...text.matchAll(/\b\d{4}-\d{2}-\d{2}\b|\b\d+\.\d+\b/g)].map((match) => match[0]).sort();
}

describe(`review pages (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const cookies: Partial<Record<Person, string>> = {};
  const cookieOf = async (name: Person) => {
    cookies[name] ??= await signIn(app, people[name].email);
    return cookies[name];
  };
  const get = async (url: string, as?: Person) =>
    app.inject({ url, headers: as ? { cookie: await cookieOf(as) } : {} });
  const post = async (as: Person, pageUrl: string, url: string, fields: [string, string][]) => {
    const cookie = await cookieOf(as);
    const page = await getWithCsrf(app, pageUrl, cookie);
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie, ...form },
      payload: new URLSearchParams([['_csrf', page.csrf], ...fields]).toString(),
    });
  };
  let reviewUrl = '';

  before(async () => {
    store = await openLoadedStore(webTestFiles);
    for (const person of Object.values(people)) await addPerson(store, person.email, person.grants, clock);
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock, signInPerMinute: 1000 });
  });
  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('lists reviews for signed-in readers and offers the plan form only to the overseer side', async () => {
    assert.equal((await get(list)).statusCode, 303, 'anonymous visitors are sent to sign in');
    const asOther = await get(list, 'otherMember');
    assert.equal(asOther.statusCode, 200);
    assert.match(asOther.body, /id="no-reviews"/);
    assert.doesNotMatch(asOther.body, /id="plan-review"/);
    assert.doesNotMatch((await get(list, 'contributor')).body, /id="plan-review"/);
    const asOversight = await get(list, 'oversight');
    assert.match(asOversight.body, /id="plan-review"/);
    assert.match(asOversight.body, /value="Q3 2026\/27"/, 'the quarter of the clock’s day is offered');
    const page = await get(`/organisations/${trust}`, 'contributor');
    assert.match(page.body, /id="reviews-link"/);
    assert.doesNotMatch((await get(`/organisations/${trust}`, 'otherMember')).body, /id="reviews-link"/);
    assert.doesNotMatch((await get(`/organisations/${trust}`)).body, /id="reviews-link"/);
  });

  it('plans a review, listing every problem at once', async () => {
    const refused = await post('oversight', list, list, [
      ['quarter', 'next quarter'],
      ['overseer', 'QQQ'],
    ]);
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(errorSummaryItems(refused.body), ['quarter', 'overseer']);
    const planned = await post('oversight', list, list, [
      ['quarter', 'Q3 2026/27'],
      ['overseer', region],
    ]);
    assert.equal(planned.statusCode, 303);
    reviewUrl = planned.headers.location as string;
    assert.match(reviewUrl, /^\/organisations\/RYY\/reviews\/\d+$/);
    assert.equal((await post('contributor', list, list, [['quarter', 'Q3 2026/27']])).statusCode, 403);
  });

  it('records the meeting with its actions and follow-ups, and shows every problem at once first', async () => {
    const page = await get(reviewUrl, 'oversight');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="record-meeting"/);
    for (const row of [1, 2, 3]) assert.match(page.body, new RegExp(`id="action_${row}_description"`));
    assert.doesNotMatch((await get(reviewUrl, 'contributor')).body, /id="record-meeting"/);
    const refused = await post('oversight', reviewUrl, `${reviewUrl}/meeting`, [
      ['heldOn', '2026-02-30'],
      ['action_1_description', 'Something'],
      ['action_1_owner_side', 'organisation'],
      ['action_1_due', 'soon'],
      ['followUpOn', 'later'],
    ]);
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(errorSummaryItems(refused.body), ['heldOn', 'actions', 'actions', 'followUpOn']);
    const recorded = await post('oversight', reviewUrl, `${reviewUrl}/meeting`, [
      ['heldOn', '2026-11-24'],
      ['attendees_organisation', 'Ada Example, Chief executive'],
      ['attendees_overseer', 'Ben Example, Director of performance'],
      ['notes', 'We talked about <b>community waits</b>.'],
      ['action_1_description', 'Visit a peer trust'],
      ['action_1_owner_side', 'organisation'],
      ['action_1_owner_email', people.contributor.email],
      ['action_1_due', '2026-12-31'],
      ['action_2_description', 'Share the regional audit'],
      ['action_2_owner_side', 'overseer'],
      ['action_2_owner_name', 'Ben Example'],
      ['action_2_due', '2026-12-20'],
    ]);
    assert.equal(recorded.statusCode, 303);
    const shown = await get(reviewUrl, 'contributor');
    assert.match(shown.body, /We talked about &lt;b&gt;community waits&lt;\/b&gt;\./, 'notes are escaped');
    assert.match(shown.body, /Visit a peer trust/);
    assert.match(shown.body, /Follow-up due 2027-01-05: scheduled/);
    const id = Number(reviewUrl.split('/').at(-1));
    const followUps = await sql<{
      n: string;
    }>`select count(*) as n from follow_up where review_id = ${id}`.execute(store.db);
    assert.equal(Number(followUps.rows[0].n), 2);
  });

  it('keeps the record, the pack and its PDF from those who may not read them', async () => {
    for (const suffix of ['', '/pack', '/pack.pdf']) {
      assert.equal((await get(`${reviewUrl}${suffix}`, 'otherMember')).statusCode, 404, suffix);
      assert.equal((await get(`${reviewUrl}${suffix}`)).statusCode, 303, suffix);
      assert.equal(
        (await get(`/organisations/${other}/reviews/${reviewUrl.split('/').at(-1)}${suffix}`, 'oversight'))
          .statusCode,
        404,
      );
    }
  });

  it('shows the pack with the Oversight Framework position the store explains, improvement first', async () => {
    const page = await get(`${reviewUrl}/pack`, 'contributor');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['cache-control'] as string, /private, no-store/);
    const order = [
      'in-brief-heading',
      'improving-heading',
      'help-heading',
      'last-review-heading',
      'since-heading',
      'nof-heading',
    ].map((id) => page.body.indexOf(`id="${id}"`));
    assert.ok(
      order.every((place) => place > 0),
      'every section is there',
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'improvement and help first, the segment last',
    );
    const explanation = await explainFromStore(store.db, {
      quarter: 'Q4 2025/26',
      framework: 'nof-2025-26',
      org: trust,
    }).catch(() => undefined);
    const nof = /<section id="nof"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    if (explanation?.averageMetricScore != null) {
      assert.match(nof, new RegExp(explanation.averageMetricScore.toFixed(2).replace('.', '\\.')));
      assert.match(
        nof,
        new RegExp(`Segment</dt><dd class="nhsuk-summary-list__value">${explanation.adjustedSegment}`),
      );
    } else assert.match(nof, /id="nof-none"|id="nof-figures"/);
    const concerns = await sql<{
      n: string;
    }>`select count(distinct metric_id) as n from signal where org_code = ${trust} and kind = 'concern' and closed_at is null`.execute(
      store.db,
    );
    assert.match(page.body, new RegExp(`${Number(concerns.rows[0].n)} concerns?, `));
  });

  it('prints the pack to a tagged PDF holding the same figures as the page', async () => {
    const page = await get(`${reviewUrl}/pack`, 'oversight');
    const pdf = await get(`${reviewUrl}/pack.pdf`, 'oversight');
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.match(pdf.headers['cache-control'] as string, /private, no-store/);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-pack-'));
    try {
      const file = path.join(folder, 'pack.pdf');
      fs.writeFileSync(file, pdf.rawPayload);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      assert.match(info, /^Tagged:\s+yes$/m);
      assert.match(info, /^Title:\s+Review pack: Kent Community Health/m);
      const printed = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      const body =
        /<div class="nhsuk-grid-row tend-review-pack">[\s\S]*?<h1>[\s\S]*?<\/h1>[\s\S]*?<\/p>([\s\S]*)<\/div>\s*<\/div>/.exec(
          page.body,
        )?.[1] ?? '';
      const pageFigures = figures(textOf(body));
      assert.ok(pageFigures.length > 3, 'the page has figures to compare');
      assert.deepEqual(figures(printed.replace(/\s+/g, ' ')), pageFigures);
      for (const heading of [
        'What is improving',
        'Concerns and the help on offer',
        'The Oversight Framework position, as context',
      ])
        assert.ok(printed.includes(heading), heading);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('carries, for a trust with concerns, every open concern with its offers of help nearest first, or says there is a gap', async () => {
    const busiest = await sql<{ org_code: string; n: string }>`
      select org_code, count(distinct metric_id) as n from signal
      where kind = 'concern' and closed_at is null and org_code in (select code from organisation where kind = 'trust')
      group by org_code order by count(distinct metric_id) desc, org_code limit 1`.execute(store.db);
    const code = busiest.rows[0]?.org_code;
    assert.ok(code, 'the loaded store has a trust with an open concern');
    const context = { db: store.db, actor: operator('test'), clock };
    const pack = await reviewPack(context, { org: code, quarter: 'Q3 2026/27' });
    const metrics = await sql<{ metric_id: string }>`
      select distinct metric_id from signal where org_code = ${code} and kind = 'concern' and closed_at is null order by metric_id`.execute(
      store.db,
    );
    assert.deepEqual(
      pack.concerns.map((concern) => concern.metricId).sort(),
      metrics.rows.map((row) => row.metric_id),
    );
    const order = ['same_system', 'same_region', 'same_type', 'elsewhere'];
    for (const concern of pack.concerns) {
      assert.ok(concern.offers.length <= 3);
      assert.equal(concern.gap === null, concern.offers.length >= 3, concern.metricId);
      assert.ok(
        concern.offers.every((offer) => offer.orgCode !== code && offer.metricId === concern.metricId),
      );
      const kinds = concern.offers.map((offer) => offer.kind);
      assert.deepEqual(kinds, [...kinds].sort(), 'directory entries before candidates');
      for (const kind of ['entry', 'candidate'] as const) {
        const places = concern.offers
          .filter((offer) => offer.kind === kind)
          .map((offer) => order.indexOf(offer.nearness));
        assert.deepEqual(
          places,
          [...places].sort((a, b) => a - b),
          'nearest peers first',
        );
      }
    }
    const html = packBodyHtml(pack);
    for (const concern of pack.concerns)
      if (concern.gap) assert.ok(html.includes(concern.gap.replace(/'/g, '&#39;')));
  });

  describe('the API', () => {
    const api = async (as: Person | null, method: 'GET' | 'POST', url: string, body?: unknown) => {
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

    it('plans, records, agrees and marks through the API, and lists for readers only', async () => {
      assert.equal((await api(null, 'GET', '/api/v1/reviews')).statusCode, 401);
      const refused = await api('oversight', 'POST', '/api/v1/reviews', {
        org: trust,
        quarter: 'soon',
        overseer: 'QQQ',
      });
      assert.equal(refused.statusCode, 422);
      assert.deepEqual(
        refused.json().error.details.map((detail: string) => detail.split(':')[0]),
        ['quarter', 'overseer'],
      );
      assert.equal(
        (await api('contributor', 'POST', '/api/v1/reviews', { org: trust, quarter: 'Q4 2026/27' }))
          .statusCode,
        403,
      );
      const planned = await api('oversight', 'POST', '/api/v1/reviews', {
        org: trust,
        quarter: 'Q4 2026/27',
      });
      assert.equal(planned.statusCode, 201);
      const id = planned.json().review.id as number;
      assert.equal(planned.json().review.overseer.code, region);
      const recorded = await api('oversight', 'POST', `/api/v1/reviews/${id}/meeting`, {
        heldOn: '2027-02-01',
        attendees: [{ name: 'Ada Example', role: 'Chief executive', side: 'organisation' }],
        notes: 'API-NOTES',
        actions: [
          {
            description: 'API action',
            ownerSide: 'organisation',
            ownerEmail: people.contributor.email,
            due: '2027-03-01',
          },
        ],
      });
      assert.equal(recorded.statusCode, 200);
      const review = recorded.json().review;
      assert.equal(review.followUpOn, '2027-03-15');
      assert.equal(review.actions[0].followUps[0].dueOn, '2027-03-15');
      const added = await api('oversight', 'POST', `/api/v1/reviews/${id}/actions`, {
        actions: [
          { description: 'Second', ownerSide: 'overseer', ownerName: 'Ben Example', due: '2027-03-01' },
        ],
      });
      assert.equal(added.json().review.actions.length, 2);
      const marked = await api('oversight', 'POST', `/api/v1/reviews/${id}/actions`, {
        action: review.actions[0].id,
        status: 'done',
        completedOn: '2027-02-20',
      });
      assert.equal(marked.json().review.actions[0].status, 'done');
      assert.equal(
        (
          await api('contributor', 'POST', `/api/v1/reviews/${id}/actions`, {
            action: review.actions[0].id,
            status: 'dropped',
          })
        ).statusCode,
        403,
      );
      const asContributor = (await api('contributor', 'GET', `/api/v1/reviews?org=${trust}`)).json().reviews;
      assert.ok(asContributor.some((each: { id: number }) => each.id === id));
      assert.deepEqual((await api('otherMember', 'GET', '/api/v1/reviews')).json().reviews, []);
      assert.equal((await api('otherMember', 'GET', `/api/v1/reviews/${id}`)).statusCode, 404);
      assert.equal((await api('otherMember', 'GET', `/api/v1/reviews/${id}/pack`)).statusCode, 404);
      assert.equal((await api(null, 'GET', `/api/v1/reviews/${id}/pack`)).statusCode, 401);
      const pack = await api('contributor', 'GET', `/api/v1/reviews/${id}/pack`);
      assert.equal(pack.statusCode, 200);
      assert.match(pack.headers['cache-control'] as string, /private, no-store/);
      assert.equal(pack.json().pack.org.code, trust);
      assert.equal(pack.json().pack.review.id, id);
      const pdf = await api('contributor', 'GET', `/api/v1/reviews/${id}/pack.pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.equal((await api('otherMember', 'GET', `/api/v1/reviews/${id}/pack.pdf`)).statusCode, 404);
    });
  });
});
