import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import {
  boardCommentaryScope,
  canManageBoard,
  canModerateCommentary,
  canReplyToCommentary,
  canSubmitCommentary,
  canWriteCommentary,
  mayModerate,
  mayReplyForBoard,
} from '../../policies/board.ts';
import {
  type BoardCommentaryRow,
  type BoardMemberRow,
  type BoardReplyRow,
  type BoardRow,
  findBoardCommentary,
  insertBoard,
  insertBoardCommentary,
  insertBoardMember,
  insertBoardReply,
  listBoardMembers,
  updateBoardCommentary,
  updateBoardMember,
} from '../../store/repos/board-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { checkField, notFound, validationFailed, valuesOf } from './input.ts';
import { boardResource, commentaryResource, loadBoard, memberFacts } from './read.ts';

/**
 * Writing ethical reflection boards. An organisation's administrators (a system's lead, for an ICB's
 * board) create a board and add its members; members with a user account, within their term, write
 * commentary and submit it; the chair publishes it or restricts it with a reason shown; the
 * organisation's contributors and administrators reply beside a published commentary. Each step is
 * one audited transaction (`auditedWrite`). The audit entry is the board's organisation's, and never
 * copies what members wrote: text fields are recorded by length only, so the organisation's audit
 * view says what happened without holding a draft's words.
 */

const textFields = ['title', 'body', 'subject', 'restricted_reason', 'what_we_changed'] as const;

/** A row as the audit log records it (`auditView`): text fields by length only. */
export function auditView(row: BoardCommentaryRow | BoardReplyRow): Record<string, unknown> {
  const view: Record<string, unknown> = { ...row };
  for (const field of textFields) {
    const value = (row as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') view[field] = `${value.length} characters, not copied to the audit log`;
  }
  return view;
}

function byLabel(context: UseCaseContext): string {
  return context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor);
}

/** Creates a board for an organisation or a system (`createBoard`): `org`, `name`. */
export async function createBoard(context: UseCaseContext, input: unknown): Promise<BoardRow> {
  authorise(context, context.actor.kind !== 'anonymous', 'create a board');
  const values = valuesOf(input);
  const problems: string[] = [];
  const orgCode = checkField('org', values.org, problems);
  const org = orgCode ? await findOrganisation(context.db, orgCode) : undefined;
  if (orgCode && !org) problems.push(`org: No organisation has the code ${orgCode}`);
  if (org) {
    authorise(
      context,
      canManageBoard(context.actor, { orgCode: org.code, orgKind: org.kind }),
      `create a board for ${org.code}`,
    );
  }
  const name = checkField('name', values.name, problems);
  if (problems.length > 0 || !org || !name) throw validationFailed('board', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const board = await insertBoard(trx, {
      org_code: org.code,
      name,
      created_by: actorUserId(context.actor),
      created_by_label: byLabel(context),
      created_at: at,
    });
    return {
      result: board,
      audit: {
        action: 'board.create',
        entityType: 'board',
        entityId: board.id,
        orgCode: org.code,
        after: board,
      },
    };
  });
}

/**
 * Adds a member to a board (`addBoardMember`): `name`, `role` (staff, patient or lay), `userId`
 * (optional: a member with an account writes commentary), `namePublic`, `isChair`, `termFrom`, `termTo`.
 */
export async function addBoardMember(
  context: UseCaseContext,
  boardId: number,
  input: unknown,
): Promise<BoardMemberRow> {
  const board = await loadBoard(context, boardId);
  authorise(context, canManageBoard(context.actor, boardResource(board)), 'add members to this board');
  const values = valuesOf(input);
  const problems: string[] = [];
  const name = checkField('name', values.name, problems);
  const role = checkField('role', values.role, problems);
  const userId = checkField('userId', values.userId, problems);
  const namePublic = checkField('namePublic', values.namePublic, problems) ?? false;
  const isChair = checkField('isChair', values.isChair, problems) ?? false;
  const termFrom = checkField('termFrom', values.termFrom, problems);
  const termTo = checkField('termTo', values.termTo, problems);
  if (termFrom && termTo && termTo < termFrom)
    problems.push('termTo: The term must end on or after it starts');
  if (problems.length > 0 || !name || !role || !termFrom) throw validationFailed('member', problems);
  return auditedWrite(context, {}, async (trx) => {
    const member = await insertBoardMember(trx, {
      board_id: board.id,
      name,
      name_public: namePublic,
      role,
      user_id: userId ?? null,
      is_chair: isChair,
      term_from: termFrom,
      term_to: termTo ?? null,
    });
    return {
      result: member,
      audit: {
        action: 'board.add_member',
        entityType: 'board',
        entityId: board.id,
        orgCode: board.org_code,
        after: { ...member, name: `${member.name.length} characters, not copied to the audit log` },
      },
    };
  });
}

