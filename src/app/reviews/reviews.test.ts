import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
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
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import { canReview } from '../../policies/review.ts';
import type { Store } from '../../store/db.ts';
import { upsertSignalEpisodes } from '../../store/repos/signal-repo.ts';
import { openInquiry } from '../inquiries/write.ts';
import { reviewPack } from './pack.ts';
import { findReview, listReviews, organisationReviews } from './read.ts';
import { addReviewActions, planReview, recordReviewMeeting, setReviewAction } from './write.ts';

const clock = () => new Date('2026-12-01T10:00:00Z');

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

describe(`reviews (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const as = (actor: Actor) => contextFor(store, actor, clock);
  const count = async (
    table: 'review' | 'review_attendee' | 'review_offer' | 'review_action' | 'follow_up',
  ) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(store.db)).rows[0].n,
    );
  const reviewAudits = async () =>
    (
      await sql<{
        action: string;
        entity_id: string;
      }>`select action, entity_id from audit_log where entity_type = 'review' order by id`.execute(store.db)
    ).rows;

  const meeting = (overrides: Record<string, unknown> = {}) => ({
    heldOn: '2026-11-20',
    attendees: [
      { name: 'Ada Example', role: 'Chief executive', side: 'organisation' },
      { name: 'Ben Example', role: 'Regional director', side: 'overseer' },
    ],
    notes: 'Discussed four-hour performance. NOTES-CANARY',
    offers: [{ metric: 'ae-4hr-type1', from: orgB, accepted: true }],
    actions: [
      {
        description: 'Visit Birch’s front door team. ACTION-CANARY',
        ownerSide: 'organisation',
        ownerEmail: 'contributor.a@example.nhs.uk',
        due: '2026-12-20',
        support: 'Birch will host a visit',
        supportBy: orgB,
      },
      {
        description: 'Share the regional triage audit',
        ownerSide: 'overseer',
        ownerName: 'Ben Example',
        due: '2026-12-15',
      },
    ],
    ...overrides,
  });

  before(async () => {
    store = await openTestStore();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await sql`truncate follow_up, review_action, review_offer, review_attendee, review, signal restart identity cascade`.execute(
      store.db,
    );
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });
  after(async () => {
    await store.close();
  });

  describe('planning', () => {
    it('lets regional oversight plan a review of a trust in its region, with the region as overseer by default', async () => {
      const review = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'q3 2026/27',
      });
      assert.equal(review.state, 'planned');
      assert.equal(review.overseer_org_code, 'Y01');
      assert.equal(review.quarter, 'Q3 2026/27');
      assert.deepEqual(await reviewAudits(), [{ action: 'review.plan', entity_id: String(review.id) }]);
    });

    it('lets the system lead plan one with the ICB as overseer, and refuses the organisation’s own people', async () => {
      const review = await planReview(as(people.systemLeadA.actor), { org: orgA, quarter: 'Q3 2026/27' });
      assert.equal(review.overseer_org_code, 'QAA');
      await assert.rejects(
        planReview(as(people.adminA.actor), { org: orgA, quarter: 'Q3 2026/27' }),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(
        planReview(as(people.oversightRegionA.actor), { org: orgA, quarter: 'Q3 2026/27', overseer: 'QAA' }),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(
        planReview(as(anonymous), { org: orgA, quarter: 'Q3 2026/27' }),
        rejectsWith('UNAUTHENTICATED'),
      );
    });

    it('lists every field problem at once', async () => {
      await assert.rejects(
        planReview(as(people.oversightRegionA.actor), { org: orgA, quarter: '2026 Q3', overseer: 'Y02' }),
        rejectsWith('VALIDATION_FAILED', (error) => {
          assert.deepEqual(
            error.details.map((detail) => detail.split(':')[0]),
            ['quarter', 'overseer'],
          );
        }),
      );
    });
  });

  describe('recording the meeting', () => {
    it('records attendees, notes, offers and actions with one follow-up per action and one audit entry', async () => {
      const planned = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });
      const { review, actions } = await recordReviewMeeting(
        as(people.oversightRegionA.actor),
        planned.id,
        meeting(),
      );
      assert.equal(review.state, 'held');
      assert.equal(review.follow_up_on, '2027-01-01', 'six weeks after 20 November');
      assert.equal(actions.length, 2);
      assert.equal(actions[0].owner_user_id, people.contributorA.id);
      assert.equal(actions[0].owner_name, 'contributor.a');
      assert.equal(actions[1].owner_user_id, null);
      const followUps = (
        await sql<{
          review_action_id: number;
          due_on: string;
          state: string;
        }>`select review_action_id, due_on, state from follow_up order by id`.execute(store.db)
      ).rows;
      assert.deepEqual(
        followUps.map((row) => [row.review_action_id, String(row.due_on).slice(0, 10), row.state]),
        actions.map((action) => [action.id, '2027-01-01', 'scheduled']),
      );
      assert.equal(await count('review_attendee'), 2);
      assert.equal(await count('review_offer'), 1);
      assert.deepEqual(
        (await reviewAudits()).map((entry) => entry.action),
        ['review.plan', 'review.record'],
      );
      const detail = await findReview(as(people.contributorA.actor), planned.id);
      assert.equal(detail?.offers[0].state, 'accepted');
      assert.equal(detail?.actions[0].followUps.length, 1);
    });

    it('takes a chosen follow-up date and the form’s fields', async () => {
      const planned = await planReview(as(people.nationalOversight.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });
      const { review, actions } = await recordReviewMeeting(as(people.nationalOversight.actor), planned.id, {
        heldOn: '2026-11-20',
        attendees_organisation: 'Ada Example, Chief executive\nCal Example',
        attendees_overseer: 'Ben Example, Regional director',
        offersMade: ['ae-4hr-type1|RBB|'],
        action_1_description: 'Audit triage times',
        action_1_owner_side: 'organisation',
        action_1_owner_name: 'Ada Example',
        action_1_due: '2026-12-31',
        action_2_description: '',
        followUpOn: '2026-12-04',
      });
      assert.equal(review.follow_up_on, '2026-12-04');
      assert.equal(actions.length, 1);
      const detail = await findReview(as(people.nationalOversight.actor), planned.id);
      assert.deepEqual(
        detail?.attendees.map((each) => [each.name, each.role, each.side]),
        [
          ['Ada Example', 'Chief executive', 'organisation'],
          ['Cal Example', '', 'organisation'],
          ['Ben Example', 'Regional director', 'overseer'],
        ],
      );
      assert.equal(detail?.offers[0].state, 'made');
    });

    it('lists every field problem at once and keeps nothing', async () => {
      const planned = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });
      await assert.rejects(
        recordReviewMeeting(
          as(people.oversightRegionA.actor),
          planned.id,
          meeting({
            heldOn: '2026-13-01',
            attendees: [{ name: '', side: 'organisation' }],
            offers: [{ metric: 'no-such-metric', from: orgB }],
            actions: [
              {
                description: 'x',
                ownerSide: 'organisation',
                ownerEmail: 'member.b@example.nhs.uk',
                due: '2026-12-20',
              },
              { description: '', ownerSide: 'sideways', due: 'soon' },
            ],
            followUpOn: 'next week',
          }),
        ),
        rejectsWith('VALIDATION_FAILED', (error) => {
          const fields = error.details.map((detail) => detail.split(':')[0]);
          assert.deepEqual([...new Set(fields)], ['heldOn', 'attendees', 'offers', 'actions', 'followUpOn']);
          assert.ok(
            error.details.some((detail) => detail.includes('member.b@example.nhs.uk is not one of RAA')),
          );
          assert.ok(error.details.filter((detail) => detail.startsWith('actions: Action 2')).length >= 3);
        }),
      );
      assert.equal(await count('review_attendee'), 0);
      assert.equal(await count('follow_up'), 0);
      assert.deepEqual(
        (await reviewAudits()).map((entry) => entry.action),
        ['review.plan'],
      );
    });

    it('refuses a stale version and a second recording, keeping nothing', async () => {
      const planned = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });
      await assert.rejects(
        recordReviewMeeting(as(people.oversightRegionA.actor), planned.id, meeting({ baseVersion: 7 })),
        rejectsWith('CONFLICT'),
      );
      assert.equal(await count('review_action'), 0);
      assert.equal(await count('follow_up'), 0);
      await recordReviewMeeting(as(people.oversightRegionA.actor), planned.id, meeting());
      await assert.rejects(
        recordReviewMeeting(as(people.oversightRegionA.actor), planned.id, meeting()),
        rejectsWith('CONFLICT'),
      );
    });

    it('lets only the overseer side record, and hides the review from those who may not read it', async () => {
      const planned = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });
      await assert.rejects(
        recordReviewMeeting(as(people.adminA.actor), planned.id, meeting()),
        rejectsWith('FORBIDDEN'),
      );
      for (const name of ['memberB', 'adminB', 'facilitator', 'nobody'] as const)
        await assert.rejects(
          recordReviewMeeting(as(people[name].actor), planned.id, meeting()),
          rejectsWith('NOT_FOUND'),
        );
    });

    it('agrees further actions with follow-ups and marks an action done or dropped, one audit entry each', async () => {
      const planned = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });
      const { actions } = await recordReviewMeeting(as(people.oversightRegionA.actor), planned.id, meeting());
      const added = await addReviewActions(as(people.oversightRegionA.actor), planned.id, {
        actions: [
          { description: 'Another one', ownerSide: 'overseer', ownerName: 'Ben Example', due: '2027-01-10' },
        ],
      });
      assert.equal(added.length, 1);
      assert.equal(await count('follow_up'), 3);
      const done = await setReviewAction(as(people.oversightRegionA.actor), planned.id, actions[0].id, {
        status: 'done',
        completedOn: '2026-12-10',
      });
      assert.equal(done.status, 'done');
      assert.equal(done.completed_on, '2026-12-10');
      await setReviewAction(as(people.oversightRegionA.actor), planned.id, actions[1].id, {
        status: 'dropped',
      });
      await assert.rejects(
        setReviewAction(as(people.oversightRegionA.actor), planned.id, actions[1].id, { status: 'done' }),
        rejectsWith('CONFLICT'),
      );
      await assert.rejects(
        setReviewAction(as(people.contributorA.actor), planned.id, actions[0].id, { status: 'dropped' }),
        rejectsWith('FORBIDDEN'),
      );
      assert.deepEqual(
        (await reviewAudits()).map((entry) => entry.action),
        ['review.plan', 'review.record', 'review.actions', 'review.action_status', 'review.action_status'],
      );
    });
  });

  describe('reading', () => {
    it('shows each review to exactly the readers the policy names, in lists and one by one', async () => {
      const ofA = await planReview(as(people.oversightRegionA.actor), { org: orgA, quarter: 'Q3 2026/27' });
      const ofB = await planReview(as(operator('test')), { org: orgB, quarter: 'Q3 2026/27' });
      for (const { name, actor } of everyReader(people)) {
        const listed =
          actor.kind === 'anonymous' ? [] : (await listReviews(as(actor), {})).map((row) => row.id);
        for (const review of [ofA, ofB]) {
          const detail = await findReview(as(actor), review.id);
          const org =
            review.org_code === orgA
              ? { code: orgA, icbCodes: ['QAA'], regionCodes: ['Y01'] }
              : { code: orgB, icbCodes: ['QBB'], regionCodes: ['Y02'] };
          const expected = canReview(actor, 'read', {
            org,
            overseer: { code: review.overseer_org_code, kind: 'region' },
          });
          assert.equal(detail !== null, expected, `${name} reading review of ${review.org_code}`);
          if (actor.kind !== 'anonymous')
            assert.equal(listed.includes(review.id), expected, `${name} listing`);
        }
      }
      assert.equal(await findReview(as(people.memberB.actor), ofA.id), null);
      assert.ok(await findReview(as(people.systemLeadA.actor), ofA.id));
    });

    it('lists an organisation’s reviews for signed-in readers, with who may plan', async () => {
      await planReview(as(people.oversightRegionA.actor), { org: orgA, quarter: 'Q3 2026/27' });
      const asRegion = await organisationReviews(as(people.oversightRegionA.actor), orgA);
      assert.equal(asRegion.reviews.length, 1);
      assert.equal(asRegion.canPlan, true);
      assert.deepEqual(
        asRegion.overseers.map((each) => each.code),
        ['Y01'],
      );
      const asMemberB = await organisationReviews(as(people.memberB.actor), orgA);
      assert.equal(asMemberB.reviews.length, 0);
      assert.equal(asMemberB.canPlan, false);
      await assert.rejects(organisationReviews(as(anonymous), orgA), rejectsWith('UNAUTHENTICATED'));
    });
  });

  describe('the pack', () => {
    async function addSignals() {
      await upsertSignalEpisodes(
        store.db,
        [
          {
            orgCode: orgA,
            metricId: 'ae-4hr-type1',
            kind: 'concern',
            firstDate: '2026-06-01',
            latestDate: '2026-10-01',
            points: 5,
            latestValue: 61,
            detail: 'Five points below the lower limit',
          },
          {
            orgCode: orgA,
            metricId: 'ae-4hr-all',
            kind: 'improvement',
            firstDate: '2026-07-01',
            latestDate: '2026-10-01',
            points: 4,
            latestValue: 2,
            detail: 'Four points below the mean',
          },
          {
            orgCode: orgB,
            metricId: 'ae-4hr-type1',
            kind: 'concern',
            firstDate: '2026-06-01',
            latestDate: '2026-10-01',
            points: 5,
            latestValue: 55,
            detail: 'Another trust’s concern',
          },
        ],
        new Date('2026-10-15T00:00:00Z'),
      );
    }

    it('carries the concerns, improvements, open inquiries and last review’s actions the store holds', async () => {
      await addSignals();
      await openInquiry(as(people.contributorA.actor), {
        org: orgA,
        title: 'Why are waits longer at night?',
        visibility: 'organisation',
      });
      const earlier = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q2 2026/27',
      });
      await recordReviewMeeting(
        as(people.oversightRegionA.actor),
        earlier.id,
        meeting({ heldOn: '2026-09-01' }),
      );
      const planned = await planReview(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
      });

      const pack = await reviewPack(as(people.oversightRegionA.actor), {
        org: orgA,
        quarter: 'Q3 2026/27',
        reviewId: planned.id,
      });
      const concerns = (
        await sql<{
          metric_id: string;
        }>`select distinct metric_id from signal where org_code = ${orgA} and kind = 'concern' and closed_at is null order by metric_id`.execute(
          store.db,
        )
      ).rows.map((row) => row.metric_id);
      assert.deepEqual(pack.concerns.map((concern) => concern.metricId).sort(), concerns);
      assert.deepEqual(
        pack.improving.map((signal) => signal.metricId),
        ['ae-4hr-all'],
      );
      for (const concern of pack.concerns) {
        assert.ok(
          concern.offers.every((offer) => offer.orgCode !== orgA),
          'never the organisation itself',
        );
        if (concern.offers.length < 3) assert.match(concern.gap ?? '', /gap in the improvement directory/);
      }
      assert.equal(pack.openInquiries.length, 1);
      assert.equal(pack.openInquiries[0].title, 'Why are waits longer at night?');
      assert.equal(pack.review?.id, planned.id);
      assert.equal(pack.lastReview?.id, earlier.id);
      assert.deepEqual(pack.since, { date: '2026-09-01', basis: 'last-review' });
      const storedActions = (
        await sql<{
          description: string;
          status: string;
        }>`select description, status from review_action where review_id = ${earlier.id} order by id`.execute(
          store.db,
        )
      ).rows;
      assert.deepEqual(
        pack.lastReview?.actions.map((action) => [
          action.description,
          action.status,
          action.followUps.length,
        ]),
        storedActions.map((row) => [row.description, row.status, 1]),
      );
      assert.equal(pack.nof, null);
      assert.ok(
        pack.nofMessage && pack.nofMessage.length > 20,
        'says why there is no segment, never a blank',
      );
    });

    it('is read only by those who read the organisation’s reviews', async () => {
      for (const name of ['memberB', 'facilitator', 'nobody'] as const)
        await assert.rejects(
          reviewPack(as(people[name].actor), { org: orgA, quarter: 'Q3 2026/27' }),
          rejectsWith('NOT_FOUND'),
        );
      await assert.rejects(
        reviewPack(as(anonymous), { org: orgA, quarter: 'Q3 2026/27' }),
        rejectsWith('UNAUTHENTICATED'),
      );
      const pack = await reviewPack(as(people.memberA.actor), { org: orgA, quarter: 'Q3 2026/27' });
      assert.equal(pack.lastReview, null);
      assert.deepEqual(pack.since, { date: '2026-10-01', basis: 'quarter-start' });
    });
  });
});
