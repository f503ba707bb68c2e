import type { Actor } from '../../policies/actor.ts';
import { canReview, type ReviewResource } from '../../policies/review.ts';
import { scope } from '../../policies/scope.ts';
import {
  type FollowUpDetailRow,
  type FollowUpFilter,
  findFollowUp,
  findPeerReviewFollowUp,
  listFollowUps,
  listPeerReviewFollowUps,
} from '../../store/repos/follow-up-repo.ts';
import { organisationContext } from '../../store/repos/organisation-repo.ts';
import type { UseCaseContext } from '../context.ts';
import { type ChangeClaimReading, changeClaimReadings } from './change-claim.ts';

/** A follow-up as a page or the API shows it: what the reader may do, and what the chart says of a claimed change. */
export interface FollowUpDetail {
  readonly followUp: FollowUpDetailRow;
  readonly mayAnswer: boolean;
  readonly readings: readonly ChangeClaimReading[];
}

/** The review policy's view of a follow-up's review (`followUpReviewResource`). */
export async function followUpReviewResource(
  context: Pick<UseCaseContext, 'db'>,
  row: Pick<FollowUpDetailRow, 'org_code' | 'overseer_org_code' | 'overseer_kind' | 'action_owner_user_id'>,
): Promise<ReviewResource> {
  const org = (await organisationContext(context.db, row.org_code)) ?? {
    code: row.org_code,
    icbCodes: [],
    regionCodes: [],
  };
  return {
    org,
    overseer: { code: row.overseer_org_code, kind: row.overseer_kind === 'icb' ? 'icb' : 'region' },
    ownerUserIds: row.action_owner_user_id === null ? [] : [row.action_owner_user_id],
  };
}

/**
 * Whether the actor may answer a follow-up (`mayAnswerFollowUp`): the review policy's `answer` (the
 * overseer side that records, the organisation's contributors and admins, the action's owner), or
 * the user who agreed the review; never once it is answered.
 */
export function mayAnswerFollowUp(actor: Actor, row: FollowUpDetailRow, review: ReviewResource): boolean {
  return row.state !== 'answered' && isAnswerer(actor, row, review);
}

/** Whether the actor is one of those who answer a follow-up, whatever its state (`isAnswerer`). */
export function isAnswerer(actor: Actor, row: FollowUpDetailRow, review: ReviewResource): boolean {
  if (canReview(actor, 'answer', review)) return true;
  return (
    actor.kind === 'user' && (row.agreed_by === actor.userId || row.action_owner_user_id === actor.userId)
  );
}

/** One follow-up the actor reads, with what they may do and the chart's reading of a claimed change (`getFollowUp`); null otherwise. */
export async function getFollowUp(context: UseCaseContext, id: number): Promise<FollowUpDetail | null> {
  const reader = scope(context.actor, 'read', 'review');
  const row =
    (await findFollowUp(context.db, reader, id)) ?? (await findPeerReviewFollowUp(context.db, reader, id));
  if (!row) return null;
  const review = await followUpReviewResource(context, row);
  return {
    followUp: row,
    mayAnswer: mayAnswerFollowUp(context.actor, row, review),
    readings: await changeClaimReadings(context.db, row),
  };
}

/**
 * The follow-ups the actor reads (`findFollowUps`): those of review conversations' agreed actions and
 * of peer reviews' action plans together, the earliest due first, at most `filter.limit` (1,000).
 */
export async function findFollowUps(
  context: UseCaseContext,
  filter: FollowUpFilter = {},
): Promise<FollowUpDetailRow[]> {
  const reader = scope(context.actor, 'read', 'review');
  const reviews = await listFollowUps(context.db, reader, filter);
  const peerReviews = await listPeerReviewFollowUps(context.db, reader, filter);
  return [...reviews, ...peerReviews]
    .sort((a, b) => (a.due_on < b.due_on ? -1 : a.due_on > b.due_on ? 1 : a.id - b.id))
    .slice(0, filter.limit ?? 1000);
}
