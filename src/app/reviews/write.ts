import type { Transaction } from 'kysely';
import { defaultFollowUpDays } from '../../domain/improvement.ts';
import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId, peopleOf } from '../../policies/actor.ts';
import { canPlanReview, canReview, mayRecordFor, type ReviewResource } from '../../policies/review.ts';
import { findMetric } from '../../store/repos/metric-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import {
  existingEntryIds,
  insertFollowUps,
  insertReview,
  insertReviewActions,
  insertReviewAttendees,
  insertReviewOffers,
  markReviewHeld,
  type ReviewActionRow,
  type ReviewRow,
  setReviewActionStatus,
} from '../../store/repos/review-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import type { Database } from '../../store/tables.ts';
import { loadUserActor } from '../accounts/actor.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import {
  type ActionInput,
  addDays,
  checkActions,
  checkAttendees,
  checkField,
  checkOffers,
  validationFailed,
  valuesOf,
} from './input.ts';
import { getReview, possibleOverseers } from './read.ts';

/**
 * Writing reviews. Each use case is one audited transaction (`auditedWrite`): plan a review of an
 * organisation for a quarter; record the meeting (attendees, notes, the offers of help made and
 * accepted, agreed actions, the follow-up date — six weeks after the meeting unless chosen — and one
 * scheduled follow-up per agreed action); agree more actions afterwards; mark an action done or
 * dropped. Only the overseer side records (`policies/review.ts`).
 */

/** Plans a review of an organisation for a quarter with a region or ICB it belongs to (`planReview`). */
export async function planReview(context: UseCaseContext, input: unknown): Promise<ReviewRow> {
  const values = valuesOf(input);
  const problems: string[] = [];
  const orgCode = checkField('org', values.org, problems);
  const quarter = checkField('quarter', values.quarter, problems);
  const overseerCode = checkField('overseer', values.overseer, problems);
  let overseer: ReviewResource['overseer'] | undefined;
  const org = orgCode ? await organisationContext(context.db, orgCode) : undefined;
  if (orgCode && !org) problems.push(`org: No organisation has the code ${orgCode}`);
  if (org) {
    authorise(context, canPlanReview(context.actor, org), `plan a review of ${org.code}`);
    const overseers = await possibleOverseers(context, org);
    const chosen = overseerCode
      ? overseers.find((each) => each.code === overseerCode)
      : overseers.find((each) => mayRecordFor(context.actor, each));
    if (!chosen)
      problems.push(
        overseerCode
          ? `overseer: ${overseerCode} is not a region or ICB that ${org.code} belongs to`
          : `overseer: ${org.code} belongs to no region or ICB you lead reviews for`,
      );
    else {
      overseer = { code: chosen.code, kind: chosen.kind };
      authorise(
        context,
        canReview(context.actor, 'record', { org, overseer }),
        `lead reviews for ${chosen.name}`,
      );
    }
  }
  if (problems.length || !org || !quarter || !overseer) throw validationFailed(problems);
  const chosen = overseer;
  return auditedWrite(context, {}, async (trx, at) => {
    const review = await insertReview(trx, {
      org_code: org.code,
      overseer_org_code: chosen.code,
      quarter,
      state: 'planned',
      created_by: actorUserId(context.actor),
      created_by_label: actorLabel(context.actor),
      created_at: at,
      updated_at: at,
    });
    return {
      result: review,
      audit: {
        action: 'review.plan',
        entityType: 'review',
        entityId: review.id,
        orgCode: org.code,
        after: { quarter, overseer: chosen.code },
      },
    };
  });
}

