import type { ColumnType, Generated } from 'kysely';
import type { BoardCommentaryState, BoardMemberRole } from '../domain/board.ts';

/**
 * Table types of ethical reflection boards (`Database` in tables.ts lists them; migration
 * 2026_12_02_1110_boards creates them). Dates are ISO strings; timestamps are Date objects.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface BoardTable {
  id: Generated<number>;
  org_code: string;
  name: string;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  is_example: Generated<boolean>;
}

export interface BoardMemberTable {
  id: Generated<number>;
  board_id: number;
  name: string;
  /** Whether the member agreed to be named in public; otherwise they are shown by role. */
  name_public: Generated<boolean>;
  role: BoardMemberRole;
  user_id: number | null;
  is_chair: Generated<boolean>;
  term_from: string;
  term_to: string | null;
}

export interface BoardCommentaryTable {
  id: Generated<number>;
  board_id: number;
  author_user_id: number | null;
  author_label: string;
  /** What the commentary is about: a narrative id, a metric id, or free text such as "a decision". */
  subject: string;
  state: BoardCommentaryState;
  restricted_reason: string | null;
  title: string;
  body: string;
  created_at: Timestamp;
  submitted_at: NullableTimestamp;
  moderated_at: NullableTimestamp;
  moderated_by: number | null;
  is_example: Generated<boolean>;
}

export interface BoardReplyTable {
  id: Generated<number>;
  commentary_id: number;
  org_code: string;
  body: string;
  what_we_changed: string | null;
  written_by: number | null;
  written_by_label: string;
  written_at: Timestamp;
}

export interface BoardTables {
  board: BoardTable;
  board_member: BoardMemberTable;
  board_commentary: BoardCommentaryTable;
  board_reply: BoardReplyTable;
}
