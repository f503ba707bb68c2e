import { AppError } from '../../errors.ts';
import { actorUserId } from '../../policies/actor.ts';
import { canCircle, canJournal, circleScope, mayKeepCircles } from '../../policies/circle.ts';
import {
  type CircleRow,
  findCircle,
  findJournalEntry,
  insertCircle,
  insertCircleMeeting,
  insertJournalEntry,
  type JournalEntryRow,
  joinCircle,
  leaveCircle,
  listCircleMembers,
  shareJournalEntry as shareEntryRow,
} from '../../store/repos/circle-repo.ts';
import { findUserByEmail } from '../../store/repos/user-repo.ts';
import { type AuditRecord, auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { checkField, circleNotFound, entryNotFound, validationFailed, valuesOf } from './input.ts';

/**
 * Writing circles and journals. A signed-in user starts a circle, naming its members (Tend users of
 * any organisation) and choosing what it keeps; its members record meetings with only what it keeps;
 * its creator adds and removes members. An author writes journal entries and shares one into a
 * circle they belong to. Each write is one audited transaction (`auditedWrite`) whose audit entry
 * says only that something happened — the action, `circle` or `journal_entry` and the id — with no
 * organisation (so no organisation's audit view lists it) and nothing of what was written, not
 * even its length.
 */

/** The audit record of a write in a circle or journal (`circleAudit`): what happened, never what was kept. */
function circleAudit(action: string, entityType: 'circle' | 'journal_entry', entityId: number): AuditRecord {
  return { action, entityType, entityId, orgCode: null, before: null, after: null };
}

function requireUser(context: UseCaseContext, what: string): number {
  authorise(context, mayKeepCircles(context.actor), what);
  const userId = actorUserId(context.actor);
  if (userId === null) throw new AppError('FORBIDDEN', `Only a signed-in person may ${what}.`);
  return userId;
}

/** Resolves members' email addresses to Tend users; an unknown address is a problem of `field`. */
async function usersByEmail(
  context: UseCaseContext,
  emails: readonly string[],
  field: 'members' | 'email',
  problems: string[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const email of emails) {
    const user = await findUserByEmail(context.db, email);
    if (!user || user.disabled_at) problems.push(`${field}: ${email} is not the address of a Tend user`);
    else ids.push(user.id);
  }
  return ids;
}

/**
 * Starts a circle (`createCircle`): `name`, `whatIsKept` (dates, themes or notes) and `members`
 * (email addresses of Tend users; the creator is always a member). Every problem is listed at once.
 */
export async function createCircle(context: UseCaseContext, input: unknown): Promise<CircleRow> {
  const creator = requireUser(context, 'start a circle');
  const values = valuesOf(input);
  const problems: string[] = [];
  const name = checkField('name', values.name, problems);
  const whatIsKept = checkField('whatIsKept', values.whatIsKept, problems);
  const emails = checkField('members', values.members, problems) ?? [];
  const memberIds = await usersByEmail(context, emails, 'members', problems);
  if (problems.length || !name || !whatIsKept) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const circle = await insertCircle(trx, circleScope(context.actor), {
      name,
      what_is_kept: whatIsKept,
      created_by: creator,
      created_at: at,
    });
    for (const userId of new Set([creator, ...memberIds]))
      await joinCircle(trx, circleScope(context.actor), circle.id, userId, at);
    return { result: circle, audit: circleAudit('circle.create', 'circle', circle.id) };
  });
}

/** The circle and its current members' ids, or NOT_FOUND for anyone outside it. */
async function loadCircle(context: UseCaseContext, id: number) {
  const scope = circleScope(context.actor);
  const circle = await findCircle(context.db, scope, id);
  if (!circle) throw circleNotFound(id);
  const members = await listCircleMembers(context.db, scope, id);
  return {
    circle,
    resource: { createdBy: circle.created_by, currentMemberIds: members.map((each) => each.user_id) },
  };
}

/** Adds a member by email address (`addCircleMember`): the circle's creator only. */
export async function addCircleMember(
  context: UseCaseContext,
  circleId: number,
  input: unknown,
): Promise<void> {
  requireUser(context, 'change a circle');
  const { resource } = await loadCircle(context, circleId);
  authorise(context, canCircle(context.actor, 'manage_members', resource), "change this circle's members");
  const problems: string[] = [];
  const email = checkField('email', valuesOf(input).email, problems);
  const [userId] = email ? await usersByEmail(context, [email], 'email', problems) : [];
  if (problems.length || userId === undefined) throw validationFailed(problems);
  await auditedWrite(context, {}, async (trx, at) => {
    await joinCircle(trx, circleScope(context.actor), circleId, userId, at);
    return { result: undefined, audit: circleAudit('circle.add_member', 'circle', circleId) };
  });
}

