import {
  type BoardCommentaryView,
  type BoardDetail,
  type BoardSummary,
  listAllBoards,
} from '../../../app/boards/read.ts';
import type { UseCaseContext } from '../../../app/context.ts';
import { boardCommentaryStateLabels } from '../../../domain/board.ts';
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

/** The list of every board (`presentBoards`). */
export function presentBoards(boards: readonly BoardSummary[]) {
  return { pageName: 'Ethical reflection boards', boards: boards.map(boardView) };
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
