import {
  type BoardCommentaryView,
  type BoardDetail,
  type BoardSummary,
  listAllBoards,
} from '../../../app/boards/read.ts';
import type { UseCaseContext } from '../../../app/context.ts';
import {
  boardCommentaryStateLabels,
  boardMemberRoleLabels,
  boardMemberRoles,
} from '../../../domain/board.ts';
import type { BoardMemberRow } from '../../../store/repos/board-repo.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { longDate } from '../inquiries/present.ts';

/**
 * View models of the ethical reflection board pages: every board, one board with its members (by
 * role, named only where they agreed) and its commentary with the organisation's replies, the form
 * to write a commentary, and one commentary with the forms to submit, moderate or reply to it.
 */

export type FormValues = Record<string, string>;

/** The address of every board, one board, its new-commentary form, or one commentary. */
export const boardsPath = '/boards';
export function boardPath(id: number): string {
  return `/boards/${id}`;
}
export function newCommentaryPath(boardId: number): string {
  return `${boardPath(boardId)}/commentary/new`;
}
export function membersPath(boardId: number): string {
  return `${boardPath(boardId)}/members`;
}
export const newBoardPath = '/boards/new';
export function commentaryPath(boardId: number, commentaryId: number): string {
  return `${boardPath(boardId)}/commentary/${commentaryId}`;
}

function organisationHref(board: BoardSummary): string {
  return board.orgKind === 'icb'
    ? `/systems/${encodeURIComponent(board.orgCode)}`
    : `/organisations/${encodeURIComponent(board.orgCode)}`;
}

function boardView(board: BoardSummary) {
  return {
    id: board.id,
    name: board.name,
    href: boardPath(board.id),
    orgCode: board.orgCode,
    orgName: board.orgName,
    orgHref: organisationHref(board),
    forSystem: board.orgKind === 'icb',
    isExample: board.isExample,
  };
}

function commentaryItem(boardId: number, commentary: BoardCommentaryView) {
  return {
    id: commentary.id,
    href: commentaryPath(boardId, commentary.id),
    title: commentary.title,
    subject: commentary.subject,
    author: commentary.author,
    state: commentary.state,
    stateLabel: boardCommentaryStateLabels[commentary.state],
    body: commentary.body,
    restrictedReason: commentary.restrictedReason,
    written: longDate(commentary.createdAt),
    moderated: commentary.moderatedAt ? longDate(commentary.moderatedAt) : null,
    isExample: commentary.isExample,
    replies: commentary.replies.map((reply) => ({
      body: reply.body,
      whatWeChanged: reply.whatWeChanged,
      written: longDate(reply.writtenAt),
    })),
  };
}

/** The list of every board (`presentBoards`), with the way to create one for those who may. */
export function presentBoards(boards: readonly BoardSummary[], mayCreate = false) {
  return {
    pageName: 'Ethical reflection boards',
    boards: boards.map(boardView),
    newBoardHref: mayCreate ? newBoardPath : null,
  };
}

/** The form to create a board (`presentNewBoard`). */
export function presentNewBoard(options: { values?: FormValues; errors?: FieldError[] } = {}) {
  const errors = options.errors ?? [];
  return {
    pageName: 'Create an ethical reflection board',
    action: boardsPath,
    values: options.values ?? {},
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/**
 * A board's members as its managers see them, with the forms to add a member, set a chair and end a
 * term (`presentBoardMembers`). Problems with one member's form are shown beside that member.
 */
export function presentBoardMembers(
  detail: { board: BoardSummary; members: readonly BoardMemberRow[] },
  options: { values?: FormValues; errors?: FieldError[]; memberId?: number } = {},
) {
  const errors = options.errors ?? [];
  const values = options.values ?? {};
  const base = membersPath(detail.board.id);
  const forMember = options.memberId !== undefined;
  return {
    pageName: `Members – ${detail.board.name}`,
    board: boardView(detail.board),
    members: detail.members.map((member) => ({
      id: member.id,
      name: member.name,
      roleLabel: boardMemberRoleLabels[member.role],
      namePublic: member.name_public,
      userId: member.user_id,
      isChair: member.is_chair,
      term: `${longDate(member.term_from)} to ${member.term_to ? longDate(member.term_to) : 'no end date set'}`,
      termTo: member.term_to,
      chairAction: `${base}/${member.id}/chair`,
      endTermAction: `${base}/${member.id}/end-term`,
      endTermError: options.memberId === member.id ? errorsByField(errors).termTo : undefined,
      endTermValue: options.memberId === member.id ? values.termTo : undefined,
    })),
    addAction: base,
    roles: boardMemberRoles.map((role) => ({
      value: role,
      text: boardMemberRoleLabels[role],
      checked: !forMember && values.role === role,
    })),
    values: forMember ? {} : values,
    errors: forMember
      ? errors.map((error) => ({
          ...error,
          field: error.field === 'termTo' ? `termTo-${options.memberId}` : error.field,
        }))
      : errors,
    fieldErrors: forMember ? {} : errorsByField(errors),
  };
}

/** One board (`presentBoard`). */
export function presentBoard(detail: BoardDetail) {
  return {
    pageName: `${detail.board.name} – ethical reflection board`,
    board: boardView(detail.board),
    members: detail.members.map((member) => ({
      shownAs: member.shownAs,
      roleLabel: member.roleLabel,
      named: member.named,
      isChair: member.isChair,
      term: `${longDate(member.termFrom)} to ${member.termTo ? longDate(member.termTo) : 'no end date set'}`,
    })),
    commentary: detail.commentary.map((each) => commentaryItem(detail.board.id, each)),
    canWrite: detail.may.writeCommentary,
    newCommentaryHref: newCommentaryPath(detail.board.id),
    membersHref: detail.may.manage ? membersPath(detail.board.id) : null,
  };
}

/** The form to write a commentary (`presentNewCommentary`). */
export function presentNewCommentary(
  board: BoardSummary,
  options: { values?: FormValues; errors?: FieldError[] } = {},
) {
  const errors = options.errors ?? [];
  return {
    pageName: `Write a commentary – ${board.name}`,
    board: boardView(board),
    action: `${boardPath(board.id)}/commentary`,
    values: options.values ?? {},
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** One commentary with the forms its reader may use (`presentCommentary`). */
export function presentCommentary(
  detail: { board: BoardSummary; commentary: BoardCommentaryView },
  options: { values?: FormValues; errors?: FieldError[] } = {},
) {
  const errors = options.errors ?? [];
  const values = options.values ?? {};
  return {
    pageName: `${detail.commentary.title} – ${detail.board.name}`,
    board: boardView(detail.board),
    commentary: commentaryItem(detail.board.id, detail.commentary),
    may: detail.commentary.may,
    actionsBase: commentaryPath(detail.board.id, detail.commentary.id),
    decisions: [
      { value: 'publish', text: 'Publish it', checked: values.decision === 'publish' },
      {
        value: 'restrict',
        text: 'Restrict it: the title and the reason are shown, the text is not',
        checked: values.decision === 'restrict',
      },
    ],
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** The organisation or system page's links to its ethical reflection boards (`boardLinksFor`); public. */
export async function boardLinksFor(
  context: UseCaseContext,
  orgCode: string,
): Promise<{ boardLinks: { href: string; name: string }[] }> {
  const boards = await listAllBoards(context, { orgCode });
  return { boardLinks: boards.map((board) => ({ href: boardPath(board.id), name: board.name })) };
}