/** The agreed actions checked against the store: owners, supporters (`resolveActions`). */
async function resolveActions(
  context: UseCaseContext,
  actions: readonly ActionInput[],
  resource: ReviewResource,
  problems: string[],
): Promise<{ input: ActionInput; ownerUserId: number | null; ownerName: string }[]> {
  const resolved: { input: ActionInput; ownerUserId: number | null; ownerName: string }[] = [];
  for (const [index, action] of actions.entries()) {
    const where = `actions: Action ${index + 1}`;
    let ownerUserId: number | null = null;
    let ownerName = action.ownerName ?? '';
    if (action.ownerEmail) {
      const user = await findUserByEmail(context.db, action.ownerEmail);
      const owner = user ? await loadUserActor(context.db, user.id, context.clock(), 'session') : undefined;
      const onSide =
        owner &&
        (action.ownerSide === 'organisation'
          ? peopleOf(owner).includes(resource.org.code)
          : mayRecordFor(owner, resource.overseer) && owner.kind === 'user');
      if (!user || !owner) {
        problems.push(`${where}: No one in Tend has the email address ${action.ownerEmail}`);
        continue;
      }
      if (!onSide) {
        problems.push(
          `${where}: ${action.ownerEmail} is not one of ${action.ownerSide === 'organisation' ? `${resource.org.code}’s people` : 'the overseer’s people'}`,
        );
        continue;
      }
      ownerUserId = user.id;
      if (!ownerName) ownerName = user.display_name;
    }
    if (action.supportBy && !(await findOrganisation(context.db, action.supportBy))) {
      problems.push(`${where}: No organisation has the code ${action.supportBy}`);
      continue;
    }
    resolved.push({ input: action, ownerUserId, ownerName });
  }
  return resolved;
}

/** Inserts agreed actions and one scheduled follow-up each, due on `dueOn` (`insertActionsWithFollowUps`). */
async function insertActionsWithFollowUps(
  trx: Transaction<Database>,
  context: UseCaseContext,
  reviewId: number,
  actions: Awaited<ReturnType<typeof resolveActions>>,
  dueOn: string,
  at: Date,
): Promise<ReviewActionRow[]> {
  const inserted = await insertReviewActions(
    trx,
    actions.map(({ input, ownerUserId, ownerName }) => ({
      review_id: reviewId,
      description: input.description,
      owner_side: input.ownerSide,
      owner_user_id: ownerUserId,
      owner_name: ownerName,
      due_on: input.due,
      support_offered: input.support,
      support_by_org_code: input.supportBy,
      status: 'open' as const,
      created_by: actorUserId(context.actor),
      created_at: at,
    })),
  );
  await insertFollowUps(
    trx,
    inserted.map((action) => ({
      review_id: reviewId,
      review_action_id: action.id,
      due_on: dueOn,
      state: 'scheduled' as const,
      created_at: at,
    })),
  );
  return inserted;
}

/**
 * Records a planned review's meeting (`recordReviewMeeting`): when it was held, who attended, notes,
 * the offers of help made and accepted, agreed actions and the follow-up date (six weeks after the
 * meeting by default); one follow-up per agreed action, due on that date, in the same transaction.
 * CONFLICT when the meeting is already recorded or the review changed since `baseVersion`.
 */
export async function recordReviewMeeting(context: UseCaseContext, id: number, input: unknown) {
  const detail = await getReview(context, id);
  authorise(context, detail.permissions.record, 'record this review');
  if (detail.review.state === 'held')
    throw new AppError(
      'CONFLICT',
      `The meeting of review ${id} is already recorded; agree further actions instead.`,
    );
  const values = valuesOf(input);
  const problems: string[] = [];
  const heldOn = checkField('heldOn', values.heldOn, problems);
  const attendees = checkAttendees(values, problems);
  const notes = checkField('notes', values.notes, problems) ?? '';
  const offers = checkOffers(values, problems);
  const actions = checkActions(values, problems);
  const followUpOn = checkField('followUpOn', values.followUpOn, problems);
  const baseVersion = checkField('baseVersion', values.baseVersion, problems);
  if (heldOn && followUpOn && followUpOn < heldOn)
    problems.push('followUpOn: The follow-up date must be on or after the meeting');
  for (const [index, offer] of offers.entries()) {
    if (!(await findMetric(context.db, offer.metric)))
      problems.push(`offers: Offer ${index + 1}: Tend has no metric with the id ${offer.metric}`);
    else if (!(await findOrganisation(context.db, offer.from)))
      problems.push(`offers: Offer ${index + 1}: No organisation has the code ${offer.from}`);
  }
  const entryIds = offers.flatMap((offer) => (offer.entryId === null ? [] : [offer.entryId]));
  const entries = await existingEntryIds(context.db, entryIds);
  for (const [index, offer] of offers.entries())
    if (offer.entryId !== null && !entries.has(offer.entryId))
      problems.push(`offers: Offer ${index + 1}: There is no directory entry ${offer.entryId}`);
  const resolved = await resolveActions(context, actions, detail.resource, problems);
  if (problems.length || !heldOn) throw validationFailed(problems);
  const version = baseVersion ?? detail.review.version;
  const dueOn = followUpOn ?? addDays(heldOn, defaultFollowUpDays);
  return auditedWrite(context, {}, async (trx, at) => {
    const review = await markReviewHeld(trx, id, version, {
      held_on: heldOn,
      notes,
      follow_up_on: dueOn,
      agreed_by: actorUserId(context.actor),
      agreed_by_label: context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor),
      updated_at: at,
    });
    if (!review)
      throw new AppError(
        'CONFLICT',
        `Review ${id} changed while you were recording it; look again and record once more.`,
      );
    await insertReviewAttendees(
      trx,
      attendees.map((attendee) => ({ review_id: id, ...attendee })),
    );
    await insertReviewOffers(
      trx,
      offers.map((offer) => ({
        review_id: id,
        metric_id: offer.metric,
        entry_id: offer.entryId,
        from_org_code: offer.from,
        state: offer.accepted ? ('accepted' as const) : ('made' as const),
        created_at: at,
      })),
    );
    const inserted = await insertActionsWithFollowUps(trx, context, id, resolved, dueOn, at);
    return {
      result: { review, actions: inserted },
      audit: {
        action: 'review.record',
        entityType: 'review',
        entityId: id,
        orgCode: review.org_code,
        before: { state: detail.review.state },
        after: {
          state: 'held',
          heldOn,
          followUpOn: dueOn,
          attendees: attendees.length,
          offers: offers.length,
          actions: inserted.length,
        },
      },
    };
  });
}

