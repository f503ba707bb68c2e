import { canCircle, canJournal, circleScope } from '../../policies/circle.ts';
import {
  type CircleMeetingRow,
  type CircleMemberRow,
  type CircleRow,
  findCircle,
  findJournalEntry,
  type JournalEntryRow,
  listCircleMeetings,
  listCircleMembers,
  listCircles,
  listOwnJournalEntries,
  listSharedEntries,
} from '../../store/repos/circle-repo.ts';
import { authorise, type UseCaseContext } from '../context.ts';
import { circleNotFound, entryNotFound } from './input.ts';

/**
 * Reading circles and journals. Only a circle's current members read it (its members, meetings and
 * the journal entries shared into it); only an entry's author reads a private entry. Each read goes
 * through the circle scope in SQL and the policy on the row; anything else is NOT_FOUND, worded so
 * that nobody learns a circle or entry exists.
 */

export interface CircleDetail {
  readonly circle: CircleRow;
  readonly members: readonly CircleMemberRow[];
  readonly meetings: readonly CircleMeetingRow[];
  readonly sharedEntries: readonly (JournalEntryRow & { author_name: string })[];
  readonly mayManageMembers: boolean;
}

function requireSignedIn(context: UseCaseContext, what: string): void {
  authorise(context, context.actor.kind !== 'anonymous', what);
}

/** The circles the actor belongs to (`myCircles`). */
export async function myCircles(context: UseCaseContext): Promise<CircleRow[]> {
  requireSignedIn(context, 'see your circles');
  return listCircles(context.db, circleScope(context.actor));
}

/** One circle the actor belongs to, with its members, meetings and shared entries (`getCircle`). */
export async function getCircle(context: UseCaseContext, id: number): Promise<CircleDetail> {
  requireSignedIn(context, 'see your circles');
  const scope = circleScope(context.actor);
  const circle = await findCircle(context.db, scope, id);
  if (!circle) throw circleNotFound(id);
  const members = await listCircleMembers(context.db, scope, id);
  const resource = { createdBy: circle.created_by, currentMemberIds: members.map((each) => each.user_id) };
  if (!canCircle(context.actor, 'read', resource)) throw circleNotFound(id);
  const meetings = await listCircleMeetings(context.db, scope, id);
  const sharedEntries = await listSharedEntries(context.db, scope, id);
  return {
    circle,
    members,
    meetings,
    sharedEntries,
    mayManageMembers: canCircle(context.actor, 'manage_members', resource),
  };
}

export interface JournalEntryDetail {
  readonly entry: JournalEntryRow;
  readonly isAuthor: boolean;
  /** The circle it was shared into, when the reader belongs to it. */
  readonly sharedCircle: CircleRow | null;
  /** Circles the author may share it into (empty unless the reader is the author and it is not shared). */
  readonly shareableCircles: readonly CircleRow[];
}

/** The actor's own journal entries, latest first (`myJournal`). */
export async function myJournal(context: UseCaseContext): Promise<JournalEntryRow[]> {
  requireSignedIn(context, 'see your journal');
  return listOwnJournalEntries(context.db, circleScope(context.actor));
}

/** One journal entry: its author's, or shared into a circle the actor belongs to (`getJournalEntry`). */
export async function getJournalEntry(context: UseCaseContext, id: number): Promise<JournalEntryDetail> {
  requireSignedIn(context, 'see your journal');
  const scope = circleScope(context.actor);
  const entry = await findJournalEntry(context.db, scope, id);
  if (!entry) throw entryNotFound(id);
  const sharedCircle =
    entry.shared_to_circle_id === null
      ? null
      : ((await findCircle(context.db, scope, entry.shared_to_circle_id)) ?? null);
  const sharedMembers =
    sharedCircle === null ? [] : await listCircleMembers(context.db, scope, sharedCircle.id);
  const resource = {
    authorUserId: entry.author_user_id,
    sharedCircleMemberIds: sharedMembers.map((each) => each.user_id),
  };
  if (!canJournal(context.actor, 'read', resource)) throw entryNotFound(id);
  const isAuthor = canJournal(context.actor, 'share', resource);
  const shareableCircles =
    isAuthor && entry.shared_to_circle_id === null ? await listCircles(context.db, scope) : [];
  return { entry, isAuthor, sharedCircle, shareableCircles };
}
