import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadUserActor } from '../../src/app/accounts/actor.ts';
import { createAnnotation } from '../../src/app/annotations/create.ts';
import {
  addInquiryFactor,
  addInquiryNote,
  inviteInquiry,
  openInquiry,
} from '../../src/app/inquiries/write.ts';
import {
  createNarrative,
  editNarrative,
  publishNarrative,
  withdrawNarrative,
} from '../../src/app/narratives/write.ts';
import { createTeam, createTeamIndicator, enterTeamValues } from '../../src/app/teams/write.ts';
import { operator } from '../../src/policies/actor.ts';
import type { Store } from '../../src/store/db.ts';
import { organisationContext } from '../../src/store/repos/organisation-repo.ts';
import { setSignalStatus, upsertSignalEpisodes } from '../../src/store/repos/signal-repo.ts';
import { readStoreVersion } from '../../src/store/repos/version-repo.ts';
import { buildApp } from '../../src/web/app.ts';
import { openLoadedStore, webTestFiles } from '../helpers/loaded-store.ts';
import { addPerson, cookiesFrom, csrfTokenIn, signIn } from '../helpers/people.ts';
import { testBackend } from '../helpers/test-store.ts';

/**
 * Every route × every role, and canary strings in confidential content across every surface.
 *
 * Organisation A is RJ1 (Guy's and St Thomas'), B is RYY (Kent Community Health); the roles are
 * anonymous; member, contributor and admin of A and of B; the system lead of A's ICB; oversight of
 * A's region; national oversight; an improvement facilitator. Who may read what is written out by
 * hand below from the rules — never computed with the policy code under test.
 *
 * The route list comes from the app itself, so a new route without a fixture here fails the test.
 */

const A = 'RJ1';
const B = 'RYY';
const metricA = 'ae-4hr-type1';
const quarter = 'Q4 2025/26';

type Role =
  | 'anonymous'
  | 'memberA'
  | 'contributorA'
  | 'adminA'
  | 'memberB'
  | 'contributorB'
  | 'adminB'
  | 'systemLeadA'
  | 'oversightRegionA'
  | 'oversightEngland'
  | 'facilitator';
const roles: readonly Role[] = [
  'anonymous',
  'memberA',
  'contributorA',
  'adminA',
  'memberB',
  'contributorB',
  'adminB',
  'systemLeadA',
  'oversightRegionA',
  'oversightEngland',
  'facilitator',
];
const peopleOfA: readonly Role[] = ['memberA', 'contributorA', 'adminA'];
const writersOfA: readonly Role[] = ['contributorA', 'adminA'];
const overseersOfA: readonly Role[] = [...peopleOfA, 'systemLeadA', 'oversightRegionA', 'oversightEngland'];
/** Those who may invite A into an inquiry: its system lead, oversight of its region, national oversight. */
const invitersOfA: readonly Role[] = ['systemLeadA', 'oversightRegionA', 'oversightEngland'];

