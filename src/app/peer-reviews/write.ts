import { addMonths, isPatientOrLay, type PeerReviewStage, themesOf } from '../../domain/peer-review.ts';
import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import {
  canAnswerPeerInvitation,
  canRecordPeerFindings,
  mayRunPeerReview,
  mayStartPeerReview,
  teamPlaceOf,
} from '../../policies/peer-review.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import {
  insertPeerReview,
  insertPeerReviewActions,
  insertPeerReviewFinding,
  insertPeerReviewFollowUps,
  insertPeerReviewMember,
  type PeerReviewFindingRow,
  type PeerReviewMemberRow,
  type PeerReviewRow,
  setPeerReviewMemberState,
  updatePeerReview,
} from '../../store/repos/peer-review-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { checkActions, checkField, validationFailed, valuesOf } from './input.ts';
import { loadPeerReview } from './read.ts';

/**
 * Writing peer reviews, each step one audited transaction (`auditedWrite`) recorded against the
 * host organisation: the host's administrators and contributors create a review (scoping: the
 * questions and the stage dates), add the peer team, confirm the on-site days (once the team has a
 * patient or lay member), publish the report with its action plan — one follow-up per agreed action,
 * asked on the action's due date — and choose what is public, then publish the progress review.
 * Invited peers accept or decline, and peers who accepted record findings and recommendations.
 * Text is recorded in the audit log by length only.
 */

/** Months after the last on-site day within which the report is published. */
export const reportWithinMonths = 3;
/** Months after the report that the progress review is due by default. */
export const progressAfterMonths = 10;

function byLabel(context: UseCaseContext): string {
  return context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor);
}

function lengthOnly(value: string | null | undefined): string | null {
  return value == null ? null : `${value.length} characters, not copied to the audit log`;
}

function conflict(review: PeerReviewRow, what: string): AppError {
  return new AppError(
    'CONFLICT',
    `Peer review ${review.id} is at the ${review.stage.replace('_', ' ')} stage; ${what}.`,
  );
}

/** The report's due date, checked against the on-site days (`checkReportDue`). */
function checkReportDue(onSiteTo: string, reportDue: string | undefined, problems: string[]): string {
  const latest = addMonths(onSiteTo, reportWithinMonths);
  if (reportDue && reportDue < onSiteTo)
    problems.push('reportDue: The report is due on or after the last on-site day');
  else if (reportDue && reportDue > latest)
    problems.push(
      `reportDue: The report must be published within three months of the on-site days: by ${latest}`,
    );
  return reportDue ?? latest;
}

/**
 * Creates a peer review at its scoping stage (`createPeerReview`): `org` (the host), `title`,
 * `focus` (culture or service), `questions`, `scopingBy`, `onSiteFrom`, `onSiteTo` and `reportDue`
 * (within three months after the on-site days; that by default).
 */
export async function createPeerReview(context: UseCaseContext, input: unknown): Promise<PeerReviewRow> {
  authorise(context, mayStartPeerReview(context.actor), 'start a peer review');
  const values = valuesOf(input);
  const problems: string[] = [];
  const orgCode = checkField('org', values.org, problems);
  const org = orgCode ? await findOrganisation(context.db, orgCode) : undefined;
  if (orgCode && !org) problems.push(`org: No organisation has the code ${orgCode}`);
  if (org)
    authorise(
      context,
      mayRunPeerReview(context.actor, { hostOrgCode: org.code }),
      `run a peer review of ${org.code}`,
    );
  const title = checkField('title', values.title, problems);
  const focus = checkField('focus', values.focus, problems);
  const questions = checkField('questions', values.questions, problems);
  const scopingBy = checkField('scopingBy', values.scopingBy, problems);
  const onSiteFrom = checkField('onSiteFrom', values.onSiteFrom, problems);
  const onSiteTo = checkField('onSiteTo', values.onSiteTo, problems);
  const reportDueGiven = checkField('reportDue', values.reportDue, problems);
  if (scopingBy && onSiteFrom && scopingBy > onSiteFrom)
    problems.push('scopingBy: Scoping must be done by the first on-site day');
  if (onSiteFrom && onSiteTo && onSiteTo < onSiteFrom)
    problems.push('onSiteTo: The last on-site day must be on or after the first');
  const reportDue = onSiteTo ? checkReportDue(onSiteTo, reportDueGiven, problems) : undefined;
  if (
    problems.length ||
    !org ||
    !title ||
    !focus ||
    !questions ||
    !scopingBy ||
    !onSiteFrom ||
    !onSiteTo ||
    !reportDue
  )
    throw validationFailed('peer review', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const review = await insertPeerReview(trx, {
      host_org_code: org.code,
      focus,
      title,
      questions,
      stage: 'scoping',
      scoping_by: scopingBy,
      on_site_from: onSiteFrom,
      on_site_to: onSiteTo,
      report_due: reportDue,
      progress_due: null,
      created_by: actorUserId(context.actor),
      created_by_label: byLabel(context),
      created_at: at,
    });
    return {
      result: review,
      audit: {
        action: 'peer_review.create',
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: org.code,
        after: { ...review, questions: lengthOnly(review.questions) },
      },
    };
  });
}

