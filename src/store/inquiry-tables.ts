import type { ColumnType, Generated, Selectable } from 'kysely';
import type {
  ClosingReason,
  FactorControl,
  InquiryKind,
  InquiryState,
  Participant,
  PromptDomain,
  PromptField,
} from '../domain/inquiry.ts';
import type { NarrativeVisibility } from '../domain/people.ts';

/** Table types of inquiries, learning reviews and prompt sets (`Database` in tables.ts lists them). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface PromptSetTable {
  id: Generated<number>;
  domain: PromptDomain;
  version: number;
  title: string;
  description: string;
  fields: Json<PromptField[]>;
  created_by: string;
  created_at: Timestamp;
}

export interface InquiryTable {
  id: Generated<number>;
  org_code: string;
  metric_id: string | null;
  signal_id: number | null;
  kind: InquiryKind;
  title: string;
  state: InquiryState;
  visibility: NarrativeVisibility;
  prompt_set_id: number;
  answers: Json<Record<string, string>>;
  participants: Json<Participant[]>;
  learning_summary: string | null;
  closing_reason: ClosingReason | null;
  closing_note: string | null;
  passed_to_org_code: string | null;
  passed_to_name: string | null;
  follow_up_date: string | null;
  invited_by: number | null;
  invited_by_label: string | null;
  invitation_message: string | null;
  declined_reason: string | null;
  accepted_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  is_example: Generated<boolean>;
}

export interface InquiryReaderTable {
  inquiry_id: number;
  user_id: number;
}

export interface InquiryNoteTable {
  id: Generated<number>;
  inquiry_id: number;
  on_date: string;
  text: string;
  written_by: number | null;
  written_by_label: string;
  written_at: Timestamp;
}

export interface InquiryFactorTable {
  id: Generated<number>;
  inquiry_id: number;
  description: string;
  control: FactorControl;
  partner_org_code: string | null;
  partner_name: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface InquiryActionTable {
  id: Generated<number>;
  inquiry_id: number;
  description: string;
  owner: string;
  due_date: string | null;
  done_at: NullableTimestamp;
  created_by: number | null;
  created_at: Timestamp;
}

export type PromptSetRow = Selectable<PromptSetTable>;
export type InquiryRow = Selectable<InquiryTable>;
export type InquiryNoteRow = Selectable<InquiryNoteTable>;
export type InquiryFactorRow = Selectable<InquiryFactorTable>;
export type InquiryActionRow = Selectable<InquiryActionTable>;
