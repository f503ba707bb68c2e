import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Direction, MetricDefinition, ObservationStatus } from '../domain/metric.ts';
import type { MembershipRelation, OrganisationKind } from '../domain/organisation.ts';
import type {
  AnnotationKind,
  AnnotationVisibility,
  NarrativeKind,
  NarrativeVisibility,
  PublicationStatus,
  RoleName,
  ScopeKind,
  TeamIndicatorVisibility,
} from '../domain/people.ts';
import type { Granularity } from '../domain/period.ts';
import type { SignalClosedReason, SignalKind, SignalStatus } from '../domain/signal.ts';
import type { BoardTables } from './board-tables.ts';
import type { CapabilityTables } from './capability-tables.ts';
import type { CircleTables } from './circle-tables.ts';
import type { GroupTables } from './group-tables.ts';
import type { ImprovementTables } from './improvement-tables.ts';
import type {
  InquiryActionTable,
  InquiryFactorTable,
  InquiryNoteTable,
  InquiryReaderTable,
  InquiryTable,
  PromptSetTable,
} from './inquiry-tables.ts';
import type { ListeningTables } from './listening-tables.ts';
import type { PeerReviewTables } from './peer-review-tables.ts';
import type { RiskSharingTables } from './risk-sharing-tables.ts';

export type { Direction, Granularity, MembershipRelation, ObservationStatus, OrganisationKind };

/** Table types for Tend's store. Dates are ISO `YYYY-MM-DD` strings; timestamps are Date objects. */