/**
 * Agrees further actions on a held review (`addReviewActions`), each with a follow-up due on the
 * review's follow-up date (or `followUpOn`, when later than today).
 */
export async function addReviewActions(context: UseCaseContext, id: number, input: unknown) {
  const detail = await getReview(context, id);
  authorise(context, detail.permissions.record, 'agree actions in this review');
  if (detail.review.state !== 'held')
    throw new AppError('CONFLICT', `Record the meeting of review ${id} before agreeing actions after it.`);
  const values = valuesOf(input);
  const problems: string[] = [];
  const actions = checkActions(values, problems);
  const followUpOn = checkField('followUpOn', values.followUpOn, problems);
  if (!problems.length && actions.length === 0) problems.push('actions: Agree at least one action');
  const resolved = await resolveActions(context, actions, detail.resource, problems);
  if (problems.length) throw validationFailed(problems);
  const dueOn =
    followUpOn ?? detail.review.follow_up_on ?? addDays(isoDay(context.clock()), defaultFollowUpDays);
  return auditedWrite(context, {}, async (trx, at) => {
    const inserted = await insertActionsWithFollowUps(trx, context, id, resolved, dueOn, at);
    return {
      result: inserted,
      audit: {
        action: 'review.actions',
        entityType: 'review',
        entityId: id,
        orgCode: detail.review.org_code,
        after: { actions: inserted.map((action) => action.id), followUpOn: dueOn },
      },
    };
  });
}

/** Marks an open agreed action done (on `completedOn`, default today) or dropped (`setReviewAction`). */
export async function setReviewAction(
  context: UseCaseContext,
  id: number,
  actionId: number,
  input: unknown,
): Promise<ReviewActionRow> {
  const detail = await getReview(context, id);
  authorise(context, detail.permissions.record, 'change this review’s actions');
  const values = valuesOf(input);
  const problems: string[] = [];
  const status = checkField('status', values.status, problems);
  const completedOn = checkField('completedOn', values.completedOn, problems);
  if (problems.length || !status) throw validationFailed(problems);
  const action = detail.actions.find((each) => each.id === actionId);
  if (!action) throw new AppError('NOT_FOUND', `Review ${id} has no agreed action ${actionId}.`);
  return auditedWrite(context, {}, async (trx, at) => {
    const changed = await setReviewActionStatus(trx, id, actionId, status, completedOn ?? isoDay(at));
    if (!changed) throw new AppError('CONFLICT', `Agreed action ${actionId} is no longer open.`);
    return {
      result: changed,
      audit: {
        action: 'review.action_status',
        entityType: 'review',
        entityId: id,
        orgCode: detail.review.org_code,
        before: { action: actionId, status: action.status },
        after: { action: actionId, status },
      },
    };
  });
}
