import type { Actor } from './actor.ts';

/**
 * Circle and journal policy. A confidential peer circle is read by its current members and no one
 * else: not their organisations' administrators, not oversight (regional or national), not
 * facilitators, not the command-line operator's web views. A journal entry is read by its author,
 * and — once shared into a circle — by that circle's current members.
 *
 * Writing: any current member records a meeting; the circle's creator adds and removes members
 * (named Tend users of any organisation); an author writes entries and shares one into a circle
 * they belong to. The same rules as `circleScopeFilter` and `journalScopeFilter` in
 * store/repos/scope-filter.ts (a test checks they agree row by row).
 */

/** Who a circle's or journal's reader is: a user id, or null for anyone who is not a signed-in user. */
export interface CircleScope {
  readonly userId: number | null;
}

/** The reader's scope for circles and journals (`circleScope`): signed-in users only, never the operator. */
export function circleScope(actor: Actor): CircleScope {
  return { userId: actor.kind === 'user' ? actor.userId : null };
}

/** A circle as the policy sees it: its creator and its current members' user ids. */
export interface CircleResource {
  readonly createdBy: number;
  readonly currentMemberIds: readonly number[];
}

export type CircleAction = 'read' | 'record_meeting' | 'manage_members';

/** Whether the actor may read a circle, record a meeting in it or manage its members (`canCircle`). */
export function canCircle(actor: Actor, action: CircleAction, circle: CircleResource): boolean {
  const { userId } = circleScope(actor);
  if (userId === null || !circle.currentMemberIds.includes(userId)) return false;
  if (action === 'manage_members') return circle.createdBy === userId;
  return true;
}

/** A journal entry as the policy sees it: its author and, when shared, that circle's current members. */
export interface JournalEntryResource {
  readonly authorUserId: number;
  readonly sharedCircleMemberIds: readonly number[];
}

export type JournalAction = 'read' | 'share';

/** Whether the actor may read a journal entry, or share it into a circle (its author only) (`canJournal`). */
export function canJournal(actor: Actor, action: JournalAction, entry: JournalEntryResource): boolean {
  const { userId } = circleScope(actor);
  if (userId === null) return false;
  if (entry.authorUserId === userId) return true;
  return action === 'read' && entry.sharedCircleMemberIds.includes(userId);
}

/** Whether the actor may start a circle or write in a journal at all (`mayKeepCircles`): signed-in users. */
export function mayKeepCircles(actor: Actor): boolean {
  return actor.kind === 'user';
}