export interface OrganisationTable {
  code: string;
  name: string;
  kind: OrganisationKind;
  nof_trust_type: string | null;
  nof_trust_subtype: string | null;
  postcode: string | null;
  opened_on: string | null;
  closed_on: string | null;
  successor_code: string | null;
  source: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MembershipTable {
  id: Generated<number>;
  member_code: string;
  parent_code: string;
  relation: MembershipRelation;
  valid_from: string;
  valid_to: string | null;
  source: string;
}

/** The metric catalogue: exactly the domain's metric definition. */
export type MetricTable = MetricDefinition;

export interface ObservationColumns {
  org_code: string;
  metric_id: string;
  period_start: string;
  period_end: string;
  granularity: Granularity;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  note: string | null;
  detail: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  batch_id: number;
  publication: string;
  edition: string | null;
}

export interface ObservationTable extends ObservationColumns {
  recorded_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ObservationHistoryTable extends ObservationColumns {
  id: Generated<number>;
  recorded_at: ColumnType<Date, Date | string, Date | string>;
  superseded_at: ColumnType<Date, Date | string | undefined, Date | string>;
  superseded_by_batch: number;
}

export type ImportOutcome = 'imported' | 'rejected';

export interface ImportBatchTable {
  id: Generated<number>;
  file_name: string;
  content_hash: string;
  format: string | null;
  publication: string | null;
  edition: string | null;
  row_count: number;
  observation_count: number;
  inserted_count: number;
  updated_count: number;
  unchanged_count: number;
  issues: ColumnType<unknown[], string, string>;
  outcome: ImportOutcome;
  started_at: ColumnType<Date, Date | string, Date | string>;
  finished_at: ColumnType<Date, Date | string, Date | string>;
  /** Who ran the import: `user:<id> <email>`, `cli`, `demo`… (null for batches before sign-in existed). */
  imported_by: string | null;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface AppUserTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  password_hash: string | null;
  disabled_at: NullableTimestamp;
  failed_sign_ins: Generated<number>;
  locked_until: NullableTimestamp;
  last_sign_in_at: NullableTimestamp;
  is_demo: Generated<boolean>;
  created_at: DefaultedTimestamp;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  role: RoleName;
  scope_kind: ScopeKind;
  scope_code: string | null;
  valid_from: string;
  valid_to: string | null;
  granted_by: string;
  created_at: DefaultedTimestamp;
}

export interface IdentityLinkTable {
  provider: string;
  subject: string;
  user_id: number;
  created_at: DefaultedTimestamp;
}

export interface SsoRoleMappingTable {
  provider: string;
  claim_role: string;
  tend_role: 'member' | 'contributor' | 'admin';
}

export interface WebSessionTable {
  sid: string;
  user_id: number | null;
  data: ColumnType<Record<string, unknown>, string, string>;
  expires_at: Timestamp;
  updated_at: DefaultedTimestamp;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: DefaultedTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: number | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  org_code: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

export interface NarrativeTable {
  id: Generated<number>;
  org_code: string;
  metric_id: string | null;
  period_from: string | null;
  period_to: string | null;
  kind: NarrativeKind;
  title: string;
  visibility: NarrativeVisibility;
  status: PublicationStatus;
  current_version: number;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: NullableTimestamp;
  is_example: Generated<boolean>;
}

export interface NarrativeVersionTable {
  narrative_id: number;
  version: number;
  title: string;
  body: string;
  kind: NarrativeKind;
  visibility: NarrativeVisibility;
  status: PublicationStatus;
  metric_id: string | null;
  period_from: string | null;
  period_to: string | null;
  written_by: number | null;
  written_at: Timestamp;
}

export interface NarrativeReaderTable {
  narrative_id: number;
  user_id: number;
}

export interface AnnotationTable {
  id: Generated<number>;
  org_code: string;
  metric_id: string;
  on_date: string;
  kind: AnnotationKind;
  text: string;
  visibility: AnnotationVisibility;
  status: PublicationStatus;
  rebase_reason: string | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  is_example: Generated<boolean>;
}

export interface SeriesConfigTable {
  org_code: string;
  metric_id: string;
  rebase_dates: ColumnType<string[], string[], string[]>;
  updated_by: string;
  updated_at: Timestamp;
}

/** A team's own indicator: the `metric` row `team.<team_code>.<slug>` and whose it is. */
export interface TeamIndicatorTable {
  metric_id: string;
  team_code: string;
  slug: string;
  why_it_matters: string;
  target: number | null;
  visibility: TeamIndicatorVisibility;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  is_example: Generated<boolean>;
}

/** A signal episode: one organisation × metric × kind × stretch of consecutive signalling points. */
export interface SignalTable {
  id: Generated<number>;
  org_code: string;
  metric_id: string;
  kind: SignalKind;
  status: ColumnType<SignalStatus, SignalStatus | undefined, SignalStatus>;
  status_note: string | null;
  detail: string;
  first_date: string;
  latest_date: string;
  points: number;
  latest_value: number | null;
  opened_at: Timestamp;
  updated_at: Timestamp;
  closed_at: NullableTimestamp;
  closed_reason: SignalClosedReason | null;
  status_changed_at: NullableTimestamp;
  status_changed_by: string | null;
  version: Generated<number>;
}

/** The version of one part of the stored data (`metric:<id>`, `reference`, `all`). */
export interface DataPartVersionTable {
  part: string;
  version: ColumnType<number, number, number>;
}

export interface StoreVersionTable {
  id: number;
  data_version: number;
  dialogue_version: number;
}

/** A result computed from the stored data, kept across restarts while its data and engine are unchanged. */
export interface KeptResultTable {
  key: string;
  /** The versions of the data it was computed from. */
  token: string;
  /** A fingerprint of the code that computed it. */
  engine: string;
  value: Uint8Array;
  computed_at: ColumnType<Date, Date | string, Date | string>;
}

/** Small facts about the store itself, by key (`tend demo` keeps what it built the store from). */
export interface StoreMetaTable {
  key: string;
  value: string;
}

export interface Database
  extends ImprovementTables,
    BoardTables,
    CircleTables,
    PeerReviewTables,
    ListeningTables,
    CapabilityTables,
    GroupTables,
    RiskSharingTables {
  organisation: OrganisationTable;
  membership: MembershipTable;
  metric: MetricTable;
  observation: ObservationTable;
  observation_history: ObservationHistoryTable;
  import_batch: ImportBatchTable;
  app_user: AppUserTable;
  role_grant: RoleGrantTable;
  identity_link: IdentityLinkTable;
  sso_role_mapping: SsoRoleMappingTable;
  web_session: WebSessionTable;
  api_token: ApiTokenTable;
  audit_log: AuditLogTable;
  narrative: NarrativeTable;
  narrative_version: NarrativeVersionTable;
  narrative_reader: NarrativeReaderTable;
  annotation: AnnotationTable;
  series_config: SeriesConfigTable;
  store_version: StoreVersionTable;
  data_part_version: DataPartVersionTable;
  store_meta: StoreMetaTable;
  kept_result: KeptResultTable;
  signal: SignalTable;
  team_indicator: TeamIndicatorTable;
  prompt_set: PromptSetTable;
  inquiry: InquiryTable;
  inquiry_reader: InquiryReaderTable;
  inquiry_note: InquiryNoteTable;
  inquiry_factor: InquiryFactorTable;
  inquiry_action: InquiryActionTable;
}

export type OrganisationRow = Selectable<OrganisationTable>;
export type NewOrganisationRow = Insertable<OrganisationTable>;
export type MembershipRow = Selectable<MembershipTable>;
export type MetricRow = Selectable<MetricTable>;
export type NewMetricRow = Insertable<MetricTable>;
export type ObservationRow = Selectable<ObservationTable>;
export type ImportBatchRow = Selectable<ImportBatchTable>;
export type AppUserRow = Selectable<AppUserTable>;
export type RoleGrantRow = Selectable<RoleGrantTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NarrativeRow = Selectable<NarrativeTable>;
export type NarrativeVersionRow = Selectable<NarrativeVersionTable>;
export type AnnotationRow = Selectable<AnnotationTable>;
export type SeriesConfigRow = Selectable<SeriesConfigTable>;
export type SignalRow = Selectable<SignalTable>;
export type TeamIndicatorRow = Selectable<TeamIndicatorTable>;
