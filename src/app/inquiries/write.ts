import type { Transaction } from 'kysely';
import {
  type InquiryState,
  inquiryStateLabels,
  isOpenState,
  type Participant,
  type PromptDomain,
} from '../../domain/inquiry.ts';
import type { NarrativeVisibility } from '../../domain/people.ts';
import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import { canInquiry, canInviteInquiry, canOpenInquiry, type InquiryAction } from '../../policies/inquiry.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { scope } from '../../policies/scope.ts';
import type { InquiryRow } from '../../store/inquiry-tables.ts';
import {
  advanceInquiry,
  findInquiry,
  type InquiryChanges,
  type InquiryWithNames,
  insertInquiry,
  insertInquiryAction,
  insertInquiryFactor,
  insertInquiryNote,
  insertInquiryReaders,
  listInquiryActions,
  markInquiryActionDone,
} from '../../store/repos/inquiry-repo.ts';
import { findMetric } from '../../store/repos/metric-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import type { Database } from '../../store/tables.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { canReadMetric } from '../teams/access.ts';
import {
  checkAnswers,
  checkField,
  checkParticipants,
  checkReaders,
  notFound,
  validationFailed,
  valuesOf,
} from './input.ts';
import { promptSetFor } from './prompt-sets.ts';
import { loadInquiryResource, organisationAndParent } from './read.ts';
import { findSignalFor, markSignal } from './signal-link.ts';

/**
 * Writing inquiries and learning reviews. Each use case is one audited transaction (`auditedWrite`):
 * open one by hand (the organisation's contributors and administrators), invite an organisation into
 * one (oversight, system leads), accept or decline an invitation, change its answers, participants
 * or learning summary, move it through its stages, add notes, contributing factors and agreed
 * actions, and close it with a reason. Opening from a signal marks the signal `inquiry_opened`;
 * closing marks it `closed`.
 */

interface Opening {
  orgCode: string;
  org: OrganisationContext;
  kind: 'inquiry' | 'learning_review';
  title: string;
  metricId: string | null;
  signalId: number | null;
  promptSetId: number;
  answers: Record<string, string>;
  participants: Participant[];
  visibility: NarrativeVisibility;
  readers: { id: number; email: string }[];
  message: string | null;
}

/** Everything opening and inviting share: the organisation, metric, signal, prompts and readers. */
async function checkOpening(
  context: UseCaseContext,
  values: Record<string, unknown>,
  mayAct: (org: OrganisationContext, code: string, parent: OrganisationContext | null) => boolean,
  what: string,
): Promise<Opening> {
  const problems: string[] = [];
  const orgCode = checkField('org', values.org, problems);
  let org: OrganisationContext | undefined;
  if (orgCode) {
    if (!(await findOrganisation(context.db, orgCode)))
      problems.push(`org: No organisation has the code ${orgCode}`);
    else {
      const found = await organisationAndParent(context, orgCode);
      org = found.org;
      if (org) authorise(context, mayAct(org, orgCode, found.parent), `${what} for ${orgCode}`);
    }
  }
  const kind = checkField('kind', values.kind, problems);
  const title = checkField('title', values.title, problems);
  const metricId = checkField('metric', values.metric, problems);
  const signalId = checkField('signal', values.signal, problems);
  const domain = checkField('domain', values.domain, problems);
  const visibility = checkField('visibility', values.visibility, problems);
  const readerEmails = checkField('readers', values.readers, problems);
  const message = checkField('message', values.message, problems);
  // A team's indicator the actor may not read is no metric to them.
  const metric =
    metricId && (await canReadMetric(context, metricId)) ? await findMetric(context.db, metricId) : undefined;
  if (metricId && !metric)
    problems.push(`metric: Tend has no metric with the id ${metricId}; choose one from the list`);
  let fromSignal: Awaited<ReturnType<typeof findSignalFor>>;
  if (signalId !== undefined) {
    fromSignal = await findSignalFor(context.db, signalId);
    if (!fromSignal) problems.push(`signal: There is no signal ${signalId}`);
    else if (orgCode && fromSignal.org_code !== orgCode)
      problems.push(`signal: Signal ${signalId} is about another organisation`);
    else if (metricId && fromSignal.metric_id !== metricId)
      problems.push(`signal: Signal ${signalId} is about another metric`);
  }
  const chosenMetric =
    metric ?? (fromSignal ? await findMetric(context.db, fromSignal.metric_id) : undefined);
  const set = await promptSetFor(context, {
    domain: domain as PromptDomain | undefined,
    metric: chosenMetric ?? null,
    kind: kind ?? 'inquiry',
  });
  const answers = checkAnswers(set.fields, values, problems);
  const participants = checkParticipants(values, problems) ?? [];
  const readers =
    visibility === 'named' && readerEmails ? await checkReaders(context.db, readerEmails, problems) : [];
  if (problems.length || !orgCode || !org || !kind || !title || !visibility) throw validationFailed(problems);
  return {
    orgCode,
    org,
    kind,
    title,
    metricId: chosenMetric?.id ?? null,
    signalId: signalId ?? null,
    promptSetId: set.id,
    answers,
    participants,
    visibility,
    readers,
    message: message ?? null,
  };
}

