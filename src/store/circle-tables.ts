import type { ColumnType, Generated } from 'kysely';

/** What a circle keeps of its meetings: dates only, themes, or notes (`CircleKeeps`). */
export type CircleKeeps = 'dates' | 'themes' | 'notes';

/** A confidential peer circle (`circle`). */
export interface CircleTable {
  id: Generated<number>;
  name: string;
  what_is_kept: CircleKeeps;
  created_by: number;
  created_at: ColumnType<Date, Date | string, Date | string>;
  /** Whether the demo invented it: shown "Example". */
  is_example: Generated<boolean>;
}

/** A circle's members; `left_at` set when they left (`circle_member`). */
export interface CircleMemberTable {
  circle_id: number;
  user_id: number;
  joined_at: ColumnType<Date, Date | string, Date | string>;
  left_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** A meeting of a circle, with only what the circle keeps (`circle_meeting`). */
export interface CircleMeetingTable {
  id: Generated<number>;
  circle_id: number;
  met_on: ColumnType<string, string, string>;
  kept: CircleKeeps;
  themes: string | null;
  notes: string | null;
}

/** A reflective journal entry, its author's alone unless shared into one circle (`journal_entry`). */
export interface JournalEntryTable {
  id: Generated<number>;
  author_user_id: number;
  written_at: ColumnType<Date, Date | string, Date | string>;
  title: string;
  body: string;
  shared_to_circle_id: number | null;
  shared_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface CircleTables {
  circle: CircleTable;
  circle_member: CircleMemberTable;
  circle_meeting: CircleMeetingTable;
  journal_entry: JournalEntryTable;
}
