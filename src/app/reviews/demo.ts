import { defaultFollowUpDays } from '../../domain/improvement.ts';
import { formatQuarterLabel, parseQuarterLabel, quarterLabelOfDate } from '../../domain/quarter.ts';
import { AppError } from '../../errors.ts';
import { organisationContext } from '../../store/repos/organisation-repo.ts';
import { markReviewsAsExamples } from '../../store/repos/review-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { addDays } from './input.ts';
import { reviewPack } from './pack.ts';
import { possibleOverseers } from './read.ts';
import { planReview, recordReviewMeeting } from './write.ts';

/** Where the demo's accounts live (see demo-accounts.ts). */
const demoDomain = 'tend-demo.example';

/** What `createDemoReviews` made. */
export interface DemoReviews {
  reviewId: number;
  orgCode: string;
  overseerCode: string;
  followUpOn: string;
  actionIds: number[];
  /** The next quarter's review, planned, whose pack shows what was agreed at this one. */
  nextReviewId: number | null;
}

/**
 * `createDemoReviews`: the demo's completed review of the focus trust with its region, marked as an
 * example. Held six weeks before its follow-up date, which is the day of `followUpAt` (default five
 * minutes after the clock's now), so its follow-ups fall due in the demo's first minutes. Recorded by
 * the demo's oversight account of the region when there is one (else the operator), with invented
 * attendees, the pack's offers of help on the focus metric (the first accepted), and two agreed
 * actions: one owned by the demo contributor of the trust (else by name), one by the overseer side.
 * The next quarter's review is planned too, so its pack shows what was agreed and how it went. Run as
 * the operator, after the demo accounts and the directory's examples.
 */
export async function createDemoReviews(
  context: UseCaseContext,
  focus: { orgCode: string; metricId: string },
  options: { followUpAt?: Date } = {},
): Promise<DemoReviews> {
  authorise(context, context.actor.kind === 'operator', 'create the demo review');
  const org = await organisationContext(context.db, focus.orgCode);
  const overseer = org && (await possibleOverseers(context, org)).find((each) => each.kind === 'region');
  if (!org || !overseer)
    throw new AppError(
      'NOT_FOUND',
      `The demo review needs ${focus.orgCode} with its region: import the ODS trust list (data/ods-trusts-2025) first.`,
    );
  const followUpOn = isoDay(options.followUpAt ?? new Date(context.clock().getTime() + 5 * 60_000));
  const heldOn = addDays(followUpOn, -defaultFollowUpDays);
  const userContext = async (email: string) => {
    const user = await findUserByEmail(context.db, email);
    const actor = user && (await loadUserActor(context.db, user.id, context.clock(), 'session'));
    return actor ? { ...context, actor } : null;
  };
  const overseerEmail = `oversight.${overseer.code.toLowerCase()}@${demoDomain}`;
  const contributorEmail = `contributor.${org.code.toLowerCase()}@${demoDomain}`;
  const recorder = (await userContext(overseerEmail)) ?? context;
  const contributor = await findUserByEmail(context.db, contributorEmail);

  const review = await planReview(recorder, {
    org: org.code,
    quarter: quarterLabelOfDate(heldOn),
    overseer: overseer.code,
  });
  const pack = await reviewPack(context, { org: org.code, quarter: review.quarter, reviewId: review.id });
  const offers = (pack.concerns.find((concern) => concern.metricId === focus.metricId)?.offers ?? []).slice(
    0,
    3,
  );
  const helper = offers[0];
  const recorded = await recordReviewMeeting(recorder, review.id, {
    heldOn,
    attendees: [
      { name: 'Example: Alex Morgan', role: 'Chief executive', side: 'organisation' },
      { name: 'Example: Priya Shah', role: 'Director of operations', side: 'organisation' },
      { name: 'Example: Sam Okafor', role: 'Regional director of performance', side: 'overseer' },
    ],
    notes:
      'Example: an invented record of a quarterly review, made for the demo. We started from what is improving, then looked at the concern on the chart and the organisations that have improved the same measure. The trust took up an offer to visit one of them; the region offered to put the teams in touch and to come back in six weeks to ask how it went.',
    offers: offers.map((offer, index) => ({
      metric: offer.metricId,
      from: offer.orgCode,
      entryId: offer.entryId,
      accepted: index === 0,
    })),
    actions: [
      {
        description: helper
          ? `Example: visit ${helper.orgName} to see what they changed, and choose one idea to test`
          : 'Example: choose one change idea from the improvement directory to test',
        ownerSide: 'organisation',
        ...(contributor ? { ownerEmail: contributor.email } : { ownerName: 'Example: Priya Shah' }),
        due: followUpOn,
        support: helper ? `Example: an introduction to ${helper.orgName}'s team` : '',
        supportBy: helper?.orgCode ?? null,
      },
      {
        description:
          'Example: introduce the trust’s operations team to the peers who improved, and share their contacts',
        ownerSide: 'overseer',
        ...(recorder === context ? { ownerName: 'Example: Sam Okafor' } : { ownerEmail: overseerEmail }),
        due: addDays(heldOn, 14),
      },
    ],
    followUpOn,
  });
  // The next quarter's review, planned: its pack opens with what was agreed at this one, and how the
  // follow-ups went once they are answered.
  const next = parseQuarterLabel(review.quarter);
  const nextReview = next
    ? await planReview(recorder, {
        org: org.code,
        quarter:
          next.quarter === 4
            ? formatQuarterLabel(1, next.startYear + 1)
            : formatQuarterLabel((next.quarter + 1) as 2 | 3 | 4, next.startYear),
        overseer: overseer.code,
      })
    : null;
  await auditedWrite(context, {}, async (trx) => {
    await markReviewsAsExamples(trx, nextReview ? [review.id, nextReview.id] : [review.id]);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'review',
        entityId: review.id,
        orgCode: org.code,
        after: { isExample: true },
      },
    };
  });
  return {
    reviewId: review.id,
    nextReviewId: nextReview?.id ?? null,
    orgCode: org.code,
    overseerCode: overseer.code,
    followUpOn,
    actionIds: recorded.actions.map((action) => action.id),
  };
}
