import type { MetricDefinition, ObservationStatus } from '../domain/metric.ts';
import type { MembershipRelation, OrganisationKind } from '../domain/organisation.ts';
import type { Granularity } from '../domain/period.ts';

export type { MembershipRelation, OrganisationKind };

/** Stable codes for every problem an importer can report. `docs/ERRORS.md` explains each. */
export type IngestIssueCode =
  | 'EMPTY_FILE'
  | 'BINARY_FILE'
  | 'UNREADABLE_CSV'
  | 'UNKNOWN_FORMAT'
  | 'MISSING_COLUMN'
  | 'UNKNOWN_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'WRONG_COLUMN_COUNT'
  | 'NOT_A_NUMBER'
  | 'NEGATIVE_COUNT'
  | 'NOT_A_WHOLE_NUMBER'
  | 'NUMERATOR_ABOVE_DENOMINATOR'
  | 'VALUE_DISAGREES_WITH_RATIO'
  | 'BAD_PERIOD'
  | 'BAD_DATE'
  | 'BAD_CODE'
  | 'MISSING_VALUE'
  | 'BAD_STATUS'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_ORGANISATION'
  | 'CONFLICTING_DUPLICATE'
  | 'TOTAL_MISMATCH'
  | 'MIXED_PERIODS'
  | 'NO_DATA_ROWS'
  | 'NUMBER_OUT_OF_RANGE'
  | 'FORMULA_WITHOUT_VALUE'
  | 'NO_SUCH_SHEET'
  | 'TOO_LARGE'
  | 'TOO_MANY_PROBLEMS';

export interface IngestIssue {
  readonly code: IngestIssueCode;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** Row as a spreadsheet shows it (1-based, the header row included); null for whole-file problems. */
  readonly row: number | null;
  /** Column letter as a spreadsheet shows it (A, B, … AA); null when the problem is not in one column. */
  readonly column: string | null;
  readonly message: string;
}

/** One observation parsed from a file, ready to be written. */
export interface ObservationRecord {
  orgCode: string;
  metricId: string;
  periodStart: string;
  periodEnd: string;
  granularity: Granularity;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: ObservationStatus;
  note: string | null;
  detail: Record<string, unknown> | null;
  /** Spreadsheet row it came from, for messages. */
  rowNumber: number;
  /** Where the figures came from (0-based column indices), so a problem with them names its cell. */
  columns?: ObservationColumns;
  /** The unit the file states, for a metric the file itself defines (its bounds follow the unit). */
  unit?: string;
}

export interface ObservationColumns {
  period?: number;
  value?: number;
  numerator?: number;
  denominator?: number;
}

export interface OrganisationRecord {
  code: string;
  name: string;
  kind: OrganisationKind;
  nofTrustType?: string | null;
  nofTrustSubtype?: string | null;
  postcode?: string | null;
  openedOn?: string | null;
  closedOn?: string | null;
  /** The organisation that took over from a closed one (ODS successor), when the source says. */
  successorCode?: string | null;
  /**
   * How the record treats an organisation already in the store: `replace` (an authoritative
   * register such as ODS), `fill` (only add if missing), or `nof` (set the NOF trust type).
   */
  authority: 'replace' | 'fill' | 'nof';
}

export interface MembershipRecord {
  memberCode: string;
  parentCode: string;
  relation: MembershipRelation;
  validFrom: string;
  validTo: string | null;
}

/** Where parsed things go. A format never writes anything itself. */
export interface IngestSink {
  observation(record: ObservationRecord): void;
  organisation(record: OrganisationRecord): void;
  membership(record: MembershipRecord): void;
  metric(record: MetricDefinition): void;
  issue(issue: IngestIssue): void;
}

export interface ParseContext {
  /** File name as the user gave it, used in every message. */
  readonly file: string;
  /** Ids of metrics in the catalogue (built-in and imported). */
  readonly knownMetricIds: ReadonlySet<string>;
  /** Each catalogued metric's unit, for the bounds of metrics the built-in catalogue does not list. */
  readonly metricUnits?: ReadonlyMap<string, string>;
  /** Today (`YYYY-MM-DD`): no period may start later than today plus the publication's lag. */
  readonly today?: string;
  /** Stop reading once this many errors have been found (default 1,000), and say so. */
  readonly stopAfterErrors?: number;
  /** Every team's code with the code of the organisation it belongs to, for rows naming a team. */
  readonly teams?: ReadonlyMap<string, string>;
}

/** The periods a publication can hold: none before its first year, none starting after today plus its lag. */
export interface PeriodLimits {
  readonly firstYear: number;
  /** How many days after today a period may start (a month published on its first day, a clock behind). */
  readonly lagDays: number;
}

/** A parser for one format: fed each data record in order, then finished. */
export interface RecordParser {
  /** `cells` are the record's fields as text; `rowNumber` the spreadsheet row. */
  row(cells: readonly string[], rowNumber: number): void;
  finish(): void;
}

/** One file format Tend can import, recognised from its first record. */
export interface ImportFormat {
  readonly id: string;
  readonly label: string;
  readonly publication: string;
  /** Whether the first record is a header row. */
  readonly hasHeader: boolean;
  /** True when `firstRecord` (the header, or the first data record for headerless formats) is this format's. */
  detect(firstRecord: readonly string[]): boolean;
  /** Checks the header and returns a parser; problems with the header go to the sink. */
  open(firstRecord: readonly string[], context: ParseContext, sink: IngestSink): RecordParser | undefined;
  /** Edition taken from the file content where the publication states one (e.g. the period). */
  readonly edition?: string;
  /** The periods its observations may have (every format that gives observations states them). */
  readonly periods?: PeriodLimits;
}
