import type { ColumnType, Generated } from 'kysely';
import type {
  ActionOwnerSide,
  ActionStatus,
  AttendeeSide,
  ConsentScope,
  EntrySource,
  EntryState,
  EscalationRecipientKind,
  EscalationState,
  EscalationTopic,
  FollowUpState,
  MessageTransport,
  OfferState,
  Outcome,
  ReviewState,
  WouldRaiseAgain,
} from '../domain/improvement.ts';

/**
 * Table types of the improvement directory, reviews, follow-ups, inbox, outbox and escalations
 * (`Database` in tables.ts lists them; migration 2026_12_02_0900 creates them). Dates are ISO strings.
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface ChangeIdeaTable {
  id: Generated<number>;
  metric_id: string;
  name: string;
  summary: Generated<string>;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  is_example: Generated<boolean>;
}

/** The chart frozen at publication: the series and its SVG as they were then. */
export interface FrozenEvidence {
  readonly metricId: string;
  readonly frozenAt: string;
  readonly svg: string;
  readonly points: readonly { readonly period: string; readonly value: number }[];
  readonly summary: string;
}

export interface DirectoryEntryTable {
  id: Generated<number>;
  org_code: string;
  title: string;
  state: EntryState;
  source: EntrySource;
  inquiry_id: number | null;
  period_start: string | null;
  period_end: string | null;
  effort: Generated<string>;
  resources: Generated<string>;
  evidence: Json<FrozenEvidence[] | null> | null;
  withdrawn_reason: string | null;
  published_at: NullableTimestamp;
  withdrawn_at: NullableTimestamp;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  is_example: Generated<boolean>;
}

export interface DirectoryEntryMetricTable {
  entry_id: number;
  metric_id: string;
}

export interface DirectoryEntryVersionTable {
  id: Generated<number>;
  entry_id: number;
  version: number;
  what_they_did: string;
  what_did_not_work: Generated<string>;
  written_by: number | null;
  written_by_label: string;
  written_at: Timestamp;
}

export interface DirectoryContactTable {
  id: Generated<number>;
  entry_id: number;
  name: string;
  role: string;
  email: string;
  consent_scope: ConsentScope;
  consent_recorded_on: string;
  consent_recorded_by_label: string;
  review_by: string;
  removed_at: NullableTimestamp;
}

export interface DirectoryEntryChangeIdeaTable {
  entry_id: number;
  change_idea_id: number;
}

export interface DirectoryAdoptionTable {
  id: Generated<number>;
  entry_id: number;
  org_code: string;
  adopted_on: string;
  how_it_went: Generated<string>;
  outcome: Outcome | null;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
}

export interface ReviewTable {
  id: Generated<number>;
  org_code: string;
  overseer_org_code: string;
  quarter: string;
  state: ReviewState;
  held_on: string | null;
  notes: Generated<string>;
  follow_up_on: string | null;
  agreed_by: number | null;
  agreed_by_label: string | null;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  is_example: Generated<boolean>;
}

export interface ReviewAttendeeTable {
  id: Generated<number>;
  review_id: number;
  name: string;
  role: string;
  side: AttendeeSide;
}

export interface ReviewOfferTable {
  id: Generated<number>;
  review_id: number;
  metric_id: string;
  entry_id: number | null;
  from_org_code: string;
  state: OfferState;
  note: Generated<string>;
  created_at: Timestamp;
}

export interface ReviewActionTable {
  id: Generated<number>;
  review_id: number;
  description: string;
  owner_side: ActionOwnerSide;
  owner_user_id: number | null;
  owner_name: string;
  due_on: string;
  support_offered: Generated<string>;
  support_by_org_code: string | null;
  offer_id: number | null;
  status: ActionStatus;
  completed_on: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface FollowUpTable {
  id: Generated<number>;
  /** The review conversation whose agreed action this follows up; null for a peer review's. */
  review_id: number | null;
  review_action_id: number | null;
  peer_review_id: ColumnType<number | null, number | null | undefined, number | null>;
  peer_review_action_id: ColumnType<number | null, number | null | undefined, number | null>;
  due_on: string;
  state: FollowUpState;
  asked_at: NullableTimestamp;
  outcome: Outcome | null;
  answer: Generated<string>;
  change_made: Generated<boolean>;
  change_made_on: string | null;
  answered_by: number | null;
  answered_by_label: string | null;
  answered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface InboxMessageTable {
  id: Generated<number>;
  user_id: number;
  follow_up_id: number | null;
  subject: string;
  body: string;
  href: string | null;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}

export interface OutboxMessageTable {
  id: Generated<number>;
  to_address: string;
  to_user_id: number | null;
  follow_up_id: number | null;
  subject: string;
  text_body: string;
  transport: MessageTransport;
  sent_at: NullableTimestamp;
  error: string | null;
  created_at: Timestamp;
}

export interface EscalationTable {
  id: Generated<number>;
  raiser_org_code: string;
  recipient_org_code: string;
  recipient_kind: EscalationRecipientKind;
  topic: EscalationTopic;
  title: string;
  body: string;
  state: EscalationState;
  response: string | null;
  would_raise_again: WouldRaiseAgain | null;
  closing_comment: string | null;
  raised_by: number | null;
  raised_by_label: string;
  raised_at: Timestamp;
  acknowledged_at: NullableTimestamp;
  responded_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  version: Generated<number>;
  is_example: Generated<boolean>;
}

export interface EscalationEventTable {
  id: Generated<number>;
  escalation_id: number;
  state: EscalationState;
  note: Generated<string>;
  by_user: number | null;
  by_label: string;
  at: Timestamp;
}

/** The tables above as `Database` entries. */
export interface ImprovementTables {
  change_idea: ChangeIdeaTable;
  directory_entry: DirectoryEntryTable;
  directory_entry_metric: DirectoryEntryMetricTable;
  directory_entry_version: DirectoryEntryVersionTable;
  directory_contact: DirectoryContactTable;
  directory_entry_change_idea: DirectoryEntryChangeIdeaTable;
  directory_adoption: DirectoryAdoptionTable;
  review: ReviewTable;
  review_attendee: ReviewAttendeeTable;
  review_offer: ReviewOfferTable;
  review_action: ReviewActionTable;
  follow_up: FollowUpTable;
  inbox_message: InboxMessageTable;
  outbox_message: OutboxMessageTable;
  escalation: EscalationTable;
  escalation_event: EscalationEventTable;
}
