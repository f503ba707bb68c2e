import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  everyReader,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { addPerson, cookiesFrom, csrfTokenIn, signIn } from '../../../test/helpers/people.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { upsertOrganisations } from '../../store/repos/organisation-repo.ts';
import { readStoreVersion } from '../../store/repos/version-repo.ts';
import { buildApp } from '../../web/app.ts';
import { demoTrusts } from '../demo-accounts.ts';
import { createDemoListening } from './demo.ts';
import { getListening, listListening } from './read.ts';
import { createListening, publishListening, reportBackListening } from './write.ts';

/**
 * Listening inquiries: draft → published → reported back; published themes public, drafts and raw
 * notes the convenor's writers' only, quotes public only with consent once published, report back
 * overdue when the date passes, every field problem at once.
 */

const monday = new Date('2026-12-07T10:00:00Z');
const rawNotes = 'RAW-NOTES-ONLY-THE-CONVENOR';
const secretQuote = 'A QUOTE WITHOUT CONSENT';

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

const inquiryInput = {
  convenor: orgA,
  question: 'What is working in discharge, and what is not?',
  participants: [
    { group: 'staff', count: 12, roles: 'ward nurses, porters' },
    { group: 'families', count: 4 },
  ],
  themes: ['Equipment arrives late', 'Families hear the date late'],
  quotes: [
    { text: 'The bed came a week after I did.', speaker: 'a patient', consent: true },
    { text: secretQuote, speaker: 'a nurse', consent: false },
  ],
  orgs: [orgB],
  metrics: ['ae-4hr-type1'],
  whatWillChange: 'Order equipment on the day the date is set.',
  rawNotes,
};