/** The board, refusing anyone who may not manage it, and one of its members or NOT_FOUND. */
async function loadMemberToManage(context: UseCaseContext, boardId: number, memberId: number, what: string) {
  const board = await loadBoard(context, boardId);
  authorise(context, canManageBoard(context.actor, boardResource(board)), what);
  const member = (await listBoardMembers(context.db, board.id)).find((each) => each.id === memberId);
  if (!member) throw new AppError('NOT_FOUND', `Board ${boardId} has no member ${memberId}.`);
  return { board, member };
}

/** The audit record of a change to a member: the member's name by length only. */
function memberAudit(
  action: string,
  board: { id: number; org_code: string },
  before: BoardMemberRow,
  after: BoardMemberRow,
) {
  const hidden = (row: BoardMemberRow) => ({
    ...row,
    name: `${row.name.length} characters, not copied to the audit log`,
  });
  return {
    action,
    entityType: 'board',
    entityId: board.id,
    orgCode: board.org_code,
    before: hidden(before),
    after: hidden(after),
  };
}

/**
 * Makes a member the board's chair, or no longer its chair (`setBoardChair`): `isChair`. The board's
 * managers only (`canManageBoard`); a board may have more than one chair.
 */
export async function setBoardChair(
  context: UseCaseContext,
  boardId: number,
  memberId: number,
  input: unknown,
): Promise<BoardMemberRow> {
  const { board, member } = await loadMemberToManage(context, boardId, memberId, "change this board's chair");
  const problems: string[] = [];
  const isChair = checkField('isChair', valuesOf(input).isChair, problems) ?? false;
  if (problems.length > 0) throw validationFailed('member', problems);
  return auditedWrite(context, {}, async (trx) => {
    const changed = await updateBoardMember(trx, board.id, member.id, { is_chair: isChair });
    if (!changed) throw new AppError('NOT_FOUND', `Board ${boardId} has no member ${memberId}.`);
    return { result: changed, audit: memberAudit('board.set_chair', board, member, changed) };
  });
}

/**
 * Ends a member's term (`endBoardMemberTerm`): `termTo`, on or after the term started. From the day
 * after, the member no longer writes commentary (nor, as chair, moderates it).
 */
export async function endBoardMemberTerm(
  context: UseCaseContext,
  boardId: number,
  memberId: number,
  input: unknown,
): Promise<BoardMemberRow> {
  const { board, member } = await loadMemberToManage(context, boardId, memberId, "end this member's term");
  const problems: string[] = [];
  const termTo = checkField('termTo', valuesOf(input).termTo, problems);
  if (termTo === undefined && problems.length === 0)
    problems.push('termTo: Give the date the term ends, as YYYY-MM-DD');
  if (termTo !== undefined && termTo < member.term_from)
    problems.push(`termTo: The term must end on or after it started (${member.term_from})`);
  if (problems.length > 0 || termTo === undefined) throw validationFailed('member', problems);
  return auditedWrite(context, {}, async (trx) => {
    const changed = await updateBoardMember(trx, board.id, member.id, { term_to: termTo });
    if (!changed) throw new AppError('NOT_FOUND', `Board ${boardId} has no member ${memberId}.`);
    return { result: changed, audit: memberAudit('board.end_term', board, member, changed) };
  });
}

/**
 * Loads a board and refuses (FORBIDDEN; UNAUTHENTICATED when signed out) anyone who may not write
 * commentary for it: sitting members with an account and the operator may (`requireMayWriteCommentary`).
 */
export async function requireMayWriteCommentary(context: UseCaseContext, boardId: number) {
  const board = await loadBoard(context, boardId);
  const members = await listBoardMembers(context.db, board.id);
  authorise(
    context,
    canWriteCommentary(context.actor, members.map(memberFacts), isoDay(context.clock())),
    'write commentary for this board',
  );
  return board;
}

/**
 * Writes a commentary (`writeBoardCommentary`): `subject`, `title`, `body`, and `submit` to send it
 * to the chair at once rather than keep it as a draft. Sitting members with an account only.
 */
export async function writeBoardCommentary(
  context: UseCaseContext,
  boardId: number,
  input: unknown,
): Promise<BoardCommentaryRow> {
  const board = await requireMayWriteCommentary(context, boardId);
  const values = valuesOf(input);
  const problems: string[] = [];
  const subject = checkField('subject', values.subject, problems);
  const title = checkField('title', values.title, problems);
  const body = checkField('body', values.body, problems);
  const submit = checkField('submit', values.submit, problems) ?? false;
  if (problems.length > 0 || !subject || !title || !body) throw validationFailed('commentary', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const commentary = await insertBoardCommentary(trx, {
      board_id: board.id,
      author_user_id: actorUserId(context.actor),
      author_label: byLabel(context),
      subject,
      state: submit ? 'in_moderation' : 'draft',
      restricted_reason: null,
      title,
      body,
      created_at: at,
      submitted_at: submit ? at : null,
    });
    return {
      result: commentary,
      audit: {
        action: submit ? 'board_commentary.submit' : 'board_commentary.draft',
        entityType: 'board_commentary',
        entityId: commentary.id,
        orgCode: board.org_code,
        after: auditView(commentary),
      },
    };
  });
}