/**
 * Opens an inquiry or learning review by hand or from a signal (`openInquiry`): the organisation's
 * contributors and administrators. The prompt set is the domain's current one (the metric's domain,
 * unless `domain` says otherwise); answers may be given now or later.
 */
export async function openInquiry(context: UseCaseContext, input: unknown): Promise<InquiryWithNames> {
  authorise(context, context.actor.kind !== 'anonymous', 'open an inquiry');
  const opening = await checkOpening(
    context,
    valuesOf(input),
    (_org, code, parent) => canOpenInquiry(context.actor, code, parent?.code),
    'open inquiries',
  );
  const id = await create(context, opening, 'opened');
  return requireReadable(context, id);
}

/**
 * Invites an organisation into an inquiry (`inviteInquiry`): national oversight, oversight of its
 * region or the system lead of its ICB. The organisation owns it once it accepts, and may decline
 * with a reason. `message` says why the invitation is made.
 */
export async function inviteInquiry(context: UseCaseContext, input: unknown): Promise<InquiryWithNames> {
  authorise(context, context.actor.kind !== 'anonymous', 'invite an organisation into an inquiry');
  const opening = await checkOpening(
    context,
    valuesOf(input),
    (org, _code, parent) => canInviteInquiry(context.actor, org, parent),
    'invite organisations into inquiries',
  );
  const id = await create(context, opening, 'invited');
  return requireReadable(context, id);
}

async function create(
  context: UseCaseContext,
  opening: Opening,
  state: 'opened' | 'invited',
): Promise<number> {
  const userId = actorUserId(context.actor);
  return auditedWrite(context, {}, async (trx, at) => {
    const inquiry = await insertInquiry(trx, {
      org_code: opening.orgCode,
      metric_id: opening.metricId,
      signal_id: opening.signalId,
      kind: opening.kind,
      title: opening.title,
      state,
      visibility: opening.visibility,
      prompt_set_id: opening.promptSetId,
      answers: opening.answers,
      participants: opening.participants,
      invited_by: state === 'invited' ? userId : null,
      invited_by_label: state === 'invited' ? actorLabel(context.actor) : null,
      invitation_message: state === 'invited' ? opening.message : null,
      created_by: userId,
      at,
    });
    await insertInquiryReaders(
      trx,
      inquiry.id,
      opening.readers.map((reader) => reader.id),
    );
    if (state === 'opened' && opening.signalId !== null)
      await markSignal(
        trx,
        opening.signalId,
        'inquiry_opened',
        `Inquiry ${inquiry.id}: ${opening.title}`,
        at,
      );
    return {
      result: inquiry.id,
      audit: {
        action: state === 'invited' ? 'inquiry.invite' : 'inquiry.open',
        entityType: 'inquiry',
        entityId: inquiry.id,
        orgCode: opening.orgCode,
        before: null,
        after: { ...inquiry, readers: opening.readers.map((reader) => reader.email) },
      },
    };
  });
}

/** Accepts an invitation (`acceptInvitation`): the organisation now owns the inquiry, which is opened. */
export async function acceptInvitation(
  context: UseCaseContext,
  id: number,
  input: unknown = {},
): Promise<InquiryWithNames> {
  const { inquiry } = await loadForWrite(context, id, 'respond');
  const base = baseOf(inquiry, valuesOf(input));
  return change(context, inquiry, base, 'inquiry.accept', async (trx, at) => {
    if (inquiry.visibility === 'named') {
      const userId = actorUserId(context.actor);
      if (userId !== null) await insertInquiryReaders(trx, inquiry.id, [userId]);
    }
    if (inquiry.signal_id !== null)
      await markSignal(
        trx,
        inquiry.signal_id,
        'inquiry_opened',
        `Inquiry ${inquiry.id}: ${inquiry.title}`,
        at,
      );
    return { state: 'opened', accepted_at: at };
  });
}

