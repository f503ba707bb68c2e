import type { ColumnType, Generated } from 'kysely';
import type { ListeningKind, ListeningState, ParticipantGroup } from '../domain/listening.ts';

/**
 * Table types of listening inquiries (`Database` in tables.ts lists them; migration
 * 2026_12_03_0910_listening_inquiries creates them). Dates are ISO strings; timestamps are Date objects.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ListeningInquiryTable {
  id: Generated<number>;
  convenor_org_code: string;
  kind: ListeningKind;
  question: string;
  state: ListeningState;
  what_will_change: string | null;
  report_back_by: string | null;
  report_back_text: string | null;
  reported_back_at: NullableTimestamp;
  published_at: NullableTimestamp;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  is_example: Generated<boolean>;
}

export interface ListeningParticipantTable {
  id: Generated<number>;
  inquiry_id: number;
  participant_group: ParticipantGroup;
  head_count: number;
  roles: string | null;
  names: string | null;
}

export interface ListeningThemeTable {
  id: Generated<number>;
  inquiry_id: number;
  position: number;
  theme: string;
}

export interface ListeningQuoteTable {
  id: Generated<number>;
  inquiry_id: number;
  position: number;
  quote: string;
  speaker: string | null;
  consent_recorded: Generated<boolean>;
}

export interface ListeningConcernTable {
  id: Generated<number>;
  inquiry_id: number;
  org_code: string | null;
  metric_id: string | null;
}

/** The convenor's raw notes: read only by the convening organisation's writers. */
export interface ListeningRawNotesTable {
  inquiry_id: number;
  notes: string;
}

export interface ListeningTables {
  listening_inquiry: ListeningInquiryTable;
  listening_participant: ListeningParticipantTable;
  listening_theme: ListeningThemeTable;
  listening_quote: ListeningQuoteTable;
  listening_concern: ListeningConcernTable;
  listening_raw_notes: ListeningRawNotesTable;
}
