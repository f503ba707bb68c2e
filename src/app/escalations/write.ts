import type { Updateable } from 'kysely';
import {
  type EscalationState,
  escalationStateLabels,
  type WouldRaiseAgain,
} from '../../domain/improvement.ts';
import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import {
  canEscalation,
  canRaiseEscalation,
  type EscalationAction,
  escalationRecipientsOf,
  isEscalationRaiser,
  mayActOnEscalation,
} from '../../policies/escalation.ts';
import type { EscalationTable } from '../../store/improvement-tables.ts';
import {
  advanceEscalation,
  type EscalationRow,
  type EscalationWithNames,
  insertEscalation,
  insertEscalationEvent,
} from '../../store/repos/escalation-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { checkField, validationFailed, valuesOf } from './input.ts';
import { type EscalationDetail, getEscalation, loadEscalation } from './read.ts';

/**
 * Writing escalations. A provider's contributors and administrators raise a concern about
 * performance, finance or quality directly with their NHS England region or with an ICB they belong
 * to; the recipient acknowledges it and responds; either side closes it, and the raiser says whether
 * they would raise a concern this way again. Each step is one audited transaction (`auditedWrite`)
 * with one `escalation_event` row. The audit entry is the raiser's organisation's, and never copies
 * the concern's words: text fields are recorded by length only, so the audit log says what changed
 * without holding what was written.
 */

const textFields = ['title', 'body', 'response', 'closing_comment'] as const;

/** An escalation row as the audit log records it (`auditView`): text fields by length only. */
export function auditView(row: EscalationRow): Record<string, unknown> {
  const view: Record<string, unknown> = { ...row };
  for (const field of textFields) {
    const value = row[field];
    view[field] = value === null ? null : `${value.length} characters, not copied to the audit log`;
  }
  return view;
}

/** How the timeline names whoever took a step: a person's name, or the operator's label. */
function byLabel(context: UseCaseContext): string {
  return context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor);
}

/**
 * Raises an escalation (`raiseEscalation`): `org` (the raiser), `recipient` (its region's or an ICB's
 * code), `topic` (performance, finance or quality), `title` and `body`. Every problem is listed at once.
 */
export async function raiseEscalation(context: UseCaseContext, input: unknown): Promise<EscalationDetail> {
  authorise(context, context.actor.kind !== 'anonymous', 'raise a concern');
  const values = valuesOf(input);
  const problems: string[] = [];
  const orgCode = checkField('org', values.org, problems);
  const org = orgCode ? await organisationContext(context.db, orgCode) : undefined;
  if (orgCode && !org) problems.push(`org: No organisation has the code ${orgCode}`);
  if (org) authorise(context, canRaiseEscalation(context.actor, org.code), `raise concerns for ${org.code}`);
  const recipientCode = checkField('recipient', values.recipient, problems);
  const topic = checkField('topic', values.topic, problems);
  const title = checkField('title', values.title, problems);
  const body = checkField('body', values.body, problems);
  const recipient =
    org && recipientCode
      ? escalationRecipientsOf(org).find((each) => each.code === recipientCode)
      : undefined;
  if (org && recipientCode && !recipient)
    problems.push(`recipient: ${recipientCode} is not your region or an ICB you belong to`);
  if (recipient && !(await findOrganisation(context.db, recipient.code)))
    problems.push(`recipient: No organisation has the code ${recipient.code}`);
  if (problems.length || !org || !recipient || !topic || !title || !body) throw validationFailed(problems);
  const id = await auditedWrite(context, {}, async (trx, at) => {
    const row = await insertEscalation(trx, {
      raiser_org_code: org.code,
      recipient_org_code: recipient.code,
      recipient_kind: recipient.kind,
      topic,
      title,
      body,
      state: 'raised',
      raised_by: actorUserId(context.actor),
      raised_by_label: byLabel(context),
      raised_at: at,
    });
    await insertEscalationEvent(trx, {
      escalation_id: row.id,
      state: 'raised',
      by_user: actorUserId(context.actor),
      by_label: byLabel(context),
      at,
    });
    return {
      result: row.id,
      audit: {
        action: 'escalation.raise',
        entityType: 'escalation',
        entityId: row.id,
        orgCode: row.raiser_org_code,
        before: null,
        after: auditView(row),
      },
    };
  });
  return getEscalation(context, id);
}