/** Declines an invitation with a reason (`declineInvitation`). */
export async function declineInvitation(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<InquiryWithNames> {
  const { inquiry } = await loadForWrite(context, id, 'respond');
  const values = valuesOf(input);
  const problems: string[] = [];
  const reason = checkField('reason', values.reason, problems);
  if (problems.length || !reason) throw validationFailed(problems);
  return change(context, inquiry, baseOf(inquiry, values), 'inquiry.decline', async () => ({
    state: 'declined',
    declined_reason: reason,
  }));
}

/**
 * Changes an inquiry under way (`updateInquiry`): its title, answers to its prompts, participants,
 * learning summary or visibility (with readers). Fields not given keep their values.
 */
export async function updateInquiry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<InquiryWithNames> {
  const { inquiry } = await loadForWrite(context, id, 'work');
  const values = valuesOf(input);
  const problems: string[] = [];
  const changes: InquiryChanges = {};
  if (values.title !== undefined) changes.title = checkField('title', values.title, problems);
  const answers = checkAnswers(inquiry.prompt_fields, values, problems, { previous: inquiry.answers });
  if (JSON.stringify(answers) !== JSON.stringify(inquiry.answers)) changes.answers = answers;
  const participants = checkParticipants(values, problems);
  if (participants) changes.participants = participants;
  if (values.learningSummary !== undefined)
    changes.learning_summary = checkField('learningSummary', values.learningSummary, problems) ?? null;
  let readers: { id: number; email: string }[] = [];
  if (values.visibility !== undefined) {
    const visibility = checkField('visibility', values.visibility, problems);
    changes.visibility = visibility;
    const emails = checkField('readers', values.readers, problems);
    if (visibility === 'named' && emails) readers = await checkReaders(context.db, emails, problems);
  }
  if (problems.length) throw validationFailed(problems);
  return change(context, inquiry, baseOf(inquiry, values), 'inquiry.update', async (trx) => {
    await insertInquiryReaders(
      trx,
      inquiry.id,
      readers.map((reader) => reader.id),
    );
    return changes;
  });
}

/**
 * Moves an inquiry to another stage (`moveInquiry`): opened, gathering, sense-making or actions
 * agreed. "Actions agreed" needs at least one agreed action.
 */
export async function moveInquiry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<InquiryWithNames> {
  const { inquiry } = await loadForWrite(context, id, 'work');
  const values = valuesOf(input);
  const problems: string[] = [];
  const state = checkField('state', values.state, problems);
  if (state === 'actions_agreed') {
    const actions = await listInquiryActions(context.db, scope(context.actor, 'read', 'inquiry'), inquiry.id);
    if (actions.length === 0)
      problems.push('state: Agree at least one action before moving to “Actions agreed”');
  }
  if (problems.length || !state) throw validationFailed(problems);
  if (state === inquiry.state)
    throw new AppError('CONFLICT', `“${inquiry.title}” is already at “${inquiryStateLabels[state]}”.`);
  return change(context, inquiry, baseOf(inquiry, values), 'inquiry.move', async () => ({ state }));
}

/**
 * Closes an inquiry with a reason and a follow-up date (`closeInquiry`): understood, changed, or
 * outside our control and passed to a named partner (an organisation in Tend, by code, or a named
 * service). Every required prompt must be answered and the learning summary written; a signal it was
 * opened from is closed with it.
 */
export async function closeInquiry(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<InquiryWithNames> {
  const { inquiry } = await loadForWrite(context, id, 'work');
  const values = valuesOf(input);
  const problems: string[] = [];
  const reason = checkField('closingReason', values.closingReason, problems);
  const note = checkField('closingNote', values.closingNote, problems);
  const followUp = checkField('followUpDate', values.followUpDate, problems);
  const summary =
    values.learningSummary !== undefined
      ? checkField('learningSummary', values.learningSummary, problems)
      : (inquiry.learning_summary ?? undefined);
  if (!summary && !problems.some((each) => each.startsWith('learningSummary:')))
    problems.push('learningSummary: Write what was learned before closing');
  const answers = checkAnswers(inquiry.prompt_fields, values, problems, {
    previous: inquiry.answers,
    requireAll: true,
  });
  const passedTo = checkField('passedTo', values.passedTo, problems);
  const partner =
    reason === 'outside_control' ? await partnerOf(context, passedTo, 'passedTo', problems) : undefined;
  if (followUp && followUp <= isoDay(context.clock()))
    problems.push('followUpDate: The follow-up date must be in the future');
  if (problems.length || !reason || !followUp) throw validationFailed(problems);
  return change(context, inquiry, baseOf(inquiry, values), 'inquiry.close', async (trx, at) => {
    if (inquiry.signal_id !== null)
      await markSignal(trx, inquiry.signal_id, 'closed', `Inquiry ${inquiry.id} closed: ${reason}`, at);
    return {
      state: 'closed',
      closing_reason: reason,
      closing_note: note ?? null,
      passed_to_org_code: partner?.orgCode ?? null,
      passed_to_name: partner?.name ?? null,
      follow_up_date: followUp,
      learning_summary: summary ?? null,
      answers,
      closed_at: at,
    };
  });
}

/** Adds a dated note to an inquiry's timeline (`addInquiryNote`); the date defaults to today. */
export async function addInquiryNote(context: UseCaseContext, id: number, input: unknown) {
  const { inquiry } = await loadForWrite(context, id, 'work');
  const values = valuesOf(input);
  const problems: string[] = [];
  const onDate = checkField('noteDate', values.noteDate ?? values.date ?? isoDay(context.clock()), problems);
  const text = checkField('noteText', values.noteText ?? values.text, problems);
  if (problems.length || !onDate || !text) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const note = await insertInquiryNote(trx, {
      inquiryId: inquiry.id,
      onDate,
      text,
      writtenBy: actorUserId(context.actor),
      writtenByLabel: context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor),
      at,
    });
    return {
      result: note,
      audit: audit(inquiry, 'inquiry.note', null, note),
    };
  });
}

