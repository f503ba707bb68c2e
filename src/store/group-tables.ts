import type { ColumnType, Generated } from 'kysely';

/**
 * Table types of groups and shared leadership (`Database` in tables.ts lists them; migration
 * 2026_12_03_0950_organisation_groups creates them). Dates are ISO strings; timestamps are Date objects.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface OrganisationGroupTable {
  id: Generated<number>;
  name: string;
  /** What the group shares, in a sentence: "One board and chief executive for both trusts since April 2024". */
  description: string | null;
  is_example: Generated<boolean>;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
}

/** One organisation's stretch in a group: from `from_date` up to and including `to_date` (null: still a member). */
export interface OrganisationGroupMemberTable {
  id: Generated<number>;
  group_id: number;
  org_code: string;
  from_date: ColumnType<string, string, string>;
  to_date: ColumnType<string | null, string | null | undefined, string | null>;
  added_by: number | null;
  added_by_label: string;
  added_at: Timestamp;
  ended_by: number | null;
  ended_by_label: string | null;
  ended_at: NullableTimestamp;
}

export interface GroupTables {
  organisation_group: OrganisationGroupTable;
  organisation_group_member: OrganisationGroupMemberTable;
}