/**
 * Checks that the actor may raise concerns for `org` (`requireMayRaise`) before the rest of a request
 * is read, so that someone who may not is told so rather than about the fields: UNAUTHENTICATED or
 * FORBIDDEN. An org that is not a known code is left for the use case to report.
 */
export async function requireMayRaise(context: UseCaseContext, org: unknown): Promise<void> {
  authorise(context, context.actor.kind !== 'anonymous', 'raise a concern');
  const problems: string[] = [];
  const orgCode = checkField('org', org, problems);
  const known = orgCode ? await organisationContext(context.db, orgCode) : undefined;
  if (known)
    authorise(context, canRaiseEscalation(context.actor, known.code), `raise concerns for ${known.code}`);
}

/**
 * The escalation for a step: anonymous callers are asked to sign in; one the actor cannot read is
 * NOT_FOUND; one they read but may not take this step on is FORBIDDEN; the wrong state is CONFLICT.
 */
async function loadForStep(
  context: UseCaseContext,
  id: number,
  action: Exclude<EscalationAction, 'read'>,
): Promise<EscalationWithNames> {
  authorise(context, context.actor.kind !== 'anonymous', 'change escalations');
  const { escalation, resource } = await loadEscalation(context, id);
  const what = {
    acknowledge: 'acknowledge this concern',
    respond: 'respond to this concern',
    close: 'close this concern',
    answer: 'answer for the organisation that raised this concern',
  }[action];
  authorise(context, mayActOnEscalation(context.actor, action, resource), what);
  if (!canEscalation(context.actor, action, resource)) throw wrongState(escalation, action);
  return escalation;
}

function wrongState(escalation: EscalationWithNames, action: EscalationAction): AppError {
  const now = escalationStateLabels[escalation.state].toLowerCase();
  if (action === 'answer')
    return new AppError(
      'CONFLICT',
      escalation.state === 'closed'
        ? 'The organisation has already said whether it would raise a concern this way again.'
        : 'This concern is still open: the question is asked when it closes.',
    );
  const done = { read: 'read', acknowledge: 'acknowledged', respond: 'responded to', close: 'closed' }[
    action
  ];
  return new AppError('CONFLICT', `This concern is ${now}, so it cannot be ${done} now.`);
}

/**
 * Checks that the actor may take a step now (`requireStep`), before its input is read: UNAUTHENTICATED,
 * NOT_FOUND, FORBIDDEN or CONFLICT as the step itself would answer.
 */
export async function requireStep(
  context: UseCaseContext,
  id: number,
  action: Exclude<EscalationAction, 'read'>,
): Promise<void> {
  await loadForStep(context, id, action);
}

/** The version a change is based on: `baseVersion` when given, else the current one. */
function baseOf(
  escalation: EscalationWithNames,
  values: Record<string, unknown>,
  problems: string[],
): number {
  const base = checkField('baseVersion', values.baseVersion, problems);
  return base ?? escalation.version;
}

function conflict(escalation: EscalationWithNames, base: number): AppError {
  return new AppError(
    'CONFLICT',
    `“${escalation.title}” has changed since you opened it: you started from version ${base}, and it is now at version ${escalation.version}. Nothing was saved. Reload the page and try again.`,
    { details: [`baseVersion: ${base} is not the current version`] },
  );
}

/** One audited step: the row moved on from `base`, one event, one audit entry. */
async function step(
  context: UseCaseContext,
  escalation: EscalationWithNames,
  base: number,
  options: {
    action: string;
    eventState: EscalationState;
    note: string;
    changes: (at: Date) => Updateable<EscalationTable>;
  },
): Promise<EscalationDetail> {
  if (base !== escalation.version) throw conflict(escalation, base);
  await auditedWrite(context, {}, async (trx, at) => {
    const moved = await advanceEscalation(trx, escalation.id, base, options.changes(at));
    if (!moved) throw conflict(escalation, base);
    await insertEscalationEvent(trx, {
      escalation_id: escalation.id,
      state: options.eventState,
      note: options.note,
      by_user: actorUserId(context.actor),
      by_label: byLabel(context),
      at,
    });
    const { raiser_name: _r, recipient_name: _n, ...before } = escalation;
    return {
      result: undefined,
      audit: {
        action: options.action,
        entityType: 'escalation',
        entityId: escalation.id,
        orgCode: escalation.raiser_org_code,
        before: auditView(before),
        after: auditView(moved),
      },
    };
  });
  return getEscalation(context, escalation.id);
}