const run = crypto.randomBytes(4).toString('hex');
/** Confidential strings, each with the roles that may see it. */
const canaries = {
  narrativeDraft: { text: `CANARY-NARRATIVE-DRAFT-${run}`, readers: peopleOfA },
  narrativeOrganisation: { text: `CANARY-NARRATIVE-ORG-${run}`, readers: overseersOfA },
  narrativeNamed: { text: `CANARY-NARRATIVE-NAMED-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  narrativeWithdrawn: { text: `CANARY-NARRATIVE-WITHDRAWN-${run}`, readers: peopleOfA },
  earlierDraftVersion: { text: `CANARY-EARLIER-VERSION-${run}`, readers: peopleOfA },
  annotationDraft: { text: `CANARY-ANNOTATION-DRAFT-${run}`, readers: peopleOfA },
  annotationOrganisation: { text: `CANARY-ANNOTATION-ORG-${run}`, readers: overseersOfA },
  teamIndicatorName: { text: `CANARY-TEAM-INDICATOR-${run}`, readers: overseersOfA },
  teamIndicatorWhy: { text: `CANARY-TEAM-WHY-${run}`, readers: overseersOfA },
  teamValueNote: { text: `CANARY-TEAM-VALUE-${run}`, readers: overseersOfA },
  teamAnnotation: { text: `CANARY-TEAM-ANNOTATION-${run}`, readers: overseersOfA },
  teamNarrative: { text: `CANARY-TEAM-NARRATIVE-${run}`, readers: overseersOfA },
  inquiryOrganisation: { text: `CANARY-INQUIRY-ORG-${run}`, readers: overseersOfA },
  inquiryNamed: { text: `CANARY-INQUIRY-NAMED-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  inquiryInvited: { text: `CANARY-INQUIRY-INVITED-${run}`, readers: overseersOfA },
  inquiryNote: { text: `CANARY-INQUIRY-NOTE-${run}`, readers: overseersOfA },
  inquiryFactor: { text: `CANARY-INQUIRY-FACTOR-${run}`, readers: overseersOfA },
  signalNote: { text: `CANARY-SIGNAL-NOTE-${run}`, readers: overseersOfA },
  // directory canaries
  directoryInvitedTitle: {
    text: `CANARY-DIRECTORY-INVITED-${run}`,
    readers: [...peopleOfA, 'facilitator', 'oversightEngland'] as Role[],
  },
  directoryInvitedWhat: {
    text: `CANARY-DIRECTORY-WHAT-${run}`,
    readers: [...peopleOfA, 'facilitator', 'oversightEngland'] as Role[],
  },
  directorySignedInEmail: {
    text: `canary-directory-${run}@example.org`,
    readers: roles.filter((role) => role !== 'anonymous') as Role[],
  },
  // reviews canaries
  reviewNotes: { text: `CANARY-REVIEW-NOTES-${run}`, readers: overseersOfA },
  reviewAction: { text: `CANARY-REVIEW-ACTION-${run}`, readers: overseersOfA },
  // follow-ups canaries
  followUpAnswer: { text: `CANARY-FOLLOW-UP-ANSWER-${run}`, readers: overseersOfA },
  inboxBody: { text: `CANARY-INBOX-BODY-${run}`, readers: ['contributorA'] as Role[] },
  outboxSubject: { text: `CANARY-OUTBOX-SUBJECT-${run}`, readers: ['contributorA'] as Role[] },
  // escalations canaries
  // circles canaries
  circleName: { text: `CANARY-CIRCLE-NAME-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  circleThemes: { text: `CANARY-CIRCLE-THEMES-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  circleNotes: { text: `CANARY-CIRCLE-NOTES-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  journalPrivate: { text: `CANARY-JOURNAL-PRIVATE-${run}`, readers: ['contributorA'] as Role[] },
  journalShared: { text: `CANARY-JOURNAL-SHARED-${run}`, readers: ['contributorA', 'memberB'] as Role[] },
  // listening canaries
  listeningDraft: { text: `CANARY-LISTENING-DRAFT-${run}`, readers: writersOfA },
  listeningRawNotes: { text: `CANARY-LISTENING-RAW-NOTES-${run}`, readers: writersOfA },
  listeningQuote: { text: `CANARY-LISTENING-QUOTE-${run}`, readers: writersOfA },
  listeningPublished: { text: `LISTENING-PUBLISHED-${run}`, readers: roles },
  // capability canaries
  capabilityEvidence: { text: `CANARY-CAPABILITY-EVIDENCE-${run}`, readers: overseersOfA },
  capabilitySupport: { text: `CANARY-CAPABILITY-SUPPORT-${run}`, readers: overseersOfA },
  // boards canaries
  boardMemberName: { text: `CANARY-BOARD-MEMBER-NAME-${run}`, readers: ['adminA'] as Role[] },
  boardDraft: { text: `CANARY-BOARD-DRAFT-${run}`, readers: ['contributorA'] as Role[] },
  boardInModeration: {
    text: `CANARY-BOARD-MODERATION-${run}`,
    readers: ['contributorA', 'facilitator'] as Role[],
  },
  boardRestrictedBody: {
    text: `CANARY-BOARD-RESTRICTED-${run}`,
    readers: ['contributorA', 'facilitator'] as Role[],
  },
  boardPublished: { text: `BOARD-PUBLISHED-${run}`, readers: roles },
  // peer reviews canaries
  peerQuestions: { text: `CANARY-PEER-QUESTIONS-${run}`, readers: [...peopleOfA, 'memberB'] as Role[] },
  peerMemberName: { text: `CANARY-PEER-MEMBER-${run}`, readers: [...peopleOfA, 'memberB'] as Role[] },
  peerFinding: { text: `CANARY-PEER-FINDING-${run}`, readers: [...peopleOfA, 'memberB'] as Role[] },
  peerAction: { text: `CANARY-PEER-ACTION-${run}`, readers: [...peopleOfA, 'memberB'] as Role[] },
  peerPublicFinding: { text: `PEER-PUBLIC-FINDING-${run}`, readers: roles },
  // risk-sharing canaries: a draft agreement's baseline and an open proposal's reason stay with those
  // involved (A's people, A's ICB's lead, oversight of A's region, national oversight).
  riskSharingDraftBaseline: { text: `CANARY-RISK-BASELINE-${run}`, readers: overseersOfA },
  riskSharingOpenWhy: { text: `CANARY-RISK-WHY-${run}`, readers: overseersOfA },
  riskSharingAgreedBaseline: { text: `RISK-AGREED-BASELINE-${run}`, readers: roles },
  escalationTitle: {
    text: `CANARY-ESCALATION-TITLE-${run}`,
    readers: [...peopleOfA, 'oversightRegionA'] as Role[],
  },
  escalationBody: {
    text: `CANARY-ESCALATION-BODY-${run}`,
    readers: [...peopleOfA, 'oversightRegionA'] as Role[],
  },
  escalationToIcb: { text: `CANARY-ESCALATION-ICB-${run}`, readers: [...peopleOfA, 'systemLeadA'] as Role[] },
} as const;
/** Published public content everyone must see: the control that proves the surfaces show content. */
const publicNarrative = `PUBLIC-NARRATIVE-${run}`;
const publicAnnotation = `PUBLIC-ANNOTATION-${run}`;
const publicTeamIndicator = `PUBLIC-TEAM-INDICATOR-${run}`;
/** A team of A, with an organisation-only indicator (the canaries) and a public one (the control). */
const teamA = `${A}T01`;
const teamMetrics = { private: `team.${teamA}.private-measure`, public: `team.${teamA}.public-measure` };
const publicInquiry = `PUBLIC-INQUIRY-${run}`;
const publicSignalNote = `PUBLIC-SIGNAL-NOTE-${run}`;
/** Signals: one on A's public chart and one on the team's organisation-only indicator, each with a note. */
const signalIds = { public: 0, private: 0 };

describe(`every route as every role, and confidential content on every surface (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const cookies = new Map<Role, string>();
  const ids: Record<string, number> = {};
  const inquiryIds: Record<string, number> = {};
  let icbOfA = '';
  let regionOfA = '';

  before(async () => {
    store = await openLoadedStore(webTestFiles);
    app = await buildApp({
      store,
      config: { logLevel: 'silent' },
      signInPerMinute: 10_000,
      rateLimitPerMinute: 1_000_000,
    });
    const contextA = await organisationContext(store.db, A);
    assert.ok(contextA?.icbCodes.length && contextA.regionCodes.length, 'A has an ICB and a region');
    icbOfA = contextA.icbCodes[0];
    regionOfA = contextA.regionCodes[0];
    const grants: Record<Exclude<Role, 'anonymous'>, Parameters<typeof addPerson>[2]> = {
      memberA: [{ role: 'member', scopeKind: 'organisation', scopeCode: A }],
      contributorA: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: A }],
      adminA: [{ role: 'admin', scopeKind: 'organisation', scopeCode: A }],
      memberB: [{ role: 'member', scopeKind: 'organisation', scopeCode: B }],
      contributorB: [{ role: 'contributor', scopeKind: 'organisation', scopeCode: B }],
      adminB: [{ role: 'admin', scopeKind: 'organisation', scopeCode: B }],
      systemLeadA: [{ role: 'system-lead', scopeKind: 'system', scopeCode: icbOfA }],
      oversightRegionA: [{ role: 'oversight', scopeKind: 'region', scopeCode: contextA.regionCodes[0] }],
      oversightEngland: [{ role: 'oversight', scopeKind: 'england' }],
      facilitator: [{ role: 'facilitator', scopeKind: 'none' }],
    };
    const userIds = new Map<Role, number>();
    for (const [role, roleGrants] of Object.entries(grants) as [
      Exclude<Role, 'anonymous'>,
      typeof grants.memberA,
    ][]) {
      userIds.set(role, await addPerson(store, `${role.toLowerCase()}@example.nhs.uk`, roleGrants));
      cookies.set(role, await signIn(app, `${role.toLowerCase()}@example.nhs.uk`));
    }
    const author = await loadUserActor(
      store.db,
      userIds.get('contributorA') as number,
      new Date(),
      'session',
    );
    assert.ok(author);
    const as = { db: store.db, actor: author, clock: () => new Date() };
    const narrative = async (key: string, fields: Record<string, unknown>) => {
      ids[key] = (
        await createNarrative(as, {
          org: A,
          metric: metricA,
          kind: 'metric_commentary',
          body: `Body of ${fields.title}`,
          visibility: 'organisation',
          status: 'published',
          ...fields,
        })
      ).id;
    };
    await narrative('draft', { title: canaries.narrativeDraft.text, status: 'draft' });
    await narrative('organisation', { title: canaries.narrativeOrganisation.text });
    await narrative('named', {
      title: canaries.narrativeNamed.text,
      visibility: 'named',
      readers: ['memberb@example.nhs.uk'],
    });
    await narrative('withdrawn', { title: canaries.narrativeWithdrawn.text, visibility: 'public' });
    await withdrawNarrative(as, ids.withdrawn);
    await narrative('versions', {
      title: 'A commentary that began as a private draft',
      body: `Early thoughts: ${canaries.earlierDraftVersion.text}`,
      status: 'draft',
    });
    await editNarrative(as, ids.versions, {
      body: 'What the chart shows, for everyone.',
      visibility: 'public',
      baseVersion: 1,
    });
    await publishNarrative(as, ids.versions);
    await narrative('public', { title: publicNarrative, visibility: 'public' });
    const annotation = async (key: string, fields: { text: string; visibility: string; status: string }) => {
      ids[key] = (
        await createAnnotation(as, { org: A, metric: metricA, date: '2024-09-01', kind: 'event', ...fields })
      ).id;
    };
    await annotation('annotationDraft', {
      text: canaries.annotationDraft.text,
      visibility: 'public',
      status: 'draft',
    });
    await annotation('annotationOrganisation', {
      text: canaries.annotationOrganisation.text,
      visibility: 'organisation',
      status: 'published',
    });
    await annotation('annotationPublic', {
      text: publicAnnotation,
      visibility: 'public',
      status: 'published',
    });
    // Inquiries: organisation only (with a note and a factor tagged to A's ICB), named, a public
    // invitation not yet accepted, and a public one everyone reads.
    const inquiry = async (key: string, fields: Record<string, unknown>) => {
      inquiryIds[key] = (
        await openInquiry(as, { org: A, metric: metricA, visibility: 'organisation', ...fields })
      ).id;
    };
    await inquiry('organisation', { title: canaries.inquiryOrganisation.text });
    await addInquiryNote(as, inquiryIds.organisation, { noteText: canaries.inquiryNote.text });
    await addInquiryFactor(as, inquiryIds.organisation, {
      factor: canaries.inquiryFactor.text,
      control: 'partner',
      partner: icbOfA,
    });
    await inquiry('named', {
      title: canaries.inquiryNamed.text,
      visibility: 'named',
      readers: ['memberb@example.nhs.uk'],
    });
    await inquiry('public', { title: publicInquiry, visibility: 'public' });
    const overseer = await loadUserActor(
      store.db,
      userIds.get('oversightRegionA') as number,
      new Date(),
      'session',
    );
    assert.ok(overseer);
    inquiryIds.invited = (
      await inviteInquiry(
        { ...as, actor: overseer },
        { org: A, metric: metricA, title: canaries.inquiryInvited.text, visibility: 'public' },
      )
    ).id;
    // A team of A with its own indicators: organisation only (name, why and a value's note are
    // canaries) and public; 24 monthly values each.
    const operatorContext = { db: store.db, actor: operator('test'), clock: () => new Date() };
    assert.equal((await createTeam(operatorContext, { org: A, name: 'Maternity' })).code, teamA);
    for (const [slug, name, visibility] of [
      ['private-measure', canaries.teamIndicatorName.text, 'organisation'],
      ['public-measure', publicTeamIndicator, 'public'],
    ] as const) {
      await createTeamIndicator(operatorContext, teamA, {
        name,
        slug,
        definition: 'Women seen by a midwife they had met before.',
        unit: '%',
        direction: 'higher_is_better',
        whyItMatters: slug === 'private-measure' ? canaries.teamIndicatorWhy.text : 'Continuity matters.',
        visibility,
      });
      await enterTeamValues({ ...operatorContext, store }, teamA, slug, [
        ...Array.from({ length: 24 }, (_, index) => ({
          period: `${2023 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`,
          // The organisation-only one shifts up at the end: a signal, listed with the indicator's name.
          value: slug === 'private-measure' && index >= 16 ? 80 + (index % 3) : 60 + (index % 7),
          note: index === 23 && slug === 'private-measure' ? canaries.teamValueNote.text : null,
        })),
      ]);
    }
    // A public, published note on the organisation-only indicator: read only with the indicator.
    ids.annotationTeam = (
      await createAnnotation(operatorContext, {
        org: teamA,
        metric: teamMetrics.private,
        date: '2023-06-01',
        kind: 'event',
        text: canaries.teamAnnotation.text,
        visibility: 'public',
        status: 'published',
      })
    ).id;
    // A public, published narrative about the organisation-only indicator: read only with the indicator.
    ids.narrativeTeam = (
      await createNarrative(operatorContext, {
        org: teamA,
        metric: teamMetrics.private,
        kind: 'metric_commentary',
        title: canaries.teamNarrative.text,
        body: 'What the team’s own measure shows.',
        visibility: 'public',
        status: 'published',
      })
    ).id;
    // Signals, written as the computation writes them, each given a note as a person would.
    for (const [key, orgCode, metricId, note] of [
      ['public', A, metricA, publicSignalNote],
      ['private', teamA, teamMetrics.private, canaries.signalNote.text],
    ] as const) {
      await upsertSignalEpisodes(
        store.db,
        [
          {
            orgCode,
            metricId,
            kind: 'data_question',
            firstDate: '2001-01-01',
            latestDate: '2001-01-01',
            points: 1,
            latestValue: 1,
            detail: 'A question about the data.',
          },
        ],
        new Date(),
      );
      const { id } = await store.db
        .selectFrom('signal')
        .select('id')
        .where('org_code', '=', orgCode)
        .where('metric_id', '=', metricId)
        .where('first_date', '=', '2001-01-01')
        .executeTakeFirstOrThrow();
      signalIds[key] = id;
      await setSignalStatus(store.db, id, 'data_question', note, new Date());
    }
    // directory setup
    // Directory entries of A: 1 nominated by A and invited (the canaries), 2 published with a contact
    // whose email only signed-in people may see.
    const directory = await import('../../src/app/directory/write.ts');
    const curator = { db: store.db, actor: operator('test'), clock: () => new Date() };
    const invitedEntry = await directory.createEntry(as, {
      org: A,
      metrics: [metricA],
      title: canaries.directoryInvitedTitle.text,
      what_they_did: canaries.directoryInvitedWhat.text,
    });
    await directory.inviteEntry(curator, invitedEntry.id, { version: invitedEntry.version });
    const publishedEntry = await directory.createEntry(curator, {
      org: A,
      metrics: [metricA],
      title: 'A published directory entry',
      what_they_did: 'What they did, for everyone to read.',
    });
    await directory.addContact(curator, publishedEntry.id, {
      name: 'Pat Example',
      role: 'Flow lead',
      email: canaries.directorySignedInEmail.text,
      consent_scope: 'signed_in',
      consent_recorded_on: '2026-01-01',
      review_by: '2099-01-01',
    });
    await directory.publishEntry(curator, publishedEntry.id, { version: publishedEntry.version });
    assert.deepEqual([invitedEntry.id, publishedEntry.id], [1, 2]);
    // reviews setup
    // Reviews (the first three of a fresh store): 1, a held review of A by its region whose notes and
    // agreed action are canaries; 2, A's next review, whose pack carries 1's action; 3, a review of B.
    const { planReview, recordReviewMeeting } = await import('../../src/app/reviews/write.ts');
    const asRegionA = { ...as, actor: overseer };
    const reviewOfA = await planReview(asRegionA, { org: A, quarter: 'Q3 2026/27', overseer: regionOfA });
    await recordReviewMeeting(asRegionA, reviewOfA.id, {
      heldOn: '2026-11-02',
      notes: canaries.reviewNotes.text,
      actions: [
        {
          description: canaries.reviewAction.text,
          ownerSide: 'organisation',
          ownerEmail: 'contributora@example.nhs.uk',
          due: '2026-12-01',
        },
      ],
    });
    const nextOfA = await planReview(asRegionA, { org: A, quarter: 'Q4 2026/27', overseer: regionOfA });
    const reviewOfB = await planReview(operatorContext, { org: B, quarter: 'Q3 2026/27' });
    assert.deepEqual([reviewOfA.id, nextOfA.id, reviewOfB.id], [1, 2, 3]);
    // follow-ups setup
    // A review of A by its region (ids from 9101), agreed by oversight of the region; its follow-up
    // answered by A's contributor (the answer a canary); a message in A's contributor's inbox and an
    // email to them, their body and subject canaries.
    const { addReviewFixture } = await import('../helpers/reviews.ts');
    const { answerFollowUp } = await import('../../src/app/follow-ups/answer.ts');
    await addReviewFixture(store, {
      orgCode: A,
      overseerCode: regionOfA,
      heldOn: '2026-01-05',
      followUpOn: '2026-02-16',
      agreedBy: userIds.get('oversightRegionA') ?? null,
      firstId: 9101,
      actions: [{ description: 'Open a discharge lounge', ownerUserId: userIds.get('contributorA') ?? null }],
    });
    await answerFollowUp(as, 9101, { outcome: 'partly', answer: canaries.followUpAnswer.text });
    await store.db
      .insertInto('inbox_message')
      .values({
        id: 9101,
        user_id: userIds.get('contributorA') as number,
        follow_up_id: 9101,
        subject: 'How did it go with opening a discharge lounge?',
        body: canaries.inboxBody.text,
        href: '/follow-ups/9101',
        created_at: new Date(),
      })
      .execute();
    await store.db
      .insertInto('outbox_message')
      .values({
        id: 9101,
        to_address: 'contributora@example.nhs.uk',
        to_user_id: userIds.get('contributorA') as number,
        follow_up_id: 9101,
        subject: canaries.outboxSubject.text,
        text_body: 'How did it go?',
        transport: 'inbox_only',
        created_at: new Date(),
      })
      .execute();
    // escalations setup
    // circles setup
    // Circle 1 of A's contributor and B's member, keeping notes (its name, a meeting's themes and
    // notes canaries); journal entry 1 A's contributor's, private; 2 B's member's, shared into circle 1.
    const circleWrite = await import('../../src/app/circles/write.ts');
    const circle = await circleWrite.createCircle(as, {
      name: canaries.circleName.text,
      whatIsKept: 'notes',
      members: 'memberb@example.nhs.uk',
    });
    await circleWrite.recordCircleMeeting(as, circle.id, {
      metOn: '2026-11-30',
      themes: canaries.circleThemes.text,
      notes: canaries.circleNotes.text,
    });
    const circleMemberB = await loadUserActor(
      store.db,
      userIds.get('memberB') as number,
      new Date(),
      'session',
    );
    assert.ok(circleMemberB);
    const asMemberB = { ...as, actor: circleMemberB };
    const privateEntry = await circleWrite.writeJournalEntry(as, {
      title: 'A private entry',
      body: canaries.journalPrivate.text,
    });
    const sharedEntry = await circleWrite.writeJournalEntry(asMemberB, {
      title: 'A shared entry',
      body: canaries.journalShared.text,
    });
    await circleWrite.shareJournalEntry(asMemberB, sharedEntry.id, { circle: circle.id });
    assert.deepEqual([circle.id, privateEntry.id, sharedEntry.id], [1, 1, 2]);
    const circleAudit = JSON.stringify(
      await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', 'in', ['circle', 'journal_entry'])
        .execute(),
    );
    assert.match(circleAudit, /circle\.record_meeting/);
    for (const canary of [
      canaries.circleName,
      canaries.circleThemes,
      canaries.circleNotes,
      canaries.journalPrivate,
      canaries.journalShared,
    ])
      assert.ok(!circleAudit.includes(canary.text), 'the audit log records that, never what');
    // boards setup
    // A's board 1: A's contributor a member, the facilitator its chair. Commentary 1 a draft, 2 in
    // moderation, 3 published (a control every role sees), 4 restricted (its body a canary).
    const boardWrite = await import('../../src/app/boards/write.ts');
    const board = await boardWrite.createBoard(operatorContext, { org: A, name: 'Values board' });
    const chairActor = await loadUserActor(
      store.db,
      userIds.get('facilitator') as number,
      new Date(),
      'session',
    );
    assert.ok(chairActor);
    const asChair = { ...as, actor: chairActor };
    for (const [role, isChair] of [
      ['contributorA', false],
      ['facilitator', true],
    ] as const)
      await boardWrite.addBoardMember(operatorContext, board.id, {
        name: `Member ${role}`,
        role: 'staff',
        userId: userIds.get(role),
        isChair,
        termFrom: '2020-01-01',
      });
    // A lay member who did not agree to be named: only the board's managers read the name.
    await boardWrite.addBoardMember(operatorContext, board.id, {
      name: canaries.boardMemberName.text,
      role: 'lay',
      termFrom: '2020-01-01',
    });
    const boardText = (text: string, submit: boolean) =>
      boardWrite.writeBoardCommentary(as, board.id, {
        subject: 'a decision',
        title: text,
        body: text,
        submit,
      });
    const boardDraft = await boardText(canaries.boardDraft.text, false);
    const boardModeration = await boardText(canaries.boardInModeration.text, true);
    const boardPublished = await boardText(canaries.boardPublished.text, true);
    await boardWrite.moderateBoardCommentary(asChair, board.id, boardPublished.id, { decision: 'publish' });
    const boardRestricted = await boardWrite.writeBoardCommentary(as, board.id, {
      subject: 'a decision',
      title: 'A restricted commentary',
      body: canaries.boardRestrictedBody.text,
      submit: true,
    });
    await boardWrite.moderateBoardCommentary(asChair, board.id, boardRestricted.id, {
      decision: 'restrict',
      reason: 'It names a member of staff.',
    });
    assert.deepEqual(
      [board.id, boardDraft.id, boardModeration.id, boardPublished.id, boardRestricted.id],
      [1, 1, 2, 3, 4],
    );
    // peer reviews setup
    // A's peer review 1 at its findings stage, 2 published with its report public and its action plan
    // not; B's member an accepted peer on both (named: a canary), a lay member on both.
    const peerWrite = await import('../../src/app/peer-reviews/write.ts');
    const peerActor = await loadUserActor(store.db, userIds.get('memberB') as number, new Date(), 'session');
    assert.ok(peerActor);
    const asPeer = { ...as, actor: peerActor };
    const peerReviewIds: number[] = [];
    for (const published of [false, true]) {
      const review = await peerWrite.createPeerReview(as, {
        org: A,
        title: published ? 'A published peer review' : 'A peer review under way',
        focus: 'service',
        questions: canaries.peerQuestions.text,
        scopingBy: '2026-01-05',
        onSiteFrom: '2026-02-02',
        onSiteTo: '2026-02-03',
      });
      await peerWrite.addPeerTeamMember(as, review.id, {
        name: canaries.peerMemberName.text,
        role: 'lead',
        email: 'memberb@example.nhs.uk',
        memberOrg: B,
      });
      await peerWrite.addPeerTeamMember(as, review.id, { name: 'A lay member', role: 'lay' });
      await peerWrite.confirmOnSiteDays(as, review.id, {});
      await peerWrite.answerPeerInvitation(asPeer, review.id, { decision: 'accept' });
      await peerWrite.recordPeerFinding(asPeer, review.id, {
        theme: 'safe',
        kind: 'finding',
        body: published ? canaries.peerPublicFinding.text : canaries.peerFinding.text,
      });
      if (published)
        await peerWrite.publishPeerReviewReport(as, review.id, {
          summary: 'What the peers found.',
          publicReport: true,
          actions: [{ description: canaries.peerAction.text, owner: 'An owner', dueOn: '2027-01-01' }],
        });
      peerReviewIds.push(review.id);
    }
    assert.deepEqual(peerReviewIds, [1, 2]);
    // listening setup
    // Listening inquiries convened by A, concerning A and its chart: 1 published (its question public,
    // its raw notes and a quote without consent canaries), 2 a draft (its question a canary).
    const listeningWrite = await import('../../src/app/listening/write.ts');
    const listening = (question: string) =>
      listeningWrite.createListening(as, {
        convenor: A,
        question,
        participants: [{ group: 'staff', count: 5, roles: 'nurses' }],
        themes: ['A theme everyone may read'],
        quotes: [
          { text: 'A quote with consent', consent: true },
          { text: canaries.listeningQuote.text, consent: false },
        ],
        orgs: [A],
        metrics: [metricA],
        rawNotes: canaries.listeningRawNotes.text,
        reportBackBy: '2099-01-01',
      });
    const listeningPublished = await listening(canaries.listeningPublished.text);
    await listeningWrite.publishListening(as, listeningPublished.id, {});
    const listeningDraft = await listening(canaries.listeningDraft.text);
    assert.deepEqual([listeningPublished.id, listeningDraft.id], [1, 2]);
    // capability setup
    // A's capability self-assessment: its evidence and support asked for canaries.
    const { recordCapabilityAssessment } = await import('../../src/app/capability/capability.ts');
    const { capabilityComponents } = await import('../../src/domain/capability.ts');
    await recordCapabilityAssessment(
      as,
      A,
      Object.fromEntries(
        capabilityComponents.flatMap((component) => [
          [`${component}_level`, 3],
          [`${component}_evidence`, canaries.capabilityEvidence.text],
          [`${component}_support`, canaries.capabilitySupport.text],
        ]),
      ),
    );
    // Escalations raised by A: 1 directly with its region, 2 with its ICB (the first two of a fresh store).
    const { raiseEscalation } = await import('../../src/app/escalations/write.ts');
    const toRegion = await raiseEscalation(as, {
      org: A,
      recipient: regionOfA,
      topic: 'quality',
      title: canaries.escalationTitle.text,
      body: canaries.escalationBody.text,
    });
    const toIcb = await raiseEscalation(as, {
      org: A,
      recipient: icbOfA,
      topic: 'finance',
      title: canaries.escalationToIcb.text,
      body: 'Agency costs.',
    });
    assert.deepEqual([toRegion.escalation.id, toIcb.escalation.id], [1, 2]);
    // risk-sharing setup
    // Agreements of A's ICB between A and two of its trusts: 1 a draft (its baseline a canary) with a
    // review date and an open proposal naming A; 2 agreed (its baseline public) with an open proposal
    // whose reason is a canary.
    const riskWrite = await import('../../src/app/risk-sharing/write.ts');
    const riskOperator = { db: store.db, actor: operator('test'), clock: () => new Date() };
    const riskAgreement = (baseline: string) =>
      riskWrite.createAgreement(riskOperator, {
        icb: icbOfA,
        title: 'A system risk share',
        baseline,
        rule: 'equally',
        parties: [A, 'RJ2', 'RJZ'],
      });
    const riskDraft = await riskAgreement(canaries.riskSharingDraftBaseline.text);
    await riskWrite.addReviewDate(riskOperator, riskDraft.id, { dueOn: '2099-01-01' });
    await riskWrite.proposeRebalance(riskOperator, riskDraft.id, {
      supporting: 'RJZ',
      supported: A,
      amount: 100,
      why: 'Winter beds.',
    });
    const riskAgreed = await riskAgreement(canaries.riskSharingAgreedBaseline.text);
    await riskWrite.setAgreementStatus(riskOperator, riskAgreed.id, { status: 'agreed' });
    await riskWrite.proposeRebalance(riskOperator, riskAgreed.id, {
      supporting: 'RJ2',
      supported: A,
      amount: 50,
      why: canaries.riskSharingOpenWhy.text,
    });
    assert.deepEqual([riskDraft.id, riskAgreed.id], [1, 2]);
    // groups setup
    // Group 1: A and King's College Hospital (RJZ, in A's region) under shared leadership; public.
    const { createGroup } = await import('../../src/app/groups/write.ts');
    const group = await createGroup(operatorContext, {
      name: 'A shared leadership group',
      members: [A, 'RJZ'],
      fromDate: '2024-04-01',
    });
    assert.deepEqual([group.group.id, group.members[0].id], [1, 1]);
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  /** Concrete addresses for a GET route pattern; undefined means the route has no fixture yet. */
  function addressesFor(url: string): string[] | undefined {
    // The team's narrative is checked as a canary on every surface that lists narratives.
    const narrativeIds = Object.keys(ids)
      .filter((key) => !key.startsWith('annotation') && key !== 'narrativeTeam')
      .map((key) => ids[key]);
    const annotationIds = [
      ids.annotationDraft,
      ids.annotationOrganisation,
      ids.annotationPublic,
      ids.annotationTeam,
    ];
    const fixtures: Record<string, string[]> = {
      '/': ['/'],
      '/account': ['/account'],
      '/sign-in': ['/sign-in'],
      '/health': ['/health'],
      '/health/ready': ['/health/ready'],
      '/api/docs': ['/api/docs'],
      '/api/docs/openapi.json': ['/api/docs/openapi.json'],
      '/organisations': ['/organisations', `/organisations?search=${run}`],
      '/organisations/:code': [`/organisations/${A}`, `/organisations/${B}`],
      '/organisations/:code/audit': [`/organisations/${A}/audit`, `/organisations/${B}/audit`],
      '/organisations/:code/metrics/:id': [`/organisations/${A}/metrics/${metricA}`],
      '/organisations/:code/metrics/:id/annotations/new': [
        `/organisations/${A}/metrics/${metricA}/annotations/new`,
      ],
      '/organisations/:code/narratives': [`/organisations/${A}/narratives`, `/organisations/${B}/narratives`],
      '/organisations/:code/narratives/new': [`/organisations/${A}/narratives/new`],
      '/organisations/:code/narratives/:id': narrativeIds.map((id) => `/organisations/${A}/narratives/${id}`),
      '/organisations/:code/narratives/:id/edit': narrativeIds.map(
        (id) => `/organisations/${A}/narratives/${id}/edit`,
      ),
      '/organisations/:code/narratives/:id/versions': narrativeIds.map(
        (id) => `/organisations/${A}/narratives/${id}/versions`,
      ),
      '/organisations/:code/narratives/:id/versions/compare': [
        `/organisations/${A}/narratives/${ids.versions}/versions/compare?from=1&to=3`,
        `/organisations/${A}/narratives/${ids.versions}/versions/compare?from=1&to=2`,
      ],
      '/league-tables': ['/league-tables'],
      '/league-tables/:slug': ['/league-tables/mental-health-and-community-trust'],
      '/metrics': ['/metrics'],
      '/metrics/:id': [`/metrics/${metricA}`],
      '/systems': ['/systems'],
      '/systems/:code': [`/systems/${icbOfA}`],
      '/regions': ['/regions'],
      '/regions/:code': [`/regions/${regionOfA}`],
      '/changes': ['/changes', `/changes?quarter=${encodeURIComponent('Q3 2025/26')}`],
      '/api/v1/organisations': ['/api/v1/organisations', `/api/v1/organisations?search=${A}`],
      '/api/v1/organisations/:code': [`/api/v1/organisations/${A}`, `/api/v1/organisations/${B}`],
      '/api/v1/metrics': ['/api/v1/metrics'],
      '/api/v1/metrics/:id/coverage': [`/api/v1/metrics/${metricA}/coverage`],
      '/api/v1/metrics/:id/latest': [
        `/api/v1/metrics/${metricA}/latest`,
        `/api/v1/metrics/${metricA}/latest?format=csv`,
      ],
      '/api/v1/observations': [
        `/api/v1/observations?org=${A}&metric=${metricA}`,
        `/api/v1/observations?org=${A}&metric=${metricA}&format=csv`,
      ],
      '/api/v1/assessments/:framework/:quarter': [
        `/api/v1/assessments/nof-2025-26/${encodeURIComponent(quarter)}`,
      ],
      '/api/v1/assessments/:framework/:quarter/:code': [
        `/api/v1/assessments/nof-2025-26/${encodeURIComponent(quarter)}/${B}`,
      ],
      '/api/v1/narratives': [
        `/api/v1/narratives?org=${A}`,
        '/api/v1/narratives',
        `/api/v1/narratives?org=${A}&metric=${metricA}`,
      ],
      '/api/v1/narratives/:id': narrativeIds.map((id) => `/api/v1/narratives/${id}`),
      '/api/v1/narratives/:id/versions': narrativeIds.map((id) => `/api/v1/narratives/${id}/versions`),
      '/api/v1/annotations': [
        `/api/v1/annotations?org=${A}`,
        `/api/v1/annotations?org=${A}&metric=${metricA}`,
      ],
      '/api/v1/annotations/:id': annotationIds.map((id) => `/api/v1/annotations/${id}`),
      '/api/v1/search': [`/api/v1/search?q=${run}`, '/api/v1/search?q=CANARY'],
      '/organisations/:code/inquiries': [`/organisations/${A}/inquiries`, `/organisations/${B}/inquiries`],
      '/organisations/:code/inquiries/new': [
        `/organisations/${A}/inquiries/new`,
        `/organisations/${A}/inquiries/new?metric=${metricA}`,
      ],
      '/organisations/:code/inquiries/invite': [`/organisations/${A}/inquiries/invite?metric=${metricA}`],
      '/organisations/:code/inquiries/:id': Object.values(inquiryIds).map(
        (id) => `/organisations/${A}/inquiries/${id}`,
      ),
      '/prompt-sets': ['/prompt-sets'],
      '/prompt-sets/:domain': ['/prompt-sets/access_flow'],
      '/prompt-sets/:domain/edit': ['/prompt-sets/access_flow/edit'],
      '/api/v1/inquiries': [`/api/v1/inquiries?org=${A}`, '/api/v1/inquiries', '/api/v1/inquiries?q=CANARY'],
      '/api/v1/inquiries/:id': Object.values(inquiryIds).map((id) => `/api/v1/inquiries/${id}`),
    };
    // Teams: the team's page redirects from its organisation address; its indicators' charts, series
    // and downloads; the national metric pages, which never show a team's indicator.
    fixtures['/organisations/:code'].push(`/organisations/${teamA}`);
    fixtures['/api/v1/annotations'].push(`/api/v1/annotations?org=${teamA}`);
    for (const metric of Object.values(teamMetrics)) {
      fixtures['/organisations/:code/metrics/:id'].push(`/organisations/${teamA}/metrics/${metric}`);
      fixtures['/api/v1/observations'].push(
        `/api/v1/observations?org=${teamA}&metric=${metric}`,
        `/api/v1/observations?org=${teamA}&metric=${metric}&format=csv`,
      );
      fixtures['/api/v1/metrics/:id/coverage'].push(`/api/v1/metrics/${metric}/coverage`);
      fixtures['/api/v1/metrics/:id/latest'].push(`/api/v1/metrics/${metric}/latest`);
      fixtures['/metrics/:id'].push(`/metrics/${metric}`);
      fixtures['/api/v1/annotations'].push(`/api/v1/annotations?org=${teamA}&metric=${metric}`);
    }
    Object.assign(fixtures, {
      '/organisations/:code/teams/new': [`/organisations/${A}/teams/new`, `/organisations/${B}/teams/new`],
      '/teams/:code': [`/teams/${teamA}`],
      '/teams/:code/indicators/new': [`/teams/${teamA}/indicators/new`],
      '/teams/:code/indicators/:slug/edit': [
        `/teams/${teamA}/indicators/private-measure/edit`,
        `/teams/${teamA}/indicators/public-measure/edit`,
      ],
      '/teams/:code/values': [`/teams/${teamA}/values`],
      '/teams/:code/import': [`/teams/${teamA}/import`],
      '/api/v1/teams': ['/api/v1/teams', `/api/v1/teams?org=${A}`],
      '/api/v1/teams/:id/indicators': [`/api/v1/teams/${teamA}/indicators`],
      '/signals': [
        '/signals',
        `/signals?org=${A}&status=all`,
        `/signals?org=${teamA}&status=all`,
        `/signals?metric=${teamMetrics.private}&status=all`,
      ],
      '/signals/:id': [`/signals/${signalIds.public}`, `/signals/${signalIds.private}`],
      '/api/v1/signals': [
        '/api/v1/signals?status=all',
        `/api/v1/signals?org=${A}&status=all&format=csv`,
        `/api/v1/signals?metric=${teamMetrics.private}&status=all`,
      ],
      // directory fixtures
      '/improvement': [
        '/improvement',
        '/improvement?q=CANARY',
        `/improvement?org=${A}`,
        `/improvement?metric=${metricA}`,
      ],
      '/improvement/entries/new': ['/improvement/entries/new'],
      '/improvement/entries/:id': ['/improvement/entries/1', '/improvement/entries/2'],
      '/improvement/coverage': ['/improvement/coverage'],
      '/improvement/candidates': ['/improvement/candidates', `/improvement/candidates?metric=${metricA}`],
      '/api/v1/directory/candidates': [
        `/api/v1/directory/candidates?metric=${metricA}`,
        `/api/v1/directory/candidates?metric=${metricA}&format=csv`,
      ],
      '/api/v1/directory/entries': [
        '/api/v1/directory/entries',
        '/api/v1/directory/entries?q=CANARY',
        `/api/v1/directory/entries?org=${A}&format=csv`,
      ],
      '/api/v1/directory/entries/:id': ['/api/v1/directory/entries/1', '/api/v1/directory/entries/2'],
      '/api/v1/directory/coverage': ['/api/v1/directory/coverage', '/api/v1/directory/coverage?format=csv'],
      // reviews fixtures
      '/organisations/:code/reviews': [`/organisations/${A}/reviews`, `/organisations/${B}/reviews`],
      '/organisations/:code/reviews/:id': [
        `/organisations/${A}/reviews/1`,
        `/organisations/${A}/reviews/2`,
        `/organisations/${B}/reviews/3`,
      ],
      '/organisations/:code/reviews/:id/pack': [
        `/organisations/${A}/reviews/2/pack`,
        `/organisations/${B}/reviews/3/pack`,
      ],
      '/organisations/:code/reviews/:id/pack.pdf': [
        `/organisations/${A}/reviews/2/pack.pdf`,
        `/organisations/${B}/reviews/3/pack.pdf`,
      ],
      '/api/v1/reviews': ['/api/v1/reviews', `/api/v1/reviews?org=${A}`],
      '/api/v1/reviews/:id': ['/api/v1/reviews/1', '/api/v1/reviews/3'],
      '/api/v1/reviews/:id/pack': ['/api/v1/reviews/2/pack', '/api/v1/reviews/3/pack'],
      '/api/v1/reviews/:id/pack.pdf': ['/api/v1/reviews/2/pack.pdf'],
      // follow-ups fixtures
      '/inbox': ['/inbox'],
      '/inbox/:id': ['/inbox/9101'],
      '/outbox': ['/outbox'],
      '/follow-ups/:id': ['/follow-ups/9101'],
      '/follow-through': ['/follow-through', '/follow-through?download=follow-through'],
      '/api/v1/follow-ups': ['/api/v1/follow-ups', '/api/v1/follow-ups?due_before=2026-12-31'],
      '/api/v1/follow-ups/:id': ['/api/v1/follow-ups/9101'],
      // escalations fixtures
      // circles fixtures
      '/circles': ['/circles'],
      '/circles/new': ['/circles/new'],
      '/circles/:id': ['/circles/1'],
      '/journal': ['/journal'],
      '/journal/:id': ['/journal/1', '/journal/2'],
      '/api/v1/circles': ['/api/v1/circles'],
      '/api/v1/circles/:id': ['/api/v1/circles/1'],
      '/api/v1/journal': ['/api/v1/journal'],
      '/api/v1/journal/:id': ['/api/v1/journal/1', '/api/v1/journal/2'],
      // listening fixtures
      '/listening': ['/listening'],
      '/listening/new': ['/listening/new'],
      '/listening/:id': ['/listening/1', '/listening/2'],
      '/api/v1/listening': [
        '/api/v1/listening',
        `/api/v1/listening?org=${A}`,
        `/api/v1/listening?metric=${metricA}`,
      ],
      '/api/v1/listening/:id': ['/api/v1/listening/1', '/api/v1/listening/2'],
      // capability fixtures
      '/organisations/:code/capability': [`/organisations/${A}/capability`, `/organisations/${B}/capability`],
      '/organisations/:code/capability/new': [`/organisations/${A}/capability/new`],
      '/api/v1/organisations/:code/capability': [
        `/api/v1/organisations/${A}/capability`,
        `/api/v1/organisations/${B}/capability`,
      ],
      // boards fixtures
      '/boards': ['/boards'],
      '/boards/:id': ['/boards/1'],
      '/boards/:id/commentary/new': ['/boards/1/commentary/new'],
      '/boards/:id/commentary/:commentaryId': [1, 2, 3, 4].map((id) => `/boards/1/commentary/${id}`),
      '/api/v1/boards': ['/api/v1/boards', `/api/v1/boards?org=${A}`],
      '/api/v1/boards/:id': ['/api/v1/boards/1'],
      '/boards/new': ['/boards/new'],
      '/boards/:id/members': ['/boards/1/members'],
      // finance fixtures
      '/api/v1/systems/:code/finance': [`/api/v1/systems/${icbOfA}/finance`],
      // risk-sharing fixtures
      '/systems/:code/risk-sharing': [`/systems/${icbOfA}/risk-sharing`],
      '/risk-sharing/:id': ['/risk-sharing/1', '/risk-sharing/2'],
      '/api/v1/risk-sharing-agreements': [
        '/api/v1/risk-sharing-agreements',
        `/api/v1/risk-sharing-agreements?icb=${icbOfA}`,
      ],
      '/api/v1/risk-sharing-agreements/:id': [
        '/api/v1/risk-sharing-agreements/1',
        '/api/v1/risk-sharing-agreements/2',
      ],
      // peer reviews fixtures
      '/peer-reviews': ['/peer-reviews'],
      '/peer-reviews/new': ['/peer-reviews/new'],
      '/peer-reviews/:id': ['/peer-reviews/1', '/peer-reviews/2'],
      '/api/v1/peer-reviews': ['/api/v1/peer-reviews'],
      '/api/v1/peer-reviews/:id': ['/api/v1/peer-reviews/1', '/api/v1/peer-reviews/2'],
      // groups fixtures
      '/groups': ['/groups'],
      '/groups/:id': ['/groups/1'],
      '/api/v1/groups': ['/api/v1/groups'],
      '/api/v1/groups/:id': ['/api/v1/groups/1'],
      '/organisations/:code/escalations': [
        `/organisations/${A}/escalations`,
        `/organisations/${B}/escalations`,
      ],
      '/organisations/:code/escalations/received': [
        `/organisations/${regionOfA}/escalations/received`,
        `/organisations/${icbOfA}/escalations/received`,
      ],
      '/escalations/:id': ['/escalations/1', '/escalations/2'],
      '/api/v1/escalations': ['/api/v1/escalations', `/api/v1/escalations?org=${A}&open=true`],
      '/api/v1/escalations/:id': ['/api/v1/escalations/1', '/api/v1/escalations/2'],
    });
    if (url.includes('*')) return [];
    return fixtures[url];
  }

  async function get(role: Role, url: string) {
    const cookie = cookies.get(role);
    return app.inject({ url, headers: cookie ? { cookie } : {} });
  }

  it('has a fixture for every GET route the app registers', () => {
    const missing = app.routeList
      .filter((route) => route.method === 'GET')
      .filter((route) => addressesFor(route.url) === undefined)
      .map((route) => route.url);
    assert.deepEqual(missing, [], 'add these routes to the fixtures of this test');
  });

  it('answers every GET route as the rules say for every role', async () => {
    /** The expected status of an address for a role, written out from the rules. */
    const expected = (role: Role, url: string): number => {
      const path = url.split('?')[0];
      const signedIn = role !== 'anonymous';
      const refuse = (allowed: readonly Role[]) => (allowed.includes(role) ? 200 : signedIn ? 403 : 303);
      if (path === `/signals/${signalIds.private}`) return overseersOfA.includes(role) ? 200 : 404;
      if (path === '/account') return signedIn ? 200 : 303;
      // directory expectations
      if (path === '/improvement/entries/new')
        return refuse([...writersOfA, 'contributorB', 'adminB', 'facilitator', 'oversightEngland']);
      if (path === '/improvement/entries/1' || path === '/api/v1/directory/entries/1')
        return canaries.directoryInvitedTitle.readers.includes(role) ? 200 : 404;
      // reviews expectations
      // Reviews 1 and 2 are A's (read by A's people and those who oversee A), 3 is B's (B's people,
      // national oversight); the lists are for anyone signed in, showing what each may read.
      if (path === `/organisations/${A}/reviews` || path === `/organisations/${B}/reviews`)
        return signedIn ? 200 : 303;
      if (path === '/api/v1/reviews') return signedIn ? 200 : 401;
      const review = /^(\/api\/v1|\/organisations\/(?:RJ1|RYY))\/reviews\/(\d+)(\/pack|\/pack\.pdf)?$/.exec(
        path,
      );
      if (review) {
        const readers: readonly Role[] =
          review[2] === '3' ? ['memberB', 'contributorB', 'adminB', 'oversightEngland'] : overseersOfA;
        if (!signedIn) return review[1] === '/api/v1' ? 401 : 303;
        return readers.includes(role) ? 200 : 404;
      }
      // follow-ups expectations
      if (path === '/inbox' || path === '/outbox') return signedIn ? 200 : 303;
      if (path === '/inbox/9101') return role === 'contributorA' ? 200 : signedIn ? 404 : 303;
      if (path === '/follow-ups/9101')
        return canaries.followUpAnswer.readers.includes(role) ? 200 : signedIn ? 404 : 303;
      if (path === '/api/v1/follow-ups/9101')
        return canaries.followUpAnswer.readers.includes(role) ? 200 : 404;
      // escalations expectations
      // circles expectations
      // Circle 1 and entry 2 are read by their members (A's contributor, B's member) only; entry 1 by its author.
      if (['/circles', '/circles/new', '/journal'].includes(path)) return signedIn ? 200 : 303;
      if (path === '/api/v1/circles' || path === '/api/v1/journal') return signedIn ? 200 : 401;
      const circlePage = /^(\/api\/v1)?\/(circles\/1|journal\/1|journal\/2)$/.exec(path);
      if (circlePage) {
        const readers =
          circlePage[2] === 'journal/1' ? canaries.journalPrivate.readers : canaries.circleNotes.readers;
        if (readers.includes(role)) return 200;
        return signedIn ? 404 : circlePage[1] ? 401 : 303;
      }
      // listening expectations
      // Inquiry 1 is published (public); 2 is a draft, read only by A's writers.
      if (path === '/listening/new') return refuse([...writersOfA, 'contributorB', 'adminB', 'systemLeadA']);
      if (path === '/listening/2' || path === '/api/v1/listening/2')
        return writersOfA.includes(role) ? 200 : 404;
      // capability expectations
      // A's self-assessments are read by those who read A's reviews; B's by B's people and national oversight.
      const capability = /^(\/api\/v1)?\/organisations\/(RJ1|RYY)\/capability(\/new)?$/.exec(path);
      if (capability) {
        const readers: readonly Role[] =
          capability[2] === B ? ['memberB', 'contributorB', 'adminB', 'oversightEngland'] : overseersOfA;
        if (!signedIn) return capability[1] ? 401 : 303;
        if (!readers.includes(role)) return 404;
        return capability[3] && !writersOfA.includes(role) ? 403 : 200;
      }
      // boards expectations
      // Board 1 is public; its commentary 1 a draft (its author), 2 in moderation (author and chair).
      if (path === '/boards/1/commentary/new') return refuse(['contributorA', 'facilitator']);
      if (path === '/boards/1/commentary/1') return role === 'contributorA' ? 200 : 404;
      if (path === '/boards/1/commentary/2')
        return ['contributorA', 'facilitator'].includes(role) ? 200 : 404;
      // Those who administer an organisation or lead a system create boards; A's admin manages board 1.
      if (path === '/boards/new') return refuse(['adminA', 'adminB', 'systemLeadA']);
      if (path === '/boards/1/members') return refuse(['adminA']);
      if (path === '/boards' || path.startsWith('/boards/1') || path.startsWith('/api/v1/boards')) return 200;
      // finance expectations
      // A system's finance view holds published figures only: public.
      if (/^\/api\/v1\/systems\/[A-Z0-9]+\/finance$/.test(path)) return 200;
      // risk-sharing expectations
      // Agreement 1 is a draft: those involved read it (A's people, A's ICB's lead, oversight of A's
      // region, national oversight); 2 is agreed, so public, and so are the ICB's lists.
      if (path === '/risk-sharing/1' || path === '/api/v1/risk-sharing-agreements/1')
        return overseersOfA.includes(role) ? 200 : 404;
      // peer reviews expectations
      // Peer review 1 is under way: A's people and B's member (a peer) read it; 2 is published.
      if (path === '/peer-reviews/new') return refuse([...writersOfA, 'contributorB', 'adminB']);
      if (path === '/peer-reviews/1' || path === '/api/v1/peer-reviews/1')
        return canaries.peerQuestions.readers.includes(role) ? 200 : 404;
      if (path.startsWith('/peer-reviews') || path.startsWith('/api/v1/peer-reviews')) return 200;
      // groups expectations
      // Groups, their members and dates are public facts, like a system's members: every role reads them.
      if (path.startsWith('/groups') || path.startsWith('/api/v1/groups')) return 200;
      // A's escalations: its people, and those it may raise concerns with; 1 is the region's, 2 the ICB's.
      if (path === `/organisations/${A}/escalations`)
        return refuse([...peopleOfA, 'systemLeadA', 'oversightRegionA']);
      if (path === `/organisations/${B}/escalations`) return refuse(['memberB', 'contributorB', 'adminB']);
      if (path === `/organisations/${regionOfA}/escalations/received`) return refuse(['oversightRegionA']);
      if (path === `/organisations/${icbOfA}/escalations/received`) return refuse(['systemLeadA']);
      if (path === '/api/v1/escalations') return signedIn ? 200 : 401;
      const escalation = /^(\/api\/v1)?\/escalations\/([12])$/.exec(path);
      if (escalation) {
        const readers =
          escalation[2] === '1' ? canaries.escalationTitle.readers : canaries.escalationToIcb.readers;
        if (!signedIn) return escalation[1] ? 401 : 303;
        return readers.includes(role) ? 200 : 404;
      }
      if (path === '/sign-in') return signedIn ? 303 : 200;
      if (path === `/organisations/${A}/audit`) return refuse(['adminA']);
      if (path === `/organisations/${teamA}`) return 303;
      if (path === `/organisations/${A}/teams/new` || path.startsWith(`/teams/${teamA}/`))
        return refuse(['adminA']);
      if (path === `/organisations/${B}/teams/new`) return refuse(['adminB']);
      if (path.startsWith('/metrics/team.')) return 404;
      if (url.includes(teamMetrics.private)) return overseersOfA.includes(role) ? 200 : 404;
      if (path === `/organisations/${B}/audit`) return refuse(['adminB']);
      if (path === `/organisations/${A}/inquiries/new`) return refuse(writersOfA);
      if (path === `/organisations/${A}/inquiries/invite`) return refuse(invitersOfA);
      if (path === '/prompt-sets/access_flow/edit') return refuse(['oversightEngland']);
      const inquiry = /^(?:\/api\/v1|\/organisations\/RJ1)\/inquiries\/(\d+)$/.exec(path);
      if (inquiry) {
        const key = Object.keys(inquiryIds).find((name) => inquiryIds[name] === Number(inquiry[1]));
        const readers: readonly Role[] =
          key === 'organisation'
            ? canaries.inquiryOrganisation.readers
            : key === 'named'
              ? canaries.inquiryNamed.readers
              : key === 'invited'
                ? canaries.inquiryInvited.readers
                : roles;
        return readers.includes(role) ? 200 : 404;
      }
      if (path.endsWith('/annotations/new') || path === `/organisations/${A}/narratives/new`)
        return refuse(writersOfA);
      const narrative =
        /^(?:\/api\/v1|\/organisations\/RJ1)\/narratives\/(\d+)(\/edit|\/versions(?:\/compare)?)?$/.exec(
          path,
        );
      if (narrative) {
        const id = Number(narrative[1]);
        const key = Object.keys(ids).find((name) => ids[name] === id) as string;
        const readers: readonly Role[] =
          key === 'draft' || key === 'withdrawn'
            ? peopleOfA
            : key === 'organisation'
              ? overseersOfA
              : key === 'named'
                ? canaries.narrativeNamed.readers
                : roles;
        // Comparing with version 1, a private draft, is for those who could read that draft.
        const canRead =
          narrative[2] === '/versions/compare' ? peopleOfA.includes(role) : readers.includes(role);
        if (narrative[2] === '/edit') {
          const editors = key === 'named' ? ['contributorA'] : writersOfA;
          if (editors.includes(role)) return 200;
          if (!signedIn) return 303;
          return canRead ? 403 : 404;
        }
        return canRead ? 200 : 404;
      }
      const annotation = /^\/api\/v1\/annotations\/(\d+)$/.exec(path);
      if (annotation) {
        const id = Number(annotation[1]);
        if (id === ids.annotationDraft) return peopleOfA.includes(role) ? 200 : 404;
        if (id === ids.annotationOrganisation) return overseersOfA.includes(role) ? 200 : 404;
        if (id === ids.annotationTeam) return overseersOfA.includes(role) ? 200 : 404;
        return 200;
      }
      return 200;
    };
    const wrong: string[] = [];
    for (const route of app.routeList.filter((each) => each.method === 'GET')) {
      for (const url of addressesFor(route.url) ?? []) {
        for (const role of roles) {
          const response = await get(role, url);
          const want = expected(role, url);
          if (response.statusCode !== want)
            wrong.push(`${role} GET ${url}: ${response.statusCode}, expected ${want}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('never shows confidential content to a role that may not see it, on any page, download, API response or search, cold or warm', async () => {
    const leaks: string[] = [];
    const seen = new Map<string, Set<Role>>();
    const check = (role: Role, url: string, body: string) => {
      for (const canary of Object.values(canaries)) {
        if (!body.includes(canary.text)) continue;
        if (!seen.has(canary.text)) seen.set(canary.text, new Set());
        seen.get(canary.text)?.add(role);
        if (!canary.readers.includes(role))
          leaks.push(`${role} saw ${canary.text.split('-').slice(0, 3).join('-')} at ${url}`);
      }
      for (const control of [
        publicNarrative,
        publicAnnotation,
        publicInquiry,
        publicTeamIndicator,
        publicSignalNote,
      ])
        if (body.includes(control)) seen.set(control, new Set([...(seen.get(control) ?? []), role]));
    };
    const addresses = app.routeList
      .filter((route) => route.method === 'GET')
      .flatMap((route) => addressesFor(route.url) ?? []);
    for (const pass of ['cold', 'warm']) {
      for (const role of roles) {
        for (const url of addresses) {
          const response = await get(role, url);
          check(role, url, response.body);
          // Every table on a page downloads as CSV from the same view: fetch each one.
          if (
            pass === 'cold' &&
            (response.headers['content-type'] ?? '').toString().startsWith('text/html')
          ) {
            for (const match of response.body.matchAll(/href="([^"]*[?&]download=[^"]+)"/g)) {
              const download = match[1].replaceAll('&amp;', '&');
              const csv = await get(role, download);
              check(role, download, csv.body);
            }
          }
        }
      }
    }
    assert.deepEqual(leaks, []);
    // The test has teeth only if each canary did show where it may.
    for (const canary of Object.values(canaries))
      assert.ok(seen.get(canary.text)?.size, `${canary.text} showed nowhere: the surfaces did not render it`);
    for (const control of [
      publicNarrative,
      publicAnnotation,
      publicInquiry,
      publicTeamIndicator,
      publicSignalNote,
      canaries.boardPublished.text,
      canaries.listeningPublished.text,
    ])
      assert.equal(seen.get(control)?.size, roles.length, `${control} is public and every role sees it`);
  });

  it('refuses every write route to every role that may not write, and writes nothing', async () => {
    const before = await readStoreVersion(store.db);
    const wrong: string[] = [];
    const writeRoutes = app.routeList.filter(
      (route) =>
        route.method !== 'GET' &&
        !['/sign-in', '/sign-out', '/sign-out-everywhere', '/api/v1/imports'].includes(route.url),
    );
    assert.ok(writeRoutes.length >= 10, 'the app has write routes');
    /** Addresses for the newer parts' write routes: each part adds its own pattern → address pairs. */
    const partAddresses: [string, string][] = [
      // directory addresses
      ['/improvement/entries/:id', '/improvement/entries/1'],
      [':contactId', '1'],
      // reviews addresses
      ['/reviews/:id', '/reviews/1'],
      // follow-ups addresses
      ['/follow-ups/:id', '/follow-ups/9101'],
      ['/inbox/:id', '/inbox/9101'],
      // escalations addresses
      // circles addresses
      ['/circles/:id', '/circles/1'],
      ['/journal/:id', '/journal/1'],
      // listening addresses
      ['/listening/:id', '/listening/1'],
      // capability addresses
      // boards addresses
      [':commentaryId', '2'],
      [':memberId', '1'],
      ['/boards/:id', '/boards/1'],
      // risk-sharing addresses
      ['/risk-sharing/:id', '/risk-sharing/1'],
      ['/risk-sharing-agreements/:id', '/risk-sharing-agreements/1'],
      [':reviewId', '1'],
      [':proposalId', '1'],
      // peer reviews addresses
      ['/peer-reviews/:id', '/peer-reviews/1'],
      // groups addresses
      ['/groups/:id', '/groups/1'],
      ['/escalations/:id', '/escalations/1'],
    ];
    const addressOf = (url: string) =>
      partAddresses
        .reduce((address, [pattern, concrete]) => address.replace(pattern, concrete), url)
        .replace(':code', A)
        .replace(`/teams/${A}/`, `/teams/${teamA}/`)
        .replace('/teams/:id/indicators/:indicator', `/teams/${teamA}/indicators/private-measure`)
        .replace('/teams/:id', `/teams/${teamA}`)
        .replace(':slug', 'private-measure')
        .replace('/metrics/:id', `/metrics/${metricA}`)
        .replace(':annotationId', String(ids.annotationDraft))
        .replace(/narratives\/:id/, `narratives/${ids.draft}`)
        .replace(/annotations\/:id/, `annotations/${ids.annotationDraft}`)
        .replace(/inquiries\/:id/, `inquiries/${inquiryIds.organisation}`)
        .replace(':actionId', '1')
        .replace(':domain', 'access_flow')
        .replace('/signals/:id', `/signals/${signalIds.public}`);
    /** Besides A's writers, who may use a write route: overseers invite and change signals, national oversight edits prompt sets. */
    const alsoWritingByRoute: Record<string, readonly Role[]> = {
      '/organisations/:code/inquiries/invite': invitersOfA,
      '/signals/:id/status': invitersOfA,
      '/prompt-sets/:domain': ['oversightEngland'],
      // directory writers
      '/improvement/entries': ['contributorB', 'adminB', 'facilitator', 'oversightEngland'],
      '/api/v1/directory/entries': ['contributorB', 'adminB', 'facilitator', 'oversightEngland'],
      '/improvement/change-ideas': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/invite': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/publish': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/withdraw': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/versions': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/contacts': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/contacts/:contactId/remove': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/change-ideas': ['facilitator', 'oversightEngland'],
      '/improvement/entries/:id/adoptions': ['facilitator', 'oversightEngland'],
      // reviews writers
      '/organisations/:code/reviews': invitersOfA,
      '/organisations/:code/reviews/:id/meeting': ['oversightRegionA', 'oversightEngland'],
      '/organisations/:code/reviews/:id/actions': ['oversightRegionA', 'oversightEngland'],
      '/organisations/:code/reviews/:id/actions/:actionId/status': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/reviews': invitersOfA,
      '/api/v1/reviews/:id/meeting': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/reviews/:id/actions': ['oversightRegionA', 'oversightEngland'],
      // follow-ups writers
      '/follow-ups/:id': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/follow-ups/:id/outcome': ['oversightRegionA', 'oversightEngland'],
      // escalations writers
      // circles writers
      '/circles': roles.filter((role) => role !== 'anonymous'),
      '/api/v1/circles': roles.filter((role) => role !== 'anonymous'),
      '/journal': roles.filter((role) => role !== 'anonymous'),
      '/api/v1/journal': roles.filter((role) => role !== 'anonymous'),
      '/circles/:id/meetings': ['memberB'],
      '/api/v1/circles/:id/meetings': ['memberB'],
      // listening writers
      '/listening': ['contributorB', 'adminB', 'systemLeadA'],
      '/api/v1/listening': ['contributorB', 'adminB', 'systemLeadA'],
      // capability writers
      // boards writers
      '/boards/:id/commentary': ['facilitator'],
      '/api/v1/boards/:id/commentary': ['facilitator'],
      '/boards/:id/commentary/:commentaryId/moderate': ['facilitator'],
      '/api/v1/boards/:id/commentary/:commentaryId/moderate': ['facilitator'],
      '/boards': ['adminB', 'systemLeadA'],
      '/api/v1/boards': ['adminB', 'systemLeadA'],
      // risk-sharing writers
      // Any system lead or administrator may propose an agreement (the ICB's page 404s for A's code);
      // agreement 1's ICB lead changes it, adds reviews and proposals; proposal 1 is decided by A's admin.
      '/api/v1/risk-sharing-agreements': ['systemLeadA', 'adminB'],
      '/risk-sharing/:id/edit': ['systemLeadA'],
      '/risk-sharing/:id/status': ['systemLeadA'],
      '/risk-sharing/:id/reviews': ['systemLeadA'],
      '/risk-sharing/:id/reviews/:reviewId/held': ['systemLeadA'],
      '/risk-sharing/:id/proposals': ['systemLeadA'],
      '/api/v1/risk-sharing-agreements/:id/edit': ['systemLeadA'],
      '/api/v1/risk-sharing-agreements/:id/status': ['systemLeadA'],
      '/api/v1/risk-sharing-agreements/:id/reviews': ['systemLeadA'],
      '/api/v1/risk-sharing-agreements/:id/reviews/:reviewId/held': ['systemLeadA'],
      '/api/v1/risk-sharing-agreements/:id/proposals': ['systemLeadA'],
      // peer reviews writers
      '/peer-reviews': ['contributorB', 'adminB'],
      '/api/v1/peer-reviews': ['contributorB', 'adminB'],
      '/peer-reviews/:id/invitation': ['memberB'],
      '/api/v1/peer-reviews/:id/invitation': ['memberB'],
      '/peer-reviews/:id/findings': ['memberB'],
      '/api/v1/peer-reviews/:id/findings': ['memberB'],
      // groups writers: national oversight any trust, A's region's oversight A and RJZ (group 1's members)
      '/groups': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/groups': ['oversightRegionA', 'oversightEngland'],
      '/groups/:id/members': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/groups/:id/members': ['oversightRegionA', 'oversightEngland'],
      '/groups/:id/members/:memberId/end': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/groups/:id/members/:memberId/end': ['oversightRegionA', 'oversightEngland'],
      '/groups/:id/description': ['oversightRegionA', 'oversightEngland'],
      '/api/v1/groups/:id': ['oversightRegionA', 'oversightEngland'],
      '/escalations/:id/acknowledge': ['oversightRegionA'],
      '/escalations/:id/respond': ['oversightRegionA'],
      '/escalations/:id/close': ['oversightRegionA'],
      '/api/v1/escalations/:id/acknowledge': ['oversightRegionA'],
      '/api/v1/escalations/:id/respond': ['oversightRegionA'],
      '/api/v1/escalations/:id/close': ['oversightRegionA'],
    };
    const alsoWriting = (url: string): readonly Role[] => alsoWritingByRoute[url] ?? [];
    for (const route of writeRoutes) {
      for (const role of roles.filter(
        (each) => !writersOfA.includes(each) && !alsoWriting(route.url).includes(each),
      )) {
        const cookie = cookies.get(role);
        const page = await app.inject({
          url: cookie ? '/account' : '/sign-in',
          headers: cookie ? { cookie } : {},
        });
        const sessionCookie = cookie ?? cookiesFrom(page);
        const token = csrfTokenIn(page.body);
        const url = addressOf(route.url);
        const isApi = url.startsWith('/api/');
        const response = await app.inject({
          method: route.method as 'POST',
          url,
          headers: {
            cookie: sessionCookie,
            'x-csrf-token': token,
            'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded',
          },
          payload: isApi
            ? JSON.stringify({
                org: A,
                metric: metricA,
                kind: 'event',
                date: '2024-10-01',
                text: 'x',
                title: 'x',
                body: 'x',
                visibility: 'public',
                status: 'published',
                baseVersion: 1,
              })
            : `_csrf=${encodeURIComponent(token)}&kind=event&date=2024-10-01&text=x&title=x&body=x&visibility=public&status=published&baseVersion=1`,
        });
        const refused = role === 'anonymous' ? [401, 303, 404] : [403, 404];
        if (!refused.includes(response.statusCode))
          wrong.push(`${role} ${route.method} ${url}: ${response.statusCode} ${response.body.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(await readStoreVersion(store.db), before, 'no refused write changed the store');
  });

  it('lets only national oversight (and, for a team’s values, those who enter them) import through the API, and writes nothing for anyone else', async () => {
    const before = await readStoreVersion(store.db);
    const wrong: string[] = [];
    for (const role of roles) {
      const cookie = cookies.get(role);
      const page = await app.inject({
        url: cookie ? '/account' : '/sign-in',
        headers: cookie ? { cookie } : {},
      });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/imports?filename=x.csv',
        headers: {
          cookie: cookie ?? cookiesFrom(page),
          'x-csrf-token': csrfTokenIn(page.body),
          'content-type': 'application/json',
        },
        payload: '{}',
      });
      // National oversight passes the policy and is then refused the JSON body (415): not a file.
      // A's admin administers A's team, so may send a file of its values (checked once read).
      const want = role === 'anonymous' ? 401 : role === 'oversightEngland' || role === 'adminA' ? 415 : 403;
      if (response.statusCode !== want) wrong.push(`${role}: ${response.statusCode}, expected ${want}`);
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(await readStoreVersion(store.db), before);
  });

  it('serves signed-in pages privately, never from a shared cache', async () => {
    for (const role of roles.filter((each) => each !== 'anonymous')) {
      const response = await get(role, `/organisations/${A}`);
      assert.equal(response.headers['cache-control'], 'private, no-store', role);
    }
    const anonymous = await get('anonymous', `/organisations/${A}`);
    assert.notEqual(anonymous.headers['cache-control'], 'private, no-store');
  });

  it('keeps the operator able to read everything (the CLI’s view)', async () => {
    const { findNarratives } = await import('../../src/app/narratives/read.ts');
    const all = await findNarratives(
      { db: store.db, actor: operator('test'), clock: () => new Date() },
      { org: A },
    );
    for (const key of ['draft', 'organisation', 'named', 'withdrawn'])
      assert.ok(
        all.some((row) => row.id === ids[key]),
        key,
      );
  });
});