async function loadCommentary(context: UseCaseContext, boardId: number, commentaryId: number) {
  const board = await loadBoard(context, boardId);
  const day = isoDay(context.clock());
  const members = await listBoardMembers(context.db, board.id);
  const commentary = await findBoardCommentary(
    context.db,
    boardCommentaryScope(context.actor),
    day,
    commentaryId,
  );
  if (!commentary || commentary.board_id !== board.id) throw notFound('commentary', commentaryId);
  return { board, commentary, resource: commentaryResource(commentary, members, day) };
}

function conflict(commentary: BoardCommentaryRow, what: string): AppError {
  return new AppError(
    'CONFLICT',
    `Commentary ${commentary.id} is ${commentary.state.replace('_', ' ')}; it cannot ${what}.`,
  );
}

/** Sends a draft to the chair (`submitBoardCommentary`): its author only. */
export async function submitBoardCommentary(
  context: UseCaseContext,
  boardId: number,
  commentaryId: number,
): Promise<BoardCommentaryRow> {
  const { board, commentary, resource } = await loadCommentary(context, boardId, commentaryId);
  authorise(
    context,
    canSubmitCommentary(context.actor, { ...resource, state: 'draft' }),
    'submit this commentary',
  );
  if (!canSubmitCommentary(context.actor, resource)) throw conflict(commentary, 'be submitted');
  return auditedWrite(context, {}, async (trx, at) => {
    const after = await updateBoardCommentary(trx, commentary.id, 'draft', {
      state: 'in_moderation',
      submitted_at: at,
    });
    if (!after) throw conflict(commentary, 'be submitted');
    return {
      result: after,
      audit: {
        action: 'board_commentary.submit',
        entityType: 'board_commentary',
        entityId: after.id,
        orgCode: board.org_code,
        before: auditView(commentary),
        after: auditView(after),
      },
    };
  });
}

/**
 * Publishes a commentary in moderation, or restricts it with a reason shown to all
 * (`moderateBoardCommentary`): `decision` (publish or restrict), `reason`. The board's chair only.
 */
export async function moderateBoardCommentary(
  context: UseCaseContext,
  boardId: number,
  commentaryId: number,
  input: unknown,
): Promise<BoardCommentaryRow> {
  const { board, commentary, resource } = await loadCommentary(context, boardId, commentaryId);
  authorise(context, mayModerate(context.actor, resource), 'moderate this commentary');
  if (!canModerateCommentary(context.actor, resource)) throw conflict(commentary, 'be moderated');
  const values = valuesOf(input);
  const problems: string[] = [];
  const decision = checkField('decision', values.decision, problems);
  const reason = checkField('reason', values.reason, problems);
  if (decision === 'restrict' && !reason)
    problems.push('reason: Give the reason it is restricted, which everyone will see');
  if (problems.length > 0 || !decision) throw validationFailed('moderation', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const after = await updateBoardCommentary(trx, commentary.id, 'in_moderation', {
      state: decision === 'publish' ? 'published' : 'restricted',
      restricted_reason: decision === 'restrict' ? (reason ?? null) : null,
      moderated_at: at,
      moderated_by: actorUserId(context.actor),
    });
    if (!after) throw conflict(commentary, 'be moderated');
    return {
      result: after,
      audit: {
        action: decision === 'publish' ? 'board_commentary.publish' : 'board_commentary.restrict',
        entityType: 'board_commentary',
        entityId: after.id,
        orgCode: board.org_code,
        before: auditView(commentary),
        after: auditView(after),
      },
    };
  });
}

/**
 * The organisation's right of reply beside a published commentary (`replyToBoardCommentary`):
 * `reply`, and `whatWeChanged` (optional). The organisation's contributors and administrators.
 */
export async function replyToBoardCommentary(
  context: UseCaseContext,
  boardId: number,
  commentaryId: number,
  input: unknown,
): Promise<BoardReplyRow> {
  const { board, commentary, resource } = await loadCommentary(context, boardId, commentaryId);
  authorise(context, mayReplyForBoard(context.actor, boardResource(board)), 'reply for this organisation');
  if (!canReplyToCommentary(context.actor, boardResource(board), resource))
    throw conflict(commentary, 'be replied to');
  const values = valuesOf(input);
  const problems: string[] = [];
  const body = checkField('reply', values.reply, problems);
  const whatWeChanged = checkField('whatWeChanged', values.whatWeChanged, problems);
  if (problems.length > 0 || !body) throw validationFailed('reply', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const reply = await insertBoardReply(trx, {
      commentary_id: commentary.id,
      org_code: board.org_code,
      body,
      what_we_changed: whatWeChanged ?? null,
      written_by: actorUserId(context.actor),
      written_by_label: byLabel(context),
      written_at: at,
    });
    return {
      result: reply,
      audit: {
        action: 'board_commentary.reply',
        entityType: 'board_commentary',
        entityId: commentary.id,
        orgCode: board.org_code,
        after: auditView(reply),
      },
    };
  });
}