/** Removes a member (`removeCircleMember`): the circle's creator only, who cannot remove themself. */
export async function removeCircleMember(
  context: UseCaseContext,
  circleId: number,
  input: unknown,
): Promise<void> {
  const creator = requireUser(context, 'change a circle');
  const { resource } = await loadCircle(context, circleId);
  authorise(context, canCircle(context.actor, 'manage_members', resource), "change this circle's members");
  const problems: string[] = [];
  const userId = checkField('userId', valuesOf(input).userId, problems);
  if (userId !== undefined && (userId === creator || !resource.currentMemberIds.includes(userId)))
    problems.push('userId: Choose a member of the circle other than yourself');
  if (problems.length || userId === undefined) throw validationFailed(problems);
  await auditedWrite(context, {}, async (trx, at) => {
    await leaveCircle(trx, circleScope(context.actor), circleId, userId, at);
    return { result: undefined, audit: circleAudit('circle.remove_member', 'circle', circleId) };
  });
}

/**
 * Records a meeting (`recordCircleMeeting`): `metOn`, and `themes` and `notes` only as far as the
 * circle keeps them — giving what it does not keep is a problem, not silently dropped.
 */
export async function recordCircleMeeting(
  context: UseCaseContext,
  circleId: number,
  input: unknown,
): Promise<number> {
  requireUser(context, 'record a meeting');
  const { circle, resource } = await loadCircle(context, circleId);
  authorise(context, canCircle(context.actor, 'record_meeting', resource), 'record a meeting of this circle');
  const values = valuesOf(input);
  const problems: string[] = [];
  const metOn = checkField('metOn', values.metOn, problems);
  const themes = checkField('themes', values.themes, problems);
  const notes = checkField('notes', values.notes, problems);
  if (themes !== undefined && circle.what_is_kept === 'dates')
    problems.push('themes: This circle keeps meeting dates only');
  if (notes !== undefined && circle.what_is_kept !== 'notes')
    problems.push('notes: This circle does not keep notes');
  if (problems.length || !metOn) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx) => {
    const meeting = await insertCircleMeeting(trx, circleScope(context.actor), {
      circle_id: circleId,
      met_on: metOn,
      kept: circle.what_is_kept,
      themes: themes ?? null,
      notes: notes ?? null,
    });
    return { result: meeting.id, audit: circleAudit('circle.record_meeting', 'circle', circleId) };
  });
}

/** Writes a journal entry (`writeJournalEntry`): `title` and `body`; private to its author. */
export async function writeJournalEntry(context: UseCaseContext, input: unknown): Promise<JournalEntryRow> {
  const author = requireUser(context, 'write in your journal');
  const values = valuesOf(input);
  const problems: string[] = [];
  const title = checkField('title', values.title, problems);
  const body = checkField('body', values.body, problems);
  if (problems.length || !title || !body) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const entry = await insertJournalEntry(trx, circleScope(context.actor), {
      author_user_id: author,
      written_at: at,
      title,
      body,
    });
    return { result: entry, audit: circleAudit('journal.write', 'journal_entry', entry.id) };
  });
}

/**
 * Shares a journal entry into one circle its author belongs to (`shareJournalEntry`): `circle`.
 * An entry is shared once; sharing it again is CONFLICT.
 */
export async function shareJournalEntry(context: UseCaseContext, id: number, input: unknown): Promise<void> {
  requireUser(context, 'share a journal entry');
  const scope = circleScope(context.actor);
  const entry = await findJournalEntry(context.db, scope, id);
  if (!entry) throw entryNotFound(id);
  authorise(
    context,
    canJournal(context.actor, 'share', { authorUserId: entry.author_user_id, sharedCircleMemberIds: [] }),
    'share this entry',
  );
  const problems: string[] = [];
  const circleId = checkField('circle', valuesOf(input).circle, problems);
  const circle = circleId === undefined ? undefined : await findCircle(context.db, scope, circleId);
  if (circleId !== undefined && !circle) problems.push('circle: Choose a circle you belong to');
  if (problems.length || !circle) throw validationFailed(problems);
  if (entry.shared_to_circle_id !== null)
    throw new AppError('CONFLICT', 'This entry has already been shared into a circle.');
  await auditedWrite(context, {}, async (trx, at) => {
    const shared = await shareEntryRow(trx, scope, id, circle.id, at);
    if (!shared) throw new AppError('CONFLICT', 'This entry has already been shared into a circle.');
    return { result: undefined, audit: circleAudit('journal.share', 'journal_entry', id) };
  });
}
