import { AppError } from '../../errors.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { canPlanReview, canReview, type ReviewResource } from '../../policies/review.ts';
import { scope } from '../../policies/scope.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import {
  type FollowUpRow,
  findReviewRow,
  listReviewActions,
  listReviewAttendees,
  listReviewFollowUps,
  listReviewOffers,
  listReviewRows,
  type ReviewActionRow,
  type ReviewAttendeeRow,
  type ReviewOfferWithName,
  type ReviewWithNames,
} from '../../store/repos/review-repo.ts';
import type { OrganisationRow } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading reviews: one with its attendees, offers, agreed actions and follow-ups, and lists by
 * organisation or overseer. Everything goes through the review scope (`policies/review.ts`); what it
 * does not allow is absent (NOT_FOUND, never FORBIDDEN), so a review's existence is not revealed.
 */

/** A review as a list shows it. */
export interface ReviewSummary {
  id: number;
  orgCode: string;
  orgName: string;
  overseerCode: string;
  overseerName: string;
  quarter: string;
  state: 'planned' | 'held';
  heldOn: string | null;
  followUpOn: string | null;
  isExample: boolean;
  href: string;
}

/** An agreed action with its follow-ups. */
export interface ReviewActionWithFollowUps extends ReviewActionRow {
  followUps: FollowUpRow[];
}

export interface ReviewDetail {
  review: ReviewWithNames;
  resource: ReviewResource;
  attendees: ReviewAttendeeRow[];
  offers: ReviewOfferWithName[];
  actions: ReviewActionWithFollowUps[];
  followUps: FollowUpRow[];
  permissions: { record: boolean; answer: boolean };
}

/** The address of an organisation's reviews, or of one review. */
export function reviewsPath(orgCode: string, id?: number): string {
  const base = `/organisations/${encodeURIComponent(orgCode)}/reviews`;
  return id === undefined ? base : `${base}/${id}`;
}

/** A review row as a list summary (`reviewSummary`). */
export function reviewSummary(row: ReviewWithNames): ReviewSummary {
  return {
    id: row.id,
    orgCode: row.org_code,
    orgName: row.org_name,
    overseerCode: row.overseer_org_code,
    overseerName: row.overseer_name,
    quarter: row.quarter,
    state: row.state,
    heldOn: row.held_on,
    followUpOn: row.follow_up_on,
    isExample: row.is_example,
    href: reviewsPath(row.org_code, row.id),
  };
}

/** The policy's view of a review row (`reviewResource`), with the owners of its actions. */
export async function reviewResource(
  context: Pick<UseCaseContext, 'db'>,
  row: { org_code: string; overseer_org_code: string; overseer_kind: string },
  ownerUserIds: readonly number[] = [],
): Promise<ReviewResource | undefined> {
  const org = await organisationContext(context.db, row.org_code);
  if (!org) return undefined;
  return {
    org,
    overseer: { code: row.overseer_org_code, kind: row.overseer_kind === 'icb' ? 'icb' : 'region' },
    ownerUserIds,
  };
}

/** One review the actor may read, with everything recorded about it (`findReview`); null when absent or not readable. */
export async function findReview(context: UseCaseContext, id: number): Promise<ReviewDetail | null> {
  if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) return null;
  const review = await findReviewRow(context.db, scope(context.actor, 'read', 'review'), id);
  if (!review) return null;
  const [attendees, offers, actions, followUps] = await Promise.all([
    listReviewAttendees(context.db, id),
    listReviewOffers(context.db, id),
    listReviewActions(context.db, id),
    listReviewFollowUps(context.db, id),
  ]);
  const owners = actions.flatMap((action) => (action.owner_user_id === null ? [] : [action.owner_user_id]));
  const resource = await reviewResource(context, review, owners);
  if (!resource || !canReview(context.actor, 'read', resource)) return null;
  return {
    review,
    resource,
    attendees,
    offers,
    actions: actions.map((action) => ({
      ...action,
      followUps: followUps.filter((followUp) => followUp.review_action_id === action.id),
    })),
    followUps,
    permissions: {
      record: canReview(context.actor, 'record', resource),
      answer: canReview(context.actor, 'answer', resource),
    },
  };
}

/** `findReview`, or NOT_FOUND (`getReview`). */
export async function getReview(context: UseCaseContext, id: number): Promise<ReviewDetail> {
  const detail = await findReview(context, id);
  if (!detail) throw notFound(id);
  return detail;
}

/** Reviews the actor may read, of an organisation and/or led by an overseer, the latest first (`listReviews`). */
export async function listReviews(
  context: UseCaseContext,
  filter: { org?: string; overseer?: string },
): Promise<ReviewSummary[]> {
  const rows = await listReviewRows(context.db, scope(context.actor, 'read', 'review'), {
    orgCode: filter.org?.toUpperCase(),
    overseerCode: filter.overseer?.toUpperCase(),
  });
  return rows.map(reviewSummary);
}

/** A region or ICB that may lead a review of an organisation. */
export interface PossibleOverseer {
  code: string;
  name: string;
  kind: 'region' | 'icb';
}

/** The regions and ICBs the organisation belongs to that could lead its review (`possibleOverseers`), regions first. */
export async function possibleOverseers(
  context: Pick<UseCaseContext, 'db'>,
  org: OrganisationContext,
): Promise<PossibleOverseer[]> {
  const found: PossibleOverseer[] = [];
  for (const code of [...org.regionCodes, ...org.icbCodes]) {
    const row = await findOrganisation(context.db, code);
    if (row && (row.kind === 'region' || row.kind === 'icb') && !found.some((each) => each.code === code))
      found.push({ code: row.code, name: row.name, kind: row.kind });
  }
  return found.sort((a, b) =>
    a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'region' ? -1 : 1,
  );
}

export interface OrganisationReviews {
  organisation: OrganisationRow;
  reviews: ReviewSummary[];
  /** Whether the actor may plan a review of the organisation, and with which overseers. */
  canPlan: boolean;
  overseers: PossibleOverseer[];
}

/**
 * An organisation's reviews the actor may read (`organisationReviews`): signed-in readers only
 * (UNAUTHENTICATED for anonymous visitors); NOT_FOUND for an unknown organisation.
 */
export async function organisationReviews(
  context: UseCaseContext,
  orgCode: string,
): Promise<OrganisationReviews> {
  if (context.actor.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in to see reviews.');
  const organisation = /^[A-Za-z0-9]{2,10}$/.test(orgCode)
    ? await findOrganisation(context.db, orgCode)
    : undefined;
  if (!organisation) throw new AppError('NOT_FOUND', `No organisation has the code ${orgCode.slice(0, 20)}.`);
  const org = await organisationContext(context.db, organisation.code);
  const reviews = await listReviews(context, { org: organisation.code });
  const canPlan = !!org && canPlanReview(context.actor, org);
  const overseers = canPlan && org ? await possibleOverseers(context, org) : [];
  return {
    organisation,
    reviews,
    canPlan: canPlan && overseers.some((each) => canPlanWith(context, org, each)),
    overseers: org ? overseers.filter((each) => canPlanWith(context, org, each)) : [],
  };
}

function canPlanWith(
  context: UseCaseContext,
  org: OrganisationContext | undefined,
  overseer: PossibleOverseer,
) {
  if (!org) return false;
  return canReview(context.actor, 'record', { org, overseer: { code: overseer.code, kind: overseer.kind } });
}
