import { neutraliseFormula } from '../ingest/cells.ts';

export type CsvCell = string | number | boolean | null | undefined;

/**
 * Writes rows as RFC 4180 CSV with CRLF line ends. Text that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed with a single quote so it opens as text;
 * numbers are written as numbers. Every CSV Tend produces goes through here.
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map((cell) => csvCell(cell)).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  const safe = neutraliseFormula(cell);
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Columns of an observation export (CLI, API and web downloads). */
export const observationCsvColumns = [
  'org_code',
  'metric_id',
  'period_start',
  'period_end',
  'granularity',
  'value',
  'numerator',
  'denominator',
  'status',
  'note',
  'publication',
  'edition',
  'batch_id',
] as const;

type ObservationCsvRow = Record<(typeof observationCsvColumns)[number], CsvCell>;

/**
 * Observations as spreadsheet-safe CSV, one row each, in `observationCsvColumns` order; with
 * `annotation`, a last `annotation` column holding what it gives for each row (the notes on a chart).
 */
export function observationsCsv<Row extends ObservationCsvRow>(
  observations: readonly Row[],
  options: { annotation?: (row: Row) => string } = {},
): string {
  const { annotation } = options;
  return toCsv(
    annotation ? [...observationCsvColumns, 'annotation'] : observationCsvColumns,
    observations.map((row) => [
      ...observationCsvColumns.map((column) => row[column]),
      ...(annotation ? [annotation(row)] : []),
    ]),
  );
}
