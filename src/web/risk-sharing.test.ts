import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  orgA,
} from '../../test/helpers/narratives.ts';
import { addPerson, getWithCsrf, signIn } from '../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { createDemoPeerReviews } from '../app/peer-reviews/demo.ts';
import { createDemoRiskSharing } from '../app/risk-sharing/demo.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { upsertMemberships, upsertOrganisations } from '../store/repos/organisation-repo.ts';
import { buildApp } from './app.ts';

const start = new Date('2026-11-02T10:00:00Z');
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const orgC = 'RCC';

/** The items of the NHS.UK error summary on a page. */
function errorSummaryItems(html: string): string[] {
  const summary = /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((match) => match[1] as string);
}

describe(`risk-sharing pages and API (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  let people: Record<CastName, CastMember>;
  const now = start;
  const cookies: Partial<Record<CastName, string>> = {};
  const cookieOf = async (name: CastName) => {
    cookies[name] ??= await signIn(app, people[name].email);
    return cookies[name];
  };
  const get = async (url: string, as?: CastName) =>
    app.inject({ url, headers: as ? { cookie: await cookieOf(as) } : {} });
  const post = async (as: CastName, pageUrl: string, url: string, fields: [string, string][]) => {
    const cookie = await cookieOf(as);
    const page = await getWithCsrf(app, pageUrl, cookie);
    return app.inject({
      method: 'POST',
      url,
      headers: { cookie, ...form },
      payload: new URLSearchParams([['_csrf', page.csrf], ...fields]).toString(),
    });
  };

  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    await upsertOrganisations(
      store.db,
      [{ code: orgC, name: 'Cedar Hospitals NHS Trust', kind: 'trust', authority: 'replace' }],
      'test',
    );
    await upsertMemberships(
      store.db,
      [{ memberCode: orgC, parentCode: 'QAA', relation: 'icb_nhse', validFrom: '2022-07-01', validTo: null }],
      'test',
    );
    people = await addCast(store, () => now, ['adminA', 'systemLeadA', 'memberB']);
    app = await buildApp({ store, config: { logLevel: 'silent' }, clock: () => now, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('proposes a draft, lists every problem at once, and keeps the draft from other organisations', async () => {
    const listPath = '/systems/QAA/risk-sharing';
    const anonymousList = await get(listPath);
    assert.equal(anonymousList.statusCode, 200);
    assert.ok(!anonymousList.body.includes('id="propose-agreement"'), 'anonymous may not propose');
    const lead = await get(listPath, 'systemLeadA');
    assert.match(lead.body, /id="propose-agreement"/);
    assert.match(lead.body, /a shared picture, not a league of blame/i);

    const refused = await post('systemLeadA', listPath, listPath, [
      ['baselineThousands', 'lots'],
      ['rule', 'described'],
      ['parties', orgA],
    ]);
    assert.equal(refused.statusCode, 422);
    assert.deepEqual(errorSummaryItems(refused.body), [
      'title',
      'baseline',
      'baselineThousands',
      'ruleDescription',
      'parties',
    ]);
    assert.match(refused.body, /id="parties-RAA" name="parties" type="checkbox" value="RAA" checked/);

    const created = await post('adminA', listPath, listPath, [
      ['title', 'Alder and Cedar share 2026/27'],
      ['baseline', 'CONTROL-TOTAL-DRAFT: £4.1m deficit'],
      ['baselineThousands', '-4100'],
      ['rule', 'equally'],
      ['parties', orgA],
      ['parties', orgC],
      [`share_${orgC}`, 'Half'],
    ]);
    assert.equal(created.statusCode, 303, created.body.slice(0, 300));
    const path = created.headers.location as string;
    assert.match(path, /^\/risk-sharing\/\d+$/);

    const page = await get(path, 'adminA');
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /<strong class="nhsuk-tag nhsuk-tag--grey" id="agreement-status">Draft<\/strong>/,
    );
    assert.match(page.body, /Equally between the parties/);
    assert.match(page.body, /As an amount: £4\.1m deficit\./);
    assert.match(page.body, /Cedar Hospitals NHS Trust<\/a> \(RCC\): Half/);
    assert.ok(page.body.includes('id="propose-rebalance"') && page.body.includes('id="change-draft"'));
    assert.ok(!page.body.includes('id="mark-agreed"'), 'the ICB marks it agreed, not a party');
    for (const outsider of [undefined, 'memberB'] as const) {
      const hidden = await get(path, outsider);
      assert.equal(hidden.statusCode, 404, String(outsider));
      assert.ok(!hidden.body.includes('CONTROL-TOTAL-DRAFT'));
      assert.ok(!(await get(listPath, outsider)).body.includes('Alder and Cedar share'));
      assert.ok(!(await get('/systems/QAA', outsider)).body.includes('Alder and Cedar share'));
    }
    const system = await get('/systems/QAA', 'systemLeadA');
    assert.match(system.body, /id="system-risk-sharing"/);
    assert.match(
      system.body,
      /Alder and Cedar share 2026\/27<\/a> <strong class="nhsuk-tag nhsuk-tag--grey">Draft/,
    );

    // A review date, and a proposal with every problem at once, then a good one.
    assert.equal((await post('adminA', path, `${path}/reviews`, [['dueOn', '2027-01-20']])).statusCode, 303);
    const badProposal = await post('adminA', path, `${path}/proposals`, [
      ['supporting', orgA],
      ['supported', orgA],
      ['amount', ''],
    ]);
    assert.equal(badProposal.statusCode, 422);
    assert.deepEqual(errorSummaryItems(badProposal.body), ['supported', 'amount', 'why']);
    const proposed = await post('systemLeadA', path, `${path}/proposals`, [
      ['supporting', orgC],
      ['supported', orgA],
      ['amount', '350'],
      ['why', 'Winter beds cost Alder more than planned.'],
    ]);
    assert.equal(proposed.statusCode, 303);
    const withProposal = await get(path, 'adminA');
    assert.match(
      withProposal.body,
      /Cedar Hospitals NHS Trust \(RCC\) supports Alder Community Health NHS Trust \(RAA\): £350k/,
    );
    assert.match(withProposal.body, /Alder Community Health NHS Trust \(RAA\): Not decided yet/);
    assert.match(withProposal.body, /id="agree-1"/);
    assert.match(withProposal.body, /2027-01-20|20 January 2027/);
    const decided = await post('adminA', path, `${path}/proposals/1/decisions`, [
      ['party', orgA],
      ['decision', 'agree'],
    ]);
    assert.equal(decided.statusCode, 303);
    assert.match((await get(path, 'adminA')).body, /Alder Community Health NHS Trust \(RAA\): Agreed on/);

    // The ICB marks it agreed: public from then on, the open proposal still with those involved.
    const agreed = await post('systemLeadA', path, `${path}/status`, [['status', 'agreed']]);
    assert.equal(agreed.statusCode, 303);
    const publicPage = await get(path);
    assert.equal(publicPage.statusCode, 200);
    assert.match(publicPage.body, /CONTROL-TOTAL-DRAFT/);
    assert.ok(
      !publicPage.body.includes('Winter beds cost Alder'),
      'an open proposal stays with those involved',
    );
    const again = await post('systemLeadA', path, `${path}/status`, [['status', 'agreed']]);
    assert.equal(again.statusCode, 409);
  });

  it('answers the JSON API under the same policy, listing by ICB', async () => {
    const cookie = await cookieOf('systemLeadA');
    const page = await getWithCsrf(app, '/systems/QAA/risk-sharing', cookie);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/risk-sharing-agreements',
      headers: { cookie, 'x-csrf-token': page.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify({
        icb: 'QAA',
        title: 'API draft',
        baseline: 'API-BASELINE',
        rule: 'described',
        parties: [orgA, { org: orgC, share: 'by beds' }],
      }),
    });
    assert.equal(created.statusCode, 422);
    assert.deepEqual(created.json().error.details, [
      'ruleDescription: Describe how the parties share the risk',
    ]);
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/risk-sharing-agreements',
      headers: { cookie, 'x-csrf-token': page.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify({
        icb: 'QAA',
        title: 'API draft',
        baseline: 'API-BASELINE',
        rule: 'described',
        ruleDescription: 'By occupied beds.',
        parties: [orgA, { org: orgC, share: 'by beds' }],
      }),
    });
    assert.equal(made.statusCode, 201, made.body);
    const { agreement } = made.json();
    assert.equal(agreement.status, 'draft');
    assert.deepEqual(
      agreement.parties.map((party: { code: string; share: string | null }) => [party.code, party.share]),
      [
        [orgA, null],
        [orgC, 'by beds'],
      ],
    );
    assert.equal(agreement.permissions.agree, true);
    const anonymousOne = await app.inject({ url: `/api/v1/risk-sharing-agreements/${agreement.id}` });
    assert.equal(anonymousOne.statusCode, 404);
    const anonymousList = await app.inject({ url: '/api/v1/risk-sharing-agreements?icb=QAA' });
    assert.deepEqual(
      anonymousList.json().agreements.map((each: { title: string }) => each.title),
      ['Alder and Cedar share 2026/27'],
      'only the agreed one',
    );
    const leadList = await app.inject({
      url: '/api/v1/risk-sharing-agreements?icb=qaa',
      headers: { cookie },
    });
    assert.equal(leadList.json().agreements.length, 2);
    const bad = await app.inject({ url: '/api/v1/risk-sharing-agreements?icb=no!' });
    assert.equal(bad.statusCode, 400);
  });
});

describe(`the demo's risk-sharing agreement (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
    app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('is a draft for Kent and Medway between four of its trusts, marked as invented, its proposal’s learning partnership the demo’s peer review', async () => {
    const demo = { db: store.db, actor: operator('demo'), clock: () => new Date() };
    const { peerReviewId } = await createDemoPeerReviews(demo);
    const { agreementId } = await createDemoRiskSharing(demo, { peerReviewId });
    await addPerson(store, 'lead.qks@example.nhs.uk', [
      { role: 'system-lead', scopeKind: 'system', scopeCode: 'QKS' },
    ]);
    const cookie = await signIn(app, 'lead.qks@example.nhs.uk');
    assert.equal((await app.inject({ url: `/risk-sharing/${agreementId}` })).statusCode, 404, 'a draft');
    const page = await app.inject({ url: `/risk-sharing/${agreementId}`, headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /id="example-marking"><strong class="nhsuk-tag nhsuk-tag--orange">Example – invented<\/strong>/,
    );
    for (const code of ['RYY', 'RVV', 'RWF', 'RPA']) assert.match(page.body, new RegExp(`\\(${code}\\)`));
    assert.match(page.body, /In proportion to each party’s population need/);
    assert.match(page.body, new RegExp(`Learning partnership: <a href="/peer-reviews/${peerReviewId}">`));
    assert.match(page.body, /supports KENT COMMUNITY HEALTH NHS FOUNDATION TRUST \(RYY\): £350k/i);
    const system = await app.inject({ url: '/systems/QKS', headers: { cookie } });
    assert.match(system.body, /id="system-risk-sharing-list"[\s\S]*Example – invented/);
  });
});