/**
 * Adds a contributing factor (`addInquiryFactor`), tagged within our control or with a system
 * partner: `partner` is the ODS code of an organisation in Tend, or the name of a service such as
 * "local authority social care".
 */
export async function addInquiryFactor(context: UseCaseContext, id: number, input: unknown) {
  const { inquiry } = await loadForWrite(context, id, 'work');
  const values = valuesOf(input);
  const problems: string[] = [];
  const description = checkField('factor', values.factor ?? values.description, problems);
  const control = checkField('control', values.control, problems);
  const partnerText = checkField('partner', values.partner, problems);
  const partner =
    control === 'partner' ? await partnerOf(context, partnerText, 'partner', problems) : undefined;
  if (problems.length || !description || !control) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const factor = await insertInquiryFactor(trx, {
      inquiryId: inquiry.id,
      description,
      control,
      partnerOrgCode: partner?.orgCode ?? null,
      partnerName: partner?.name ?? null,
      createdBy: actorUserId(context.actor),
      at,
    });
    return { result: factor, audit: audit(inquiry, 'inquiry.factor', null, factor) };
  });
}

/** Agrees an action with an owner and an optional due date (`addInquiryAction`). */
export async function addInquiryAction(context: UseCaseContext, id: number, input: unknown) {
  const { inquiry } = await loadForWrite(context, id, 'work');
  const values = valuesOf(input);
  const problems: string[] = [];
  const description = checkField('action', values.action ?? values.description, problems);
  const owner = checkField('owner', values.owner, problems);
  const due = checkField('due', values.due, problems);
  if (problems.length || !description || !owner) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const action = await insertInquiryAction(trx, {
      inquiryId: inquiry.id,
      description,
      owner,
      dueDate: due ?? null,
      createdBy: actorUserId(context.actor),
      at,
    });
    return { result: action, audit: audit(inquiry, 'inquiry.action', null, action) };
  });
}

/** Marks an agreed action done (`completeInquiryAction`). */
export async function completeInquiryAction(context: UseCaseContext, id: number, actionId: number) {
  const { inquiry } = await loadForWrite(context, id, 'work');
  return auditedWrite(context, {}, async (trx, at) => {
    const action = await markInquiryActionDone(trx, inquiry.id, actionId, at);
    if (!action) throw new AppError('NOT_FOUND', `Inquiry ${inquiry.id} has no open action ${actionId}.`);
    return {
      result: action,
      audit: audit(inquiry, 'inquiry.action_done', { id: actionId, done_at: null }, action),
    };
  });
}

