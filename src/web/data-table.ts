import { type CsvCell, toCsv } from '../app/csv.ts';

/**
 * A table as a page shows it and as its CSV download writes it: one description renders both, so the
 * download always holds what the reader sees. Rendered by `partials/data-table.njk` as an NHS.UK
 * table (sortable with the design system's script when a column says so) inside the design system's
 * scroll container, with a link to the CSV.
 */
/**
 * The rows a national table shows on its page (`pageRows`) when it lists organisations: every NHS
 * trust fits; 6,300 GP practices would make a page of megabytes. The CSV holds them all.
 */
export const nationalTableRows = 500;

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
  /**
   * At most this many rows on the page, in the order given, with a sentence saying how many the CSV
   * holds: a national table of 6,300 practices would otherwise make a page of megabytes.
   */
  pageRows?: number;
  /**
   * On a phone, show each row as a block of label and value pairs instead of a table that
   * scrolls sideways, so every column (the uncertainty too) is read without scrolling.
   */
  stackOnPhone?: boolean;
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
  /** Show the values as code (`<code>`), such as parameter names. */
  code?: boolean;
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

const sortKeyCache = new WeakMap<DataTable, (string | undefined)[][]>();

/**
 * The `data-sort-value` of every cell, by row then column. The design system's table script
 * compares with an `Intl.Collator` that ignores punctuation, so "1.9" would sort after "1.53" and
 * "-5" beside "5": each numeric sort value is replaced by its place among the column's distinct
 * numbers (1 for the smallest), which the script orders correctly. Text sort values pass through.
 * Remembered per table, so a cached page model computes them once.
 */
export function sortKeys(table: DataTable): (string | undefined)[][] {
  const held = sortKeyCache.get(table);
  if (held) return held;
  const places = table.columns.map((_column, index) => {
    const numbers = new Set<number>();
    for (const row of table.rows) {
      const value = row.cells[index]?.sortValue;
      if (typeof value === 'number' && Number.isFinite(value)) numbers.add(value);
    }
    return new Map([...numbers].sort((a, b) => a - b).map((value, place) => [value, place + 1]));
  });
  const keys = table.rows.map((row) =>
    table.columns.map((_column, index) => {
      const value = row.cells[index]?.sortValue;
      if (value === undefined) return undefined;
      return typeof value === 'number' ? String(places[index].get(value) ?? '') : value;
    }),
  );
  sortKeyCache.set(table, keys);
  return keys;
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
