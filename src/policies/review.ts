import { type Actor, hasNationalOversight, oversightOfRegions, systemLeadOf, writerOf } from './actor.ts';
import type { OrganisationContext } from './organisation-context.ts';
import { overseesOrganisation, scope } from './scope.ts';

/**
 * Review policy. A review is a quarterly conversation between an organisation and its overseer:
 * an NHS England region (for a trust in it) or an ICB (for a provider that belongs to it).
 *
 * Reading (the same rule as `reviewScopeFilter` in store/repos/scope-filter.ts): the operator; the
 * reviewed organisation's people (member, contributor, admin); those who oversee it — oversight of
 * its region, national oversight, the system lead of an ICB it belongs to. Not other organisations,
 * not facilitators, not anonymous visitors.
 *
 * Recording (planning a review, recording the meeting, marking an agreed action done or dropped):
 * the operator; when the overseer is a region, oversight of that region and national oversight; when
 * the overseer is an ICB, its system lead.
 *
 * Answering a follow-up: those who record, the organisation's contributors and administrators, and
 * the owner of an agreed action — each only while they may read the review.
 */
export interface ReviewResource {
  /** The reviewed organisation. */
  readonly org: OrganisationContext;
  /** The overseer: a region or an ICB. */
  readonly overseer: { readonly code: string; readonly kind: 'region' | 'icb' };
  /** The users who own the review's agreed actions. */
  readonly ownerUserIds?: readonly number[];
}

export type ReviewAction = 'read' | 'record' | 'answer';

/** Whether the actor may `read` a review, `record` it (plan, meeting, actions) or `answer` its follow-ups (`canReview`). */
export function canReview(actor: Actor, action: ReviewAction, review: ReviewResource): boolean {
  if (!canReadReview(actor, review)) return false;
  if (action === 'read') return true;
  if (action === 'record') return mayRecordFor(actor, review.overseer);
  if (actor.kind === 'operator' || mayRecordFor(actor, review.overseer)) return true;
  if (writerOf(actor).includes(review.org.code)) return true;
  return actor.kind === 'user' && (review.ownerUserIds ?? []).includes(actor.userId);
}

/** The read rule of one review (`canReadReview`). */
export function canReadReview(actor: Actor, review: ReviewResource): boolean {
  const content = scope(actor, 'read', 'review');
  return content.everything || overseesOrganisation(content, review.org);
}

/**
 * Whether the actor records reviews as this overseer (`mayRecordFor`): oversight of the region or
 * national oversight for a region, the system lead for an ICB, and the operator.
 */
export function mayRecordFor(actor: Actor, overseer: ReviewResource['overseer']): boolean {
  if (actor.kind === 'operator') return true;
  if (actor.kind !== 'user') return false;
  if (overseer.kind === 'region')
    return hasNationalOversight(actor) || oversightOfRegions(actor).includes(overseer.code);
  return systemLeadOf(actor).includes(overseer.code);
}

/**
 * Whether the actor may plan a review of the organisation with some overseer
 * (`canPlanReview`): the operator, national oversight, oversight of its region, the system lead of
 * an ICB it belongs to.
 */
export function canPlanReview(actor: Actor, org: OrganisationContext): boolean {
  if (actor.kind === 'operator') return true;
  return (
    org.regionCodes.some((code) => mayRecordFor(actor, { code, kind: 'region' })) ||
    org.icbCodes.some((code) => mayRecordFor(actor, { code, kind: 'icb' }))
  );
}
