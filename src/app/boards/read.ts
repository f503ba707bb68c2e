import type { BoardCommentaryState, BoardMemberRole } from '../../domain/board.ts';
import { boardMemberRoleLabels } from '../../domain/board.ts';
import type { OrganisationKind } from '../../domain/organisation.ts';
import type { Actor } from '../../policies/actor.ts';
import {
  type BoardCommentaryResource,
  type BoardMemberFacts,
  type BoardResource,
  boardCommentaryScope,
  canManageBoard,
  canModerateCommentary,
  canReadCommentaryBody,
  canReplyToCommentary,
  canSubmitCommentary,
  canWriteCommentary,
  chairsInTerm,
} from '../../policies/board.ts';
import {
  type BoardCommentaryRow,
  type BoardMemberRow,
  type BoardReplyRow,
  type BoardWithOrganisation,
  findBoard,
  findBoardCommentary,
  listBoardCommentary,
  listBoardMembers,
  listBoardReplies,
  listBoards,
} from '../../store/repos/board-repo.ts';
import { authorise, isoDay, type UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading ethical reflection boards: every board, one board with its members and the commentary the
 * reader may see (with the organisation's replies), and one commentary. Boards, members, published
 * commentary, restricted commentary's title and reason, and replies are public; everything else
 * goes through the commentary scope (`policies/board.ts`), and a commentary the scope does not read
 * is NOT_FOUND, so its existence is not revealed. A restricted commentary's body is withheld from
 * all but its author and the chair.
 */

/** A board as pages and the API show it. */
export interface BoardSummary {
  readonly id: number;
  readonly name: string;
  readonly orgCode: string;
  readonly orgName: string;
  readonly orgKind: OrganisationKind;
  readonly createdAt: Date;
  readonly isExample: boolean;
}

/** A member as the public sees them: a name only where they agreed to be named, otherwise their role. */
export interface BoardMemberView {
  readonly shownAs: string;
  readonly named: boolean;
  readonly role: BoardMemberRole;
  readonly roleLabel: string;
  readonly isChair: boolean;
  readonly termFrom: string;
  readonly termTo: string | null;
}

/** The organisation's reply beside a published commentary. */
export interface BoardReplyView {
  readonly id: number;
  readonly orgCode: string;
  readonly body: string;
  readonly whatWeChanged: string | null;
  readonly writtenAt: Date;
}

/** A commentary as the reader may see it: `body` is null where it is withheld (restricted). */
export interface BoardCommentaryView {
  readonly id: number;
  readonly boardId: number;
  readonly author: string;
  readonly subject: string;
  readonly state: BoardCommentaryState;
  readonly title: string;
  readonly body: string | null;
  readonly restrictedReason: string | null;
  readonly createdAt: Date;
  readonly submittedAt: Date | null;
  readonly moderatedAt: Date | null;
  readonly isExample: boolean;
  readonly replies: readonly BoardReplyView[];
  /** What the reader may do with it now. */
  readonly may: { readonly submit: boolean; readonly moderate: boolean; readonly reply: boolean };
}

/** A board with its members and the commentary the reader may see. */
export interface BoardDetail {
  readonly board: BoardSummary;
  readonly members: readonly BoardMemberView[];
  readonly commentary: readonly BoardCommentaryView[];
  readonly may: { readonly manage: boolean; readonly writeCommentary: boolean };
}

/** A board's facts for the policy. */
export function boardResource(board: BoardWithOrganisation): BoardResource {
  return { orgCode: board.org_code, orgKind: board.org_kind as OrganisationKind };
}

/** A member's facts for the policy. */
export function memberFacts(member: BoardMemberRow): BoardMemberFacts {
  return {
    userId: member.user_id,
    isChair: member.is_chair,
    termFrom: member.term_from,
    termTo: member.term_to,
  };
}

/** A commentary's facts for the policy, with the board's chairs in term on `day`. */
export function commentaryResource(
  commentary: BoardCommentaryRow,
  members: readonly BoardMemberRow[],
  day: string,
): BoardCommentaryResource {
  return {
    authorUserId: commentary.author_user_id,
    state: commentary.state,
    chairUserIds: chairsInTerm(members.map(memberFacts), day),
  };
}

function summaryOf(board: BoardWithOrganisation): BoardSummary {
  return {
    id: board.id,
    name: board.name,
    orgCode: board.org_code,
    orgName: board.org_name,
    orgKind: board.org_kind as OrganisationKind,
    createdAt: board.created_at,
    isExample: board.is_example,
  };
}

function memberView(member: BoardMemberRow): BoardMemberView {
  const roleLabel = boardMemberRoleLabels[member.role];
  return {
    shownAs: member.name_public ? member.name : roleLabel,
    named: member.name_public,
    role: member.role,
    roleLabel,
    isChair: member.is_chair,
    termFrom: member.term_from,
    termTo: member.term_to,
  };
}

function authorOf(commentary: BoardCommentaryRow, members: readonly BoardMemberRow[]): string {
  const member = members.find((each) => each.user_id !== null && each.user_id === commentary.author_user_id);
  return member ? memberView(member).shownAs : 'A board member';
}

function replyView(reply: BoardReplyRow): BoardReplyView {
  return {
    id: reply.id,
    orgCode: reply.org_code,
    body: reply.body,
    whatWeChanged: reply.what_we_changed,
    writtenAt: reply.written_at,
  };
}

function commentaryView(
  actor: Actor,
  board: BoardWithOrganisation,
  commentary: BoardCommentaryRow,
  members: readonly BoardMemberRow[],
  replies: readonly BoardReplyRow[],
  day: string,
): BoardCommentaryView {
  const resource = commentaryResource(commentary, members, day);
  return {
    id: commentary.id,
    boardId: commentary.board_id,
    author: authorOf(commentary, members),
    subject: commentary.subject,
    state: commentary.state,
    title: commentary.title,
    body: canReadCommentaryBody(actor, resource) ? commentary.body : null,
    restrictedReason: commentary.restricted_reason,
    createdAt: commentary.created_at,
    submittedAt: commentary.submitted_at,
    moderatedAt: commentary.moderated_at,
    isExample: commentary.is_example,
    replies: replies.filter((reply) => reply.commentary_id === commentary.id).map(replyView),
    may: {
      submit: canSubmitCommentary(actor, resource),
      moderate: canModerateCommentary(actor, resource),
      reply: canReplyToCommentary(actor, boardResource(board), resource),
    },
  };
}

/** Every board, by organisation (`listAllBoards`); public. */
export async function listAllBoards(
  context: UseCaseContext,
  filter: { orgCode?: string } = {},
): Promise<BoardSummary[]> {
  return (await listBoards(context.db, filter)).map(summaryOf);
}

/** Loads a board or NOT_FOUND (`loadBoard`). */
export async function loadBoard(context: UseCaseContext, id: number): Promise<BoardWithOrganisation> {
  const board = await findBoard(context.db, id);
  if (!board) throw notFound('board', id);
  return board;
}

/** A board with every member in full, for those who manage it (`getBoardForManaging`). */
export async function getBoardForManaging(
  context: UseCaseContext,
  id: number,
): Promise<{ board: BoardSummary; members: BoardMemberRow[] }> {
  const board = await loadBoard(context, id);
  authorise(context, canManageBoard(context.actor, boardResource(board)), "manage this board's members");
  return { board: summaryOf(board), members: await listBoardMembers(context.db, id) };
}

/** One board with its members and the commentary the reader may see, with replies (`getBoard`). */
export async function getBoard(context: UseCaseContext, id: number): Promise<BoardDetail> {
  const board = await loadBoard(context, id);
  const day = isoDay(context.clock());
  const scope = boardCommentaryScope(context.actor);
  const members = await listBoardMembers(context.db, id);
  const commentary = await listBoardCommentary(context.db, scope, day, { boardId: id });
  const replies = await listBoardReplies(context.db, scope, day, id);
  return {
    board: summaryOf(board),
    members: members.map(memberView),
    commentary: commentary.map((each) => commentaryView(context.actor, board, each, members, replies, day)),
    may: {
      manage: canManageBoard(context.actor, boardResource(board)),
      writeCommentary: canWriteCommentary(context.actor, members.map(memberFacts), day),
    },
  };
}

/** One commentary of a board, with its replies (`getBoardCommentary`); NOT_FOUND if the reader may not see it. */
export async function getBoardCommentary(
  context: UseCaseContext,
  boardId: number,
  commentaryId: number,
): Promise<{ board: BoardSummary; commentary: BoardCommentaryView }> {
  const board = await loadBoard(context, boardId);
  const day = isoDay(context.clock());
  const scope = boardCommentaryScope(context.actor);
  const commentary = await findBoardCommentary(context.db, scope, day, commentaryId);
  if (!commentary || commentary.board_id !== boardId) throw notFound('commentary', commentaryId);
  const members = await listBoardMembers(context.db, boardId);
  const replies = await listBoardReplies(context.db, scope, day, boardId);
  return {
    board: summaryOf(board),
    commentary: commentaryView(context.actor, board, commentary, members, replies, day),
  };
}
