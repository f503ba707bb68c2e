import { type PeerReviewStage, type PeerTeamState, stageReached } from '../domain/peer-review.ts';
import { type Actor, peopleOf, writerOf } from './actor.ts';

/**
 * Peer review policy. A peer review belongs to its host organisation, which invites people from
 * other organisations to review it.
 *
 * Writing: the host's administrators and contributors create and run it — scoping, inviting the peer
 * team, confirming the on-site days, choosing what is public, publishing the report and action plan,
 * and the progress review. An invited peer (a Tend user added to the team) accepts or declines; once
 * accepted, they record findings and recommendations from the on-site days on. The operator may do
 * everything.
 *
 * Reading: the host's people (members, contributors, administrators) and the peers who accepted
 * read the whole review; an invited peer reads it too, to decide. Everyone else, signed in or not,
 * reads only what the host made public, and only once the report is published: the title, the
 * host, the stage dates and the team by role always; the report (summary, findings and
 * recommendations), the action plan and the progress review each where the host chose so.
 */

/** A peer review as the policy sees it. */
export interface PeerReviewResource {
  readonly hostOrgCode: string;
  readonly stage: PeerReviewStage;
  readonly publicReport: boolean;
  readonly publicActionPlan: boolean;
  readonly publicProgress: boolean;
}

/** A team member as the policy sees them (a `peer_review_member` row has these fields). */
export interface PeerTeamFacts {
  readonly user_id: number | null;
  readonly state: PeerTeamState;
}

function userIdOf(actor: Actor): number | null {
  return actor.kind === 'user' ? actor.userId : null;
}

/** Whether the actor runs the review for its host (`mayRunPeerReview`): the host's writers, the operator. */
export function mayRunPeerReview(actor: Actor, review: Pick<PeerReviewResource, 'hostOrgCode'>): boolean {
  return actor.kind === 'operator' || writerOf(actor).includes(review.hostOrgCode);
}

/** Whether the actor may start a peer review of some organisation (`mayStartPeerReview`): a writer for one, the operator. */
export function mayStartPeerReview(actor: Actor): boolean {
  return actor.kind === 'operator' || writerOf(actor).length > 0;
}

/** Whether the actor is one of the host's people (`isHostPerson`). */
export function isHostPerson(actor: Actor, review: Pick<PeerReviewResource, 'hostOrgCode'>): boolean {
  return peopleOf(actor).includes(review.hostOrgCode);
}

/** The actor's own place on the team, if any (`teamPlaceOf`). */
export function teamPlaceOf<Member extends PeerTeamFacts>(
  actor: Actor,
  team: readonly Member[],
): Member | undefined {
  const userId = userIdOf(actor);
  return userId === null ? undefined : team.find((member) => member.user_id === userId);
}

/** Whether the actor is a peer who accepted (`isAcceptedPeer`). */
export function isAcceptedPeer(actor: Actor, team: readonly PeerTeamFacts[]): boolean {
  return teamPlaceOf(actor, team)?.state === 'accepted';
}

/** Whether the actor reads the whole review, unpublished parts included (`readsWholePeerReview`). */
export function readsWholePeerReview(
  actor: Actor,
  review: PeerReviewResource,
  team: readonly PeerTeamFacts[],
): boolean {
  if (actor.kind === 'operator' || isHostPerson(actor, review)) return true;
  const state = teamPlaceOf(actor, team)?.state;
  return state === 'accepted' || state === 'invited';
}

/** Whether the review is published, so that what the host made public may be read (`isPeerReviewPublished`). */
export function isPeerReviewPublished(review: Pick<PeerReviewResource, 'stage'>): boolean {
  return stageReached(review.stage, 'report_published');
}

/** Whether the actor may see the review at all (`canReadPeerReview`). */
export function canReadPeerReview(
  actor: Actor,
  review: PeerReviewResource,
  team: readonly PeerTeamFacts[],
): boolean {
  return readsWholePeerReview(actor, review, team) || isPeerReviewPublished(review);
}

/** What of a review the actor reads (`peerReviewSections`). */
export function peerReviewSections(
  actor: Actor,
  review: PeerReviewResource,
  team: readonly PeerTeamFacts[],
): { questions: boolean; report: boolean; actionPlan: boolean; progress: boolean } {
  if (readsWholePeerReview(actor, review, team))
    return { questions: true, report: true, actionPlan: true, progress: true };
  const published = isPeerReviewPublished(review);
  return {
    questions: false,
    report: published && review.publicReport,
    actionPlan: published && review.publicActionPlan,
    progress: published && review.publicProgress,
  };
}

/** Whether the actor may record findings and recommendations now (`canRecordPeerFindings`). */
export function canRecordPeerFindings(
  actor: Actor,
  review: PeerReviewResource,
  team: readonly PeerTeamFacts[],
): boolean {
  if (!(actor.kind === 'operator' || isAcceptedPeer(actor, team))) return false;
  return review.stage === 'on_site' || review.stage === 'findings';
}

/** Whether the actor may answer an invitation to the team (`canAnswerPeerInvitation`). */
export function canAnswerPeerInvitation(actor: Actor, team: readonly PeerTeamFacts[]): boolean {
  return teamPlaceOf(actor, team)?.state === 'invited';
}

/**
 * The read filter of peer reviews for lists (`peerReviewListScope`): the operator reads all; a
 * user, those of their organisations and those whose team they are on; everyone the published ones.
 */
export interface PeerReviewListScope {
  readonly everything: boolean;
  readonly userId: number | null;
  readonly hostOrgCodes: readonly string[];
}

export function peerReviewListScope(actor: Actor): PeerReviewListScope {
  return { everything: actor.kind === 'operator', userId: userIdOf(actor), hostOrgCodes: peopleOf(actor) };
}