/** A partner: an organisation in Tend by its code, or a named service (kept as text). */
async function partnerOf(
  context: UseCaseContext,
  given: string | undefined,
  field: string,
  problems: string[],
): Promise<{ orgCode: string | null; name: string | null } | undefined> {
  if (!given) {
    problems.push(
      `${field}: Name the system partner: an ODS code, or a service such as “local authority social care”`,
    );
    return undefined;
  }
  const code = /^[A-Za-z0-9]{3,10}$/.test(given) ? given.toUpperCase() : null;
  if (code && (await findOrganisation(context.db, code))) return { orgCode: code, name: null };
  return { orgCode: null, name: given };
}

function audit(inquiry: InquiryWithNames, action: string, before: unknown, after: unknown) {
  return { action, entityType: 'inquiry', entityId: inquiry.id, orgCode: inquiry.org_code, before, after };
}

/** The version a change is based on: `baseVersion` when given, else the current one. */
function baseOf(inquiry: InquiryWithNames, values: Record<string, unknown>): number {
  const problems: string[] = [];
  const base = checkField('baseVersion', values.baseVersion, problems);
  if (problems.length) throw validationFailed(problems);
  const version = base ?? inquiry.version;
  if (version !== inquiry.version) throw conflict(inquiry, version);
  return version;
}

function conflict(inquiry: InquiryWithNames, base: number): AppError {
  return new AppError(
    'CONFLICT',
    `“${inquiry.title}” has changed since you opened it: you started from version ${base}, and it is now at version ${inquiry.version}. Nothing was saved. Reload the page and make your change again.`,
    { details: [`baseVersion: ${base} is not the current version`] },
  );
}

/** One audited change of the inquiry row from `base` to the next version. */
async function change(
  context: UseCaseContext,
  inquiry: InquiryWithNames,
  base: number,
  action: string,
  work: (trx: Transaction<Database>, at: Date) => Promise<InquiryChanges>,
): Promise<InquiryWithNames> {
  await auditedWrite(context, {}, async (trx, at) => {
    const changes = await work(trx, at);
    const moved: InquiryRow | undefined = await advanceInquiry(trx, inquiry.id, base, changes, at);
    if (!moved) throw conflict(inquiry, base);
    const { org_name: _o, metric_name: _m, passed_to_org_name: _p, prompt_fields: _f, ...before } = inquiry;
    return { result: undefined, audit: audit(inquiry, action, before, moved) };
  });
  return requireReadable(context, inquiry.id);
}

/**
 * Checks that the actor may work on the inquiry now (`requireWorkable`), before its input is read:
 * UNAUTHENTICATED, NOT_FOUND, FORBIDDEN or CONFLICT as the change itself would answer.
 */
export async function requireWorkable(context: UseCaseContext, id: number): Promise<void> {
  await loadForWrite(context, id, 'work');
}

/**
 * The inquiry for a write: anonymous callers are asked to sign in; one the actor cannot read is
 * NOT_FOUND; one they can read but not change (or not in this state) is FORBIDDEN or CONFLICT.
 */
async function loadForWrite(context: UseCaseContext, id: number, action: InquiryAction) {
  authorise(context, context.actor.kind !== 'anonymous', 'change inquiries');
  const { inquiry, org, resource } = await loadInquiryResource(context, id);
  const anyState = canInquiry(context.actor, action, {
    ...resource,
    state: action === 'respond' ? 'invited' : 'opened',
  });
  authorise(context, anyState, action === 'respond' ? 'answer this invitation' : 'change this inquiry');
  if (!canInquiry(context.actor, action, resource)) throw wrongState(inquiry.state, action);
  return { inquiry, org };
}

function wrongState(state: InquiryState, action: InquiryAction): AppError {
  if (action === 'respond')
    return new AppError(
      'CONFLICT',
      `This inquiry is no longer waiting for an answer: it is ${inquiryStateLabels[state].toLowerCase()}.`,
    );
  return new AppError(
    'CONFLICT',
    isOpenState(state)
      ? 'This inquiry cannot be changed now.'
      : `This inquiry is ${inquiryStateLabels[state].toLowerCase()}: ${state === 'invited' ? 'the organisation has not accepted it yet' : 'it can no longer be changed'}.`,
  );
}

async function requireReadable(context: UseCaseContext, id: number): Promise<InquiryWithNames> {
  const inquiry = await findInquiry(context.db, scope(context.actor, 'read', 'inquiry'), id);
  if (!inquiry) throw notFound(id);
  return inquiry;
}
