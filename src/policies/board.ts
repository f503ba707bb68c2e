import type { BoardCommentaryState } from '../domain/board.ts';
import type { OrganisationKind } from '../domain/organisation.ts';
import { type Actor, adminOf, systemLeadOf, writerOf } from './actor.ts';

/**
 * Ethical reflection board policy. A board belongs to an organisation or to a system (an ICB); its
 * members are staff, patients and lay people, each with a term.
 *
 * Reading is public by default: the board, its members (by name only where they agreed, otherwise by
 * role), published commentary, a restricted commentary's title and the reason it was restricted (not
 * its body) and the organisation's replies are readable without signing in. A draft is readable by
 * its author only; a commentary in moderation by its author and the board's chair — moderation is the
 * chair's, never the organisation's; a restricted commentary's body by its author and the chair. The
 * operator reads everything. `boardCommentaryScopeFilter` in store/repos/scope-filter.ts holds the
 * same rules as SQL; a test checks they agree row by row.
 *
 * Writing: members with a user account, within their term, write commentary and submit it; the chair
 * (a member marked chair, within their term) publishes it or restricts it with a reason shown; the
 * organisation's administrators and contributors reply beside a published commentary. An
 * organisation's administrators create its board and add members; for a system's board, the ICB's
 * system lead (and its administrators). The operator may do everything.
 */

/** A board as the policy sees it. */
export interface BoardResource {
  readonly orgCode: string;
  readonly orgKind: OrganisationKind;
}

/** A board member as the policy sees them. */
export interface BoardMemberFacts {
  readonly userId: number | null;
  readonly isChair: boolean;
  readonly termFrom: string;
  readonly termTo: string | null;
}

/** A commentary as the policy sees it: `chairUserIds` are the board's chairs within their term today. */
export interface BoardCommentaryResource {
  readonly authorUserId: number | null;
  readonly state: BoardCommentaryState;
  readonly chairUserIds: readonly number[];
}

/** What an actor may read of commentary, as plain data for `boardCommentaryScopeFilter`. */
export interface BoardCommentaryScope {
  readonly everything: boolean;
  readonly userId: number | null;
}

/** The read filter of commentary for `actor` (`boardCommentaryScope`). */
export function boardCommentaryScope(actor: Actor): BoardCommentaryScope {
  return { everything: actor.kind === 'operator', userId: actor.kind === 'user' ? actor.userId : null };
}

/** Whether a member is within their term on `day` (ISO date): from `termFrom` up to and including `termTo`. */
export function inTerm(member: BoardMemberFacts, day: string): boolean {
  return member.termFrom <= day && (member.termTo === null || member.termTo >= day);
}

/** The user ids of the board's chairs within their term on `day` (`chairsInTerm`). */
export function chairsInTerm(members: readonly BoardMemberFacts[], day: string): number[] {
  return members
    .filter((member) => member.isChair && member.userId !== null && inTerm(member, day))
    .map((member) => member.userId as number);
}

function userIdOf(actor: Actor): number | null {
  return actor.kind === 'user' ? actor.userId : null;
}

function isAuthor(actor: Actor, commentary: BoardCommentaryResource): boolean {
  const userId = userIdOf(actor);
  return userId !== null && commentary.authorUserId === userId;
}

/** Whether the actor chairs the board today (`isBoardChair`). */
export function isBoardChair(
  actor: Actor,
  commentary: Pick<BoardCommentaryResource, 'chairUserIds'>,
): boolean {
  const userId = userIdOf(actor);
  return userId !== null && commentary.chairUserIds.includes(userId);
}

/** Whether the actor may see that the commentary exists, with its title (`canReadCommentary`). */
export function canReadCommentary(actor: Actor, commentary: BoardCommentaryResource): boolean {
  if (actor.kind === 'operator') return true;
  if (commentary.state === 'published' || commentary.state === 'restricted') return true;
  if (isAuthor(actor, commentary)) return true;
  return commentary.state === 'in_moderation' && isBoardChair(actor, commentary);
}

/**
 * Whether the actor may read the commentary's body (`canReadCommentaryBody`): a restricted
 * commentary's body only its author and the chair; otherwise whoever reads the commentary.
 */
export function canReadCommentaryBody(actor: Actor, commentary: BoardCommentaryResource): boolean {
  if (!canReadCommentary(actor, commentary)) return false;
  if (commentary.state !== 'restricted') return true;
  return actor.kind === 'operator' || isAuthor(actor, commentary) || isBoardChair(actor, commentary);
}

/** Whether the actor sits on the board with a user account within their term on `day` (`isSittingMember`). */
export function isSittingMember(actor: Actor, members: readonly BoardMemberFacts[], day: string): boolean {
  const userId = userIdOf(actor);
  return userId !== null && members.some((member) => member.userId === userId && inTerm(member, day));
}

/** Whether the actor may write commentary for the board (`canWriteCommentary`): sitting members, the operator. */
export function canWriteCommentary(actor: Actor, members: readonly BoardMemberFacts[], day: string): boolean {
  return actor.kind === 'operator' || isSittingMember(actor, members, day);
}

/** Whether the actor may submit a draft for moderation (`canSubmitCommentary`): its author. */
export function canSubmitCommentary(actor: Actor, commentary: BoardCommentaryResource): boolean {
  return (actor.kind === 'operator' || isAuthor(actor, commentary)) && commentary.state === 'draft';
}

/** Whether the actor moderates commentary of the board (`mayModerate`): its chair, the operator. */
export function mayModerate(actor: Actor, commentary: BoardCommentaryResource): boolean {
  return actor.kind === 'operator' || isBoardChair(actor, commentary);
}

/** Whether the actor may publish or restrict the commentary now (`canModerateCommentary`). */
export function canModerateCommentary(actor: Actor, commentary: BoardCommentaryResource): boolean {
  return mayModerate(actor, commentary) && commentary.state === 'in_moderation';
}

/**
 * Whether the actor writes the right of reply for the board's organisation (`mayReplyForBoard`): its
 * administrators and contributors; for a system's board, also its system lead; the operator.
 */
export function mayReplyForBoard(actor: Actor, board: BoardResource): boolean {
  if (actor.kind === 'operator') return true;
  if (writerOf(actor).includes(board.orgCode)) return true;
  return board.orgKind === 'icb' && systemLeadOf(actor).includes(board.orgCode);
}

/** Whether the actor may reply to the commentary now (`canReplyToCommentary`): it is published. */
export function canReplyToCommentary(
  actor: Actor,
  board: BoardResource,
  commentary: BoardCommentaryResource,
): boolean {
  return mayReplyForBoard(actor, board) && commentary.state === 'published';
}

/**
 * Whether the actor may create a board for the organisation and add its members (`canManageBoard`):
 * the organisation's administrators; for a system (ICB), its system lead as well; the operator.
 */
export function canManageBoard(actor: Actor, board: BoardResource): boolean {
  if (actor.kind === 'operator') return true;
  if (adminOf(actor).includes(board.orgCode)) return true;
  return board.orgKind === 'icb' && systemLeadOf(actor).includes(board.orgCode);
}

/**
 * Whether the actor may create a board for some organisation or system (`mayCreateSomeBoard`): an
 * administrator of one, a system lead, the operator; which one is checked by `canManageBoard`.
 */
export function mayCreateSomeBoard(actor: Actor): boolean {
  return actor.kind === 'operator' || adminOf(actor).length > 0 || systemLeadOf(actor).length > 0;
}
