import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { BoardCommentaryScope } from '../../policies/board.ts';
import type { BoardCommentaryTable, BoardMemberTable, BoardReplyTable, BoardTable } from '../board-tables.ts';
import type { Database } from '../tables.ts';
import { boardCommentaryScopeFilter } from './scope-filter.ts';

/**
 * Ethical reflection boards, their members, commentary and replies. Boards, members and replies to
 * published commentary are public; every read of commentary takes the reader's scope and filters
 * with `boardCommentaryScopeFilter`, and replies are read only through commentary the scope reads.
 */

export type BoardRow = Selectable<BoardTable>;
export type BoardMemberRow = Selectable<BoardMemberTable>;
export type BoardCommentaryRow = Selectable<BoardCommentaryTable>;
export type BoardReplyRow = Selectable<BoardReplyTable>;

/** A board with its organisation's name and kind. */
export interface BoardWithOrganisation extends BoardRow {
  org_name: string;
  org_kind: string;
}

function boardsWithOrganisation(db: Kysely<Database>) {
  return db
    .selectFrom('board')
    .innerJoin('organisation', 'organisation.code', 'board.org_code')
    .selectAll('board')
    .select(['organisation.name as org_name', 'organisation.kind as org_kind']);
}

/** Adds a board (`insertBoard`). */
export async function insertBoard(db: Kysely<Database>, row: Insertable<BoardTable>): Promise<BoardRow> {
  return db.insertInto('board').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One board (`findBoard`). */
export async function findBoard(
  db: Kysely<Database>,
  id: number,
): Promise<BoardWithOrganisation | undefined> {
  return boardsWithOrganisation(db).where('board.id', '=', id).executeTakeFirst();
}

/** Every board, or an organisation's, by organisation name (`listBoards`). */
export async function listBoards(
  db: Kysely<Database>,
  filter: { orgCode?: string } = {},
): Promise<BoardWithOrganisation[]> {
  let query = boardsWithOrganisation(db);
  if (filter.orgCode) query = query.where('board.org_code', '=', filter.orgCode);
  return query.orderBy('organisation.name').orderBy('board.id').limit(1000).execute();
}

/** Adds a member to a board (`insertBoardMember`). */
export async function insertBoardMember(
  db: Kysely<Database>,
  row: Insertable<BoardMemberTable>,
): Promise<BoardMemberRow> {
  return db.insertInto('board_member').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Changes one member of a board (`updateBoardMember`); undefined if the board has no such member. */
export async function updateBoardMember(
  db: Kysely<Database>,
  boardId: number,
  memberId: number,
  patch: Updateable<BoardMemberTable>,
): Promise<BoardMemberRow | undefined> {
  return db
    .updateTable('board_member')
    .set(patch)
    .where('board_id', '=', boardId)
    .where('id', '=', memberId)
    .returningAll()
    .executeTakeFirst();
}

/** A board's members, chairs first, then by role and name (`listBoardMembers`). */
export async function listBoardMembers(db: Kysely<Database>, boardId: number): Promise<BoardMemberRow[]> {
  return db
    .selectFrom('board_member')
    .selectAll()
    .where('board_id', '=', boardId)
    .orderBy('is_chair', 'desc')
    .orderBy('role')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** Adds a commentary (`insertBoardCommentary`). */
export async function insertBoardCommentary(
  db: Kysely<Database>,
  row: Insertable<BoardCommentaryTable>,
): Promise<BoardCommentaryRow> {
  return db.insertInto('board_commentary').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Changes a commentary moving from `fromState` (`updateBoardCommentary`); undefined if it had moved on. */
export async function updateBoardCommentary(
  db: Kysely<Database>,
  id: number,
  fromState: BoardCommentaryRow['state'],
  patch: Updateable<BoardCommentaryTable>,
): Promise<BoardCommentaryRow | undefined> {
  return db
    .updateTable('board_commentary')
    .set(patch)
    .where('id', '=', id)
    .where('state', '=', fromState)
    .returningAll()
    .executeTakeFirst();
}

/** One commentary the scope reads on `day` (`findBoardCommentary`). */
export async function findBoardCommentary(
  db: Kysely<Database>,
  scope: BoardCommentaryScope,
  day: string,
  id: number,
): Promise<BoardCommentaryRow | undefined> {
  return db
    .selectFrom('board_commentary')
    .selectAll()
    .where('id', '=', id)
    .where(boardCommentaryScopeFilter(scope, day))
    .executeTakeFirst();
}

/** Commentary the scope reads on `day`, of one board or all, newest first (`listBoardCommentary`). */
export async function listBoardCommentary(
  db: Kysely<Database>,
  scope: BoardCommentaryScope,
  day: string,
  filter: { boardId?: number } = {},
): Promise<BoardCommentaryRow[]> {
  let query = db.selectFrom('board_commentary').selectAll().where(boardCommentaryScopeFilter(scope, day));
  if (filter.boardId !== undefined) query = query.where('board_id', '=', filter.boardId);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1000).execute();
}

/** Adds a reply (`insertBoardReply`). */
export async function insertBoardReply(
  db: Kysely<Database>,
  row: Insertable<BoardReplyTable>,
): Promise<BoardReplyRow> {
  return db.insertInto('board_reply').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The replies to a board's commentary that the scope reads, oldest first (`listBoardReplies`). */
export async function listBoardReplies(
  db: Kysely<Database>,
  scope: BoardCommentaryScope,
  day: string,
  boardId: number,
): Promise<BoardReplyRow[]> {
  return db
    .selectFrom('board_reply')
    .innerJoin('board_commentary', 'board_commentary.id', 'board_reply.commentary_id')
    .selectAll('board_reply')
    .where('board_commentary.board_id', '=', boardId)
    .where(boardCommentaryScopeFilter(scope, day))
    .orderBy('board_reply.written_at')
    .orderBy('board_reply.id')
    .execute();
}

/** Marks a board and all its commentary as invented examples (`markBoardAsExample`). */
export async function markBoardAsExample(db: Kysely<Database>, boardId: number): Promise<void> {
  await db.updateTable('board').set({ is_example: true }).where('id', '=', boardId).execute();
  await db
    .updateTable('board_commentary')
    .set({ is_example: true })
    .where('board_id', '=', boardId)
    .execute();
}