describe(`listening inquiries (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  let now = monday;
  const clock = () => now;
  const as = (actor: Actor) => contextFor(store, actor, clock);

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    now = monday;
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });
  after(async () => {
    await store.close();
  });

  it('keeps a draft for the convenor’s writers, publishes it for everyone, and never shows raw notes or unconsented quotes beyond them', async () => {
    const draft = await createListening(as(people.contributorA.actor), inquiryInput);
    assert.equal(draft.state, 'draft');
    const readersOf = async () => {
      const readers: string[] = [];
      for (const { name, actor } of everyReader(people)) {
        const listed = (await listListening(as(actor))).some((each) => each.id === draft.id);
        let read = false;
        try {
          const detail = await getListening(as(actor), draft.id);
          read = true;
          const writer = ['operator', 'contributorA', 'adminA'].includes(name);
          assert.equal(detail.rawNotes, writer ? rawNotes : null, name);
          assert.equal(
            detail.quotes.some((quote) => quote.text === secretQuote),
            writer,
            `${name}: a quote without consent`,
          );
        } catch (error) {
          assert.ok(error instanceof AppError && error.code === 'NOT_FOUND', name);
        }
        assert.equal(listed, read, `${name}: the list and the page agree`);
        if (read) readers.push(name);
      }
      return readers.sort();
    };
    assert.deepEqual(await readersOf(), ['adminA', 'contributorA', 'operator']);
    await publishListening(as(people.adminA.actor), draft.id, { reportBackBy: '2027-03-01' });
    assert.equal((await readersOf()).length, everyReader(people).length, 'published: everyone reads it');
    const seen = await getListening(as(anonymous), draft.id);
    assert.deepEqual(seen.themes, inquiryInput.themes);
    assert.deepEqual(
      seen.quotes.map((quote) => quote.text),
      ['The bed came a week after I did.'],
    );
    assert.equal(seen.participantCount, 16);
    assert.deepEqual(seen.orgCodes, [orgB]);
    assert.deepEqual(seen.metricIds, ['ae-4hr-type1']);
    // It is listed on the pages of the organisations and metrics it concerns, and of its convenor.
    for (const filter of [{ orgCode: orgA }, { orgCode: orgB }, { metricId: 'ae-4hr-type1' }])
      assert.equal((await listListening(as(anonymous), filter)).length, 1, JSON.stringify(filter));
    assert.equal((await listListening(as(anonymous), { metricId: 'other' })).length, 0);
    const audit = JSON.stringify(await listAuditEntries(store.db, { everything: true, orgCodes: [] }, {}));
    assert.ok(
      !audit.includes(rawNotes) && !audit.includes(secretQuote),
      'the audit log counts, never copies',
    );
  });

  it('lets only the convenor’s writers record, publish and report back', async () => {
    for (const name of [
      'memberA',
      'contributorB',
      'nationalOversight',
      'oversightRegionA',
      'facilitator',
    ] as const)
      await assert.rejects(
        createListening(as(people[name].actor), inquiryInput),
        rejectsWith('FORBIDDEN'),
        name,
      );
    await assert.rejects(createListening(as(anonymous), inquiryInput), rejectsWith('UNAUTHENTICATED'));
    const draft = await createListening(as(people.contributorA.actor), inquiryInput);
    await assert.rejects(
      publishListening(as(people.memberA.actor), draft.id, { reportBackBy: '2027-03-01' }),
      rejectsWith('NOT_FOUND'),
      'a member does not see the draft',
    );
    await publishListening(as(people.contributorA.actor), draft.id, { reportBackBy: '2027-03-01' });
    await assert.rejects(
      reportBackListening(as(people.memberA.actor), draft.id, { reportBack: 'x' }),
      rejectsWith('FORBIDDEN'),
    );
    await assert.rejects(
      publishListening(as(people.contributorA.actor), draft.id, { reportBackBy: '2027-03-01' }),
      rejectsWith('CONFLICT'),
    );
    // An ICB convenes a listening assembly through its system lead; a trust cannot hold one.
    const assembly = await createListening(as(people.systemLeadA.actor), {
      ...inquiryInput,
      convenor: 'QAA',
      kind: 'assembly',
    });
    assert.equal(assembly.kind, 'assembly');
    await assert.rejects(
      createListening(as(people.contributorA.actor), { ...inquiryInput, kind: 'assembly' }),
      rejectsWith('VALIDATION_FAILED', (error) => assert.match(error.details.join(), /^kind: /)),
    );
  });

  it('needs a future report-back date to publish, shows report back overdue once it passes, and reports back', async () => {
    const draft = await createListening(as(people.adminA.actor), {
      ...inquiryInput,
      reportBackBy: '2026-12-07',
    });
    await assert.rejects(
      publishListening(as(people.adminA.actor), draft.id, {}),
      rejectsWith('VALIDATION_FAILED', (error) => assert.match(error.details[0], /^reportBackBy: .*future/)),
      'today is not in the future',
    );
    await publishListening(as(people.adminA.actor), draft.id, { reportBackBy: '2026-12-20' });
    assert.equal((await getListening(as(anonymous), draft.id)).reportBackOverdue, false);
    now = new Date('2026-12-21T09:00:00Z');
    assert.equal((await getListening(as(anonymous), draft.id)).reportBackOverdue, true);
    assert.equal((await listListening(as(anonymous)))[0].reportBackOverdue, true);
    const versionBefore = await readStoreVersion(store.db);
    await reportBackListening(as(people.adminA.actor), draft.id, {
      reportBack: 'Equipment now comes first.',
    });
    const after = await getListening(as(anonymous), draft.id);
    assert.equal(after.state, 'reported_back');
    assert.equal(after.reportBackText, 'Equipment now comes first.');
    assert.equal(after.reportBackOverdue, false);
    assert.equal((await readStoreVersion(store.db)).data, versionBefore.data, 'not a data change');
  });

  it('lists every field problem at once', async () => {
    await assert.rejects(
      createListening(as(people.contributorA.actor), {
        convenor: orgA,
        question: '',
        participants: [{ group: 'aliens', count: -1 }],
        quotes: [{ text: 'no consent said' }],
        orgs: ['NOPE1'],
        reportBackBy: '2026-02-30',
      }),
      rejectsWith('VALIDATION_FAILED', (error) => {
        const fields = error.details.map((detail) => detail.slice(0, detail.indexOf(':')));
        assert.deepEqual(fields, ['question', 'participants', 'quotes', 'orgs', 'reportBackBy']);
      }),
    );
  });

  it('seeds the demo’s example, published with its themes', async () => {
    await upsertOrganisations(
      store.db,
      [
        {
          code: demoTrusts.home,
          name: 'Kent Community Health NHS Foundation Trust',
          kind: 'trust',
          authority: 'replace',
        },
      ],
      'test',
    );
    const started = performance.now();
    const { inquiryId } = await createDemoListening(contextFor(store, operator('demo'), clock));
    assert.ok(performance.now() - started < 1_000, 'quick enough for the demo build');
    const example = await getListening(as(anonymous), inquiryId);
    assert.equal(example.isExample, true);
    assert.equal(example.state, 'published');
    assert.ok(example.themes.length >= 3);
    assert.ok(example.quotes.every((quote) => quote.consent));
    assert.equal(example.rawNotes, null);
  });

  it('records, publishes and shows an inquiry through the pages, and a capability self-assessment beside it', async () => {
    const app = await buildApp({ store, config: { logLevel: 'silent' }, signInPerMinute: 1_000 });
    try {
      await addPerson(store, 'web.writer@example.nhs.uk', [
        { role: 'contributor', scopeKind: 'organisation', scopeCode: orgA },
      ]);
      const cookie = await signIn(app, 'web.writer@example.nhs.uk');
      const post = async (url: string, fields: Record<string, string>) => {
        const page = await app.inject({ url: '/listening', headers: { cookie } });
        return app.inject({
          method: 'POST',
          url,
          headers: { cookie: cookiesFrom(page, cookie), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ ...fields, _csrf: csrfTokenIn(page.body) }).toString(),
        });
      };
      const refused = await post('/listening', { convenor: orgA, question: '', staffCount: 'many' });
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /Enter the question you are asking/);
      assert.match(refused.body, /whole number/);
      const created = await post('/listening', {
        convenor: orgA,
        kind: 'inquiry',
        question: 'What is working in discharge, and what is not?',
        staffCount: '8',
        staffRoles: 'nurses',
        familiesCount: '3',
        themes: 'Equipment arrives late\nFamilies hear late',
        quotes: 'The bed came late — a patient\nWe hear on Friday — a carer',
        quotesConsent: 'yes',
        orgs: orgB,
        metrics: 'ae-4hr-type1',
        rawNotes,
      });
      assert.equal(created.statusCode, 303, created.body.slice(0, 400));
      const href = String(created.headers.location);
      const own = await app.inject({ url: href, headers: { cookie } });
      assert.match(own.body, new RegExp(rawNotes));
      assert.match(own.body, /We hear on Friday/);
      assert.equal((await app.inject(href)).statusCode, 404, 'a draft is not public');
      assert.equal((await post(`${href}/publish`, { reportBackBy: '2099-01-01' })).statusCode, 303);
      const publicPage = await app.inject(href);
      assert.equal(publicPage.statusCode, 200);
      assert.match(publicPage.body, /Families hear late/);
      assert.match(publicPage.body, /a carer/);
      assert.ok(!publicPage.body.includes(rawNotes));
      assert.match((await app.inject(`/organisations/${orgB}`)).body, /What is working in discharge/);
      const form: Record<string, string> = { assessedOn: '2026-11-30' };
      for (const component of [
        'shared_purpose',
        'people_and_culture',
        'leadership',
        'capability_and_capacity',
        'management_systems',
      ]) {
        form[`${component}_level`] = '2';
        form[`${component}_evidence`] = `Evidence of ${component}`;
        form[`${component}_support`] = component === 'leadership' ? 'Coaching for the board' : '';
      }
      const recorded = await post(`/organisations/${orgA}/capability`, form);
      assert.equal(recorded.statusCode, 303, recorded.body.slice(0, 400));
      const organisation = await app.inject({ url: `/organisations/${orgA}`, headers: { cookie } });
      assert.match(organisation.body, /Capability \(self-assessed\) — does not affect the segment/);
      assert.match(organisation.body, /Coaching for the board/);
      assert.ok(!(await app.inject(`/organisations/${orgA}`)).body.includes('Coaching for the board'));
    } finally {
      await app.close();
    }
  });
});