async function loadToRun(context: UseCaseContext, id: number, what: string) {
  const loaded = await loadPeerReview(context, id);
  authorise(context, mayRunPeerReview(context.actor, loaded.resource), what);
  return loaded;
}

/**
 * Adds someone to the peer team (`addPeerTeamMember`): `name`, `role`, `email` (a Tend user of
 * another organisation, who is invited and accepts; leave empty for a person without an account,
 * such as the patient or lay member, who is shown by role) and `memberOrg` (where they come from).
 */
export async function addPeerTeamMember(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<PeerReviewMemberRow> {
  const { review, team } = await loadToRun(context, id, 'add people to this peer review’s team');
  if (['report_published', 'progress_published'].includes(review.stage))
    throw conflict(review, 'its team is settled');
  const values = valuesOf(input);
  const problems: string[] = [];
  const name = checkField('name', values.name, problems);
  const role = checkField('role', values.role, problems);
  const email = checkField('email', values.email, problems);
  const memberOrg = checkField('memberOrg', values.memberOrg, problems);
  const user = email ? await findUserByEmail(context.db, email) : undefined;
  if (email && (!user || user.disabled_at)) problems.push(`email: No Tend account has the address ${email}`);
  if (user && team.some((member) => member.user_id === user.id))
    problems.push('email: This person is on the team already');
  if (memberOrg === review.host_org_code)
    problems.push('memberOrg: Peers come from other organisations than the one reviewed');
  else if (memberOrg && !(await findOrganisation(context.db, memberOrg)))
    problems.push(`memberOrg: No organisation has the code ${memberOrg}`);
  if (problems.length || !name || !role) throw validationFailed('team member', problems);
  return auditedWrite(context, {}, async (trx) => {
    const member = await insertPeerReviewMember(trx, {
      peer_review_id: review.id,
      name,
      role,
      org_code: memberOrg ?? null,
      user_id: user?.id ?? null,
      state: user ? 'invited' : 'named',
    });
    if (review.stage === 'scoping') await updatePeerReview(trx, review.id, ['scoping'], { stage: 'team' });
    return {
      result: member,
      audit: {
        action: 'peer_review.add_member',
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
        after: { ...member, name: lengthOnly(member.name) },
      },
    };
  });
}

/** An invited peer accepts or declines (`answerPeerInvitation`): `decision`. */
export async function answerPeerInvitation(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<PeerReviewMemberRow> {
  const { review, team } = await loadPeerReview(context, id);
  const place = teamPlaceOf(context.actor, team);
  authorise(context, place !== undefined, 'answer an invitation to this peer review');
  if (!place || !canAnswerPeerInvitation(context.actor, team))
    throw new AppError('CONFLICT', 'You have answered this invitation already.');
  const problems: string[] = [];
  const decision = checkField('decision', valuesOf(input).decision, problems);
  if (problems.length || !decision) throw validationFailed('answer', problems);
  return auditedWrite(context, {}, async (trx) => {
    const member = await setPeerReviewMemberState(
      trx,
      place.id,
      'invited',
      decision === 'accept' ? 'accepted' : 'declined',
    );
    if (!member) throw new AppError('CONFLICT', 'You have answered this invitation already.');
    return {
      result: member,
      audit: {
        action: `peer_review.${decision}`,
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
        after: { member: member.id, state: member.state },
      },
    };
  });
}

/**
 * Confirms the on-site days (`confirmOnSiteDays`): `onSiteFrom` and `onSiteTo`, and `reportDue`
 * (kept within three months after them). The team needs at least one patient or lay member first.
 */
export async function confirmOnSiteDays(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<PeerReviewRow> {
  const { review, team } = await loadToRun(context, id, 'confirm this peer review’s on-site days');
  if (!['scoping', 'team'].includes(review.stage))
    throw conflict(review, 'its on-site days are confirmed already');
  const values = valuesOf(input);
  const problems: string[] = [];
  const onSiteFrom = checkField('onSiteFrom', values.onSiteFrom ?? review.on_site_from, problems);
  const onSiteTo = checkField('onSiteTo', values.onSiteTo ?? review.on_site_to, problems);
  const reportDueGiven = checkField('reportDue', values.reportDue, problems);
  if (!team.some((member) => isPatientOrLay(member.role) && member.state !== 'declined'))
    problems.push(
      'onSiteFrom: Add a patient or lay member to the peer team before confirming the on-site days',
    );
  if (onSiteFrom && onSiteTo && onSiteTo < onSiteFrom)
    problems.push('onSiteTo: The last on-site day must be on or after the first');
  const reportDue = onSiteTo
    ? checkReportDue(
        onSiteTo,
        reportDueGiven ??
          (review.report_due <= addMonths(onSiteTo, reportWithinMonths) && review.report_due >= onSiteTo
            ? review.report_due
            : undefined),
        problems,
      )
    : undefined;
  if (problems.length || !onSiteFrom || !onSiteTo || !reportDue)
    throw validationFailed('on-site days', problems);
  return auditedWrite(context, {}, async (trx) => {
    const after = await updatePeerReview(trx, review.id, ['scoping', 'team'], {
      stage: 'on_site',
      on_site_from: onSiteFrom,
      on_site_to: onSiteTo,
      report_due: reportDue,
    });
    if (!after) throw conflict(review, 'its on-site days are confirmed already');
    return {
      result: after,
      audit: {
        action: 'peer_review.confirm_on_site',
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
        before: { stage: review.stage },
        after: { stage: after.stage, on_site_from: onSiteFrom, on_site_to: onSiteTo, report_due: reportDue },
      },
    };
  });
}

/** A peer who accepted records a finding or recommendation on one of the review's themes (`recordPeerFinding`). */
export async function recordPeerFinding(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<PeerReviewFindingRow> {
  const { review, team, resource } = await loadPeerReview(context, id);
  authorise(
    context,
    context.actor.kind === 'operator' || teamPlaceOf(context.actor, team)?.state === 'accepted',
    'record findings for this peer review',
  );
  if (!canRecordPeerFindings(context.actor, resource, team))
    throw conflict(review, 'findings are recorded from the on-site days until the report is published');
  const values = valuesOf(input);
  const problems: string[] = [];
  const theme = checkField('theme', values.theme, problems);
  if (theme && !themesOf(review.focus).includes(theme))
    problems.push('theme: Choose one of this review’s themes');
  const kind = checkField('kind', values.kind, problems);
  const body = checkField('body', values.body, problems);
  if (problems.length || !theme || !kind || !body) throw validationFailed('finding', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const finding = await insertPeerReviewFinding(trx, {
      peer_review_id: review.id,
      theme,
      kind,
      body,
      author_user_id: actorUserId(context.actor),
      author_label: byLabel(context),
      created_at: at,
    });
    if (review.stage === 'on_site')
      await updatePeerReview(trx, review.id, ['on_site'], { stage: 'findings' });
    return {
      result: finding,
      audit: {
        action: `peer_review.${kind}`,
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
        after: { ...finding, body: lengthOnly(finding.body) },
      },
    };
  });
}

/**
 * Publishes the report and its action plan (`publishPeerReviewReport`): `summary`, what is public
 * (`publicReport`, `publicActionPlan`, `publicProgress`), `progressDue` (ten months on by default)
 * and the agreed actions, each with an owner (a Tend user's email, or a name) and a due date; one
 * follow-up per action, asked on its due date.
 */
export async function publishPeerReviewReport(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<PeerReviewRow> {
  const { review } = await loadToRun(context, id, 'publish this peer review’s report');
  const from: PeerReviewStage[] = ['findings'];
  if (!from.includes(review.stage)) throw conflict(review, 'the report follows the peer team’s findings');
  const values = valuesOf(input);
  const problems: string[] = [];
  const today = isoDay(context.clock());
  const summary = checkField('summary', values.summary, problems);
  const publicReport = checkField('publicReport', values.publicReport, problems) ?? false;
  const publicActionPlan = checkField('publicActionPlan', values.publicActionPlan, problems) ?? false;
  const publicProgress = checkField('publicProgress', values.publicProgress, problems) ?? false;
  const progressDue =
    checkField('progressDue', values.progressDue, problems) ?? addMonths(today, progressAfterMonths);
  if (progressDue <= today) problems.push('progressDue: The progress review is due after the report');
  const { actions, owners: given } = checkActions(values, problems);
  const owners = new Map<number, { userId: number | null; name: string }>();
  for (const action of given) {
    if (!action.owner.includes('@')) {
      owners.set(action.row, { userId: null, name: action.owner });
      continue;
    }
    const user = await findUserByEmail(context.db, action.owner.toLowerCase());
    if (!user || user.disabled_at)
      problems.push(`action_${action.row}_owner: No Tend account has the address ${action.owner}`);
    else owners.set(action.row, { userId: user.id, name: user.display_name });
  }
  if (problems.length || !summary) throw validationFailed('report', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const after = await updatePeerReview(trx, review.id, from, {
      stage: 'report_published',
      report_summary: summary,
      report_published_on: today,
      progress_due: progressDue,
      public_report: publicReport,
      public_action_plan: publicActionPlan,
      public_progress: publicProgress,
    });
    if (!after) throw conflict(review, 'the report was published already');
    const inserted = await insertPeerReviewActions(
      trx,
      actions.map((action) => ({
        peer_review_id: review.id,
        description: action.description,
        owner_user_id: owners.get(action.row)?.userId ?? null,
        owner_name: owners.get(action.row)?.name ?? action.owner,
        due_on: action.dueOn,
        created_at: at,
      })),
    );
    const followUps = await insertPeerReviewFollowUps(
      trx,
      inserted.map((action) => ({ peerReviewId: review.id, actionId: action.id, dueOn: action.due_on, at })),
    );
    return {
      result: after,
      audit: {
        action: 'peer_review.publish_report',
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
        before: { stage: review.stage },
        after: {
          stage: after.stage,
          report_summary: lengthOnly(summary),
          public: { report: publicReport, actionPlan: publicActionPlan, progress: publicProgress },
          progress_due: progressDue,
          actions: inserted.map((action) => action.id),
          followUps,
        },
      },
    };
  });
}

/** Publishes the progress review (`publishProgressReview`): `progress`, and `publicProgress`. */
export async function publishProgressReview(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<PeerReviewRow> {
  const { review } = await loadToRun(context, id, 'publish this peer review’s progress review');
  if (review.stage !== 'report_published') throw conflict(review, 'the progress review follows the report');
  const values = valuesOf(input);
  const problems: string[] = [];
  const progress = checkField('progress', values.progress, problems);
  const publicProgress =
    values.publicProgress === undefined
      ? review.public_progress
      : (checkField('publicProgress', values.publicProgress, problems) ?? false);
  if (problems.length || !progress) throw validationFailed('progress review', problems);
  return auditedWrite(context, {}, async (trx) => {
    const after = await updatePeerReview(trx, review.id, ['report_published'], {
      stage: 'progress_published',
      progress_summary: progress,
      progress_published_on: isoDay(context.clock()),
      public_progress: publicProgress,
    });
    if (!after) throw conflict(review, 'the progress review was published already');
    return {
      result: after,
      audit: {
        action: 'peer_review.publish_progress',
        entityType: 'peer_review',
        entityId: review.id,
        orgCode: review.host_org_code,
        before: { stage: review.stage },
        after: {
          stage: after.stage,
          progress_summary: lengthOnly(progress),
          public_progress: publicProgress,
        },
      },
    };
  });
}
