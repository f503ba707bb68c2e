import { type CsvCell, toCsv } from '../app/csv.ts';

/**
 * A table as a page shows it and as its CSV download writes it: one description renders both, so the
 * download always holds what the reader sees. Rendered by `partials/data-table.njk` as an NHS.UK
 * table (sortable with the design system's script when a column says so) inside the design system's
 * scroll container, with a link to the CSV.
 */
export interface DataTable {
  /** Unique on its page: the table's HTML id and the `?download=` value of its CSV. */
  id: string;
  caption: string;
  /** Hide the caption visually when a heading above already says it (screen readers still read it). */
  captionHidden?: boolean;
  /** The index in `columns` of the column that names each row (its row header): 0 when not given, `null` for none. */
  rowHeaderColumn?: number | null;
  columns: DataTableColumn[];
  rows: DataTableRow[];
  /** The download's file name, without `.csv`: "tend-scorecard-RYY". */
  fileName: string;
  /** The CSV's address when it is not this page's own `?download=` (e.g. the API's league table). */
  csvHref?: string;
  /** Link text for the download; "Download this table as CSV" when not given. */
  csvLinkText?: string;
}

export interface DataTableColumn {
  /** The heading, and the CSV column name. */
  label: string;
  /** Small text after the heading, such as a metric id; the CSV heading includes it in brackets. */
  hint?: string;
  /** Right-aligned, and sorted as numbers. */
  numeric?: boolean;
  /**
   * Whether readers can sort by this column (with JavaScript): `true`, or the direction the rows are
   * already in. A table is sortable when any column is.
   */
  sort?: boolean | 'ascending' | 'descending';
  /** Written to the CSV but not shown (a code the page carries in a link, a period in a note). */
  csvOnly?: boolean;
}

export interface DataTableRow {
  cells: DataTableCell[];
  /** An identifier for the row (`data-key`), such as an ODS code. */
  key?: string;
}

export interface DataTableCell {
  text: string;
  href?: string;
  /** Small secondary text after the value, such as a period. Not in the CSV (give it a `csvOnly` column). */
  note?: string;
  /** Trusted, server-rendered SVG shown before the text (an SPC icon, an interval bar). Decorative or labelled by the text. */
  svg?: string;
  /** The value to sort by when the text does not sort as meant ("Not ranked" last, "Segment 2" as 2). */
  sortValue?: string | number;
  /** The CSV value when it differs from the text (a raw number rather than "85.2%"). */
  csv?: CsvCell;
}

/** A cell: text with optional link, note, icon, sort value and CSV value. */
export function cell(text: string | number, extra: Omit<DataTableCell, 'text'> = {}): DataTableCell {
  return { text: String(text), ...extra };
}

/** The CSV heading of a column: its label, with the hint in brackets. */
function csvHeading(column: DataTableColumn): string {
  return column.hint ? `${column.label} (${column.hint})` : column.label;
}

/** A table as spreadsheet-safe CSV, one line per row, including the columns only the CSV holds. */
export function dataTableCsv(table: DataTable): string {
  return toCsv(
    table.columns.map(csvHeading),
    table.rows.map((row) =>
      table.columns.map((_column, index) => {
        const value = row.cells[index];
        if (!value) return null;
        return value.csv !== undefined ? value.csv : value.text;
      }),
    ),
  );
}

/** Whether a value is a `DataTable` (it has an id, columns and rows). */
export function isDataTable(value: unknown): value is DataTable {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<DataTable>;
  return (
    typeof candidate.id === 'string' && Array.isArray(candidate.columns) && Array.isArray(candidate.rows)
  );
}

/**
 * Every `DataTable` in a page's view model: its own fields, and arrays and objects within them,
 * down to a few levels (a page model is shallow; the limit keeps cycles harmless).
 */
export function tablesIn(model: unknown, depth = 4): DataTable[] {
  if (depth < 0 || typeof model !== 'object' || model === null) return [];
  if (isDataTable(model)) return [model];
  const values = Array.isArray(model) ? model : Object.values(model);
  return values.flatMap((value) => tablesIn(value, depth - 1));
}