/** The recipient acknowledges a raised concern (`acknowledgeEscalation`), with an optional `note`. */
export async function acknowledgeEscalation(
  context: UseCaseContext,
  id: number,
  input: unknown = {},
): Promise<EscalationDetail> {
  const escalation = await loadForStep(context, id, 'acknowledge');
  const values = valuesOf(input);
  const problems: string[] = [];
  const note = checkField('note', values.note, problems);
  const base = baseOf(escalation, values, problems);
  if (problems.length) throw validationFailed(problems);
  return step(context, escalation, base, {
    action: 'escalation.acknowledge',
    eventState: 'acknowledged',
    note: note ?? '',
    changes: (at) => ({ state: 'acknowledged', acknowledged_at: at }),
  });
}

/** The recipient responds to an acknowledged concern (`respondToEscalation`): `response` is required. */
export async function respondToEscalation(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<EscalationDetail> {
  const escalation = await loadForStep(context, id, 'respond');
  const values = valuesOf(input);
  const problems: string[] = [];
  const response = checkField('response', values.response, problems);
  const base = baseOf(escalation, values, problems);
  if (problems.length || !response) throw validationFailed(problems);
  return step(context, escalation, base, {
    action: 'escalation.respond',
    eventState: 'responded',
    note: '',
    changes: (at) => ({ state: 'responded', response, responded_at: at }),
  });
}

/**
 * Closes an open concern (`closeEscalation`), from either side, with an optional `note`. When the
 * raiser closes it they answer "would you raise a concern this way again?" (`wouldRaiseAgain`: yes,
 * no or not_sure) with an optional `comment`; when the recipient closes it, the raiser is asked after.
 */
export async function closeEscalation(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<EscalationDetail> {
  const escalation = await loadForStep(context, id, 'close');
  const values = valuesOf(input);
  const problems: string[] = [];
  const note = checkField('note', values.note, problems);
  const asks = isEscalationRaiser(context.actor, escalation.raiser_org_code);
  // The operator acts for both sides: the answer is recorded only when given.
  const answerGiven = values.wouldRaiseAgain !== undefined && values.wouldRaiseAgain !== '';
  const answer: WouldRaiseAgain | undefined =
    asks && (context.actor.kind !== 'operator' || answerGiven)
      ? checkField('wouldRaiseAgain', values.wouldRaiseAgain, problems)
      : undefined;
  const comment = asks ? checkField('comment', values.comment, problems) : undefined;
  const base = baseOf(escalation, values, problems);
  if (problems.length) throw validationFailed(problems);
  return step(context, escalation, base, {
    action: 'escalation.close',
    eventState: 'closed',
    note: note ?? '',
    changes: (at) => ({
      state: 'closed',
      closed_at: at,
      ...(answer ? { would_raise_again: answer, closing_comment: comment ?? null } : {}),
    }),
  });
}

/**
 * The raiser answers "would you raise a concern this way again?" once the recipient has closed the
 * concern (`answerEscalation`): `wouldRaiseAgain` and an optional `comment`. Recorded once.
 */
export async function answerEscalation(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<EscalationDetail> {
  const escalation = await loadForStep(context, id, 'answer');
  const values = valuesOf(input);
  const problems: string[] = [];
  const answer = checkField('wouldRaiseAgain', values.wouldRaiseAgain, problems);
  const comment = checkField('comment', values.comment, problems);
  const base = baseOf(escalation, values, problems);
  if (problems.length || !answer) throw validationFailed(problems);
  return step(context, escalation, base, {
    action: 'escalation.answer',
    eventState: 'closed',
    note: '',
    changes: () => ({ would_raise_again: answer, closing_comment: comment ?? null }),
  });
}
