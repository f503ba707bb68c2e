import {
  canAnswerPeerInvitation,
  canReadPeerReview,
  canRecordPeerFindings,
  isPeerReviewPublished,
  mayRunPeerReview,
  type PeerReviewResource,
  peerReviewListScope,
  peerReviewSections,
  readsWholePeerReview,
  teamPlaceOf,
} from '../../policies/peer-review.ts';
import {
  findPeerReview,
  listPeerReviewActions,
  listPeerReviewFindings,
  listPeerReviewMembers,
  listPeerReviews,
  type PeerReviewActionRow,
  type PeerReviewFindingRow,
  type PeerReviewMemberRow,
  type PeerReviewWithHost,
} from '../../store/repos/peer-review-repo.ts';
import type { UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading peer reviews through the policy: one review with the sections the actor may read and what
 * they may do next; the list of published ones, and the actor's own.
 */

export type TeamMember = PeerReviewMemberRow & { org_name: string | null };

/** The policy's view of a review row (`peerReviewResource`). */
export function peerReviewResource(
  row: Pick<
    PeerReviewWithHost,
    'host_org_code' | 'stage' | 'public_report' | 'public_action_plan' | 'public_progress'
  >,
): PeerReviewResource {
  return {
    hostOrgCode: row.host_org_code,
    stage: row.stage,
    publicReport: row.public_report,
    publicActionPlan: row.public_action_plan,
    publicProgress: row.public_progress,
  };
}

/** What the actor may do with a review. */
export interface PeerReviewPermissions {
  readonly run: boolean;
  readonly answerInvitation: boolean;
  readonly recordFindings: boolean;
  readonly wholeReview: boolean;
}

/** A review as the actor reads it: sections they may not read are empty, with `sections` saying which. */
export interface PeerReviewDetail {
  readonly review: PeerReviewWithHost;
  readonly team: readonly TeamMember[];
  readonly findings: readonly PeerReviewFindingRow[];
  readonly actions: readonly (PeerReviewActionRow & {
    follow_up_id: number | null;
    follow_up_state: string | null;
  })[];
  readonly sections: { questions: boolean; report: boolean; actionPlan: boolean; progress: boolean };
  readonly may: PeerReviewPermissions;
  readonly myPlace: TeamMember | undefined;
}

/** Loads a review with its team, or NOT_FOUND when the actor may not see it (`loadPeerReview`). */
export async function loadPeerReview(context: UseCaseContext, id: number) {
  const review = await findPeerReview(context.db, id);
  if (!review) throw notFound(id);
  const team = await listPeerReviewMembers(context.db, id);
  const resource = peerReviewResource(review);
  if (!canReadPeerReview(context.actor, resource, team)) throw notFound(id);
  return { review, team, resource };
}

/** One review as the actor may read it (`getPeerReview`). */
export async function getPeerReview(context: UseCaseContext, id: number): Promise<PeerReviewDetail> {
  const { review, team, resource } = await loadPeerReview(context, id);
  const sections = peerReviewSections(context.actor, resource, team);
  const whole = readsWholePeerReview(context.actor, resource, team);
  const findings = sections.report ? await listPeerReviewFindings(context.db, id) : [];
  const actions = sections.actionPlan ? await listPeerReviewActions(context.db, id) : [];
  const shown = {
    ...review,
    questions: sections.questions ? review.questions : '',
    report_summary: sections.report ? review.report_summary : null,
    progress_summary: sections.progress ? review.progress_summary : null,
  };
  return {
    review: shown,
    // Outside the review, the team is shown by role and organisation: names and accounts stay inside.
    team: whole
      ? team
      : team
          .filter((member) => member.state === 'accepted' || member.state === 'named')
          .map((member) => ({ ...member, name: '', user_id: null })),
    findings,
    actions,
    sections,
    may: {
      run: mayRunPeerReview(context.actor, resource),
      answerInvitation: canAnswerPeerInvitation(context.actor, team),
      recordFindings: canRecordPeerFindings(context.actor, resource, team),
      wholeReview: whole,
    },
    myPlace: teamPlaceOf(context.actor, team),
  };
}

/** The reviews the actor may list (`listReadablePeerReviews`): published ones, and their own. */
export async function listReadablePeerReviews(context: UseCaseContext): Promise<{
  published: PeerReviewWithHost[];
  yours: PeerReviewWithHost[];
}> {
  const rows = await listPeerReviews(context.db, peerReviewListScope(context.actor));
  return {
    published: rows.filter((row) => isPeerReviewPublished(row)),
    yours: context.actor.kind === 'anonymous' ? [] : rows.filter((row) => !isPeerReviewPublished(row)),
  };
}
