import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Direction, MetricDefinition, ObservationStatus } from '../domain/metric.ts';
import type { MembershipRelation, OrganisationKind } from '../domain/organisation.ts';
import type { Granularity } from '../domain/period.ts';

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
}

export interface Database {
  organisation: OrganisationTable;
  membership: MembershipTable;
  metric: MetricTable;
  observation: ObservationTable;
  observation_history: ObservationHistoryTable;
  import_batch: ImportBatchTable;
}

export type OrganisationRow = Selectable<OrganisationTable>;
export type NewOrganisationRow = Insertable<OrganisationTable>;
export type MembershipRow = Selectable<MembershipTable>;
export type MetricRow = Selectable<MetricTable>;
export type NewMetricRow = Insertable<MetricTable>;
export type ObservationRow = Selectable<ObservationTable>;
export type ImportBatchRow = Selectable<ImportBatchTable>;
