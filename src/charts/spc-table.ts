import { formatValue } from '../engines/spc/format-value.ts';
import { pointTypeLabels, specialCauseLabels } from '../engines/spc/labels.ts';
import type { SpcSeriesResult } from '../engines/spc/types.ts';
import type { SpcAnnotation } from './spc-chart.ts';
import { escapeMarkup } from './svg.ts';

/** The data behind a chart as rows of text: the table alternative to the SVG. */
export interface SpcTable {
  readonly caption: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** How to label the table. */
export interface SpcTableOptions {
  readonly metricName?: string;
  readonly unit?: string;
  /** Caption; default names the measure (and the facet). */
  readonly caption?: string;
  /**
   * Notes by date: unnumbered ones are written in the Notes column; numbered ones are named by
   * number in an Annotations column, on the row of the point whose period holds their date.
   */
  readonly annotations?: readonly SpcAnnotation[];
}

/**
 * The chart's data as plain rows, one per point in date order: date, value, centre line,
 * process limits, target, point type and the rule behind it, and notes (rebase reasons and
 * annotations). Numbers are formatted as on the chart; a missing value reads "No value".
 *
 * @example
 * spcTable(series, { unit: '%' }).head; // => ['Date', 'Value', 'Mean', …]
 */
export function spcTable(series: SpcSeriesResult, options: SpcTableOptions = {}): SpcTable {
  const unit = options.unit;
  const show = (value: number | null) => (value === null ? '' : formatValue(value, unit));
  const notesByDate = new Map<string, string[]>();
  for (const group of series.groups) {
    if (group.index === 0) continue;
    const note = `Limits recalculated${group.rebaseReason ? `: ${group.rebaseReason}` : ''}`;
    notesByDate.set(group.startDate, [...(notesByDate.get(group.startDate) ?? []), note]);
  }
  const numbered = (options.annotations ?? []).filter((note) => note.number !== undefined);
  for (const note of options.annotations ?? []) {
    if (note.number !== undefined) continue;
    notesByDate.set(note.date, [...(notesByDate.get(note.date) ?? []), note.label]);
  }
  const numbersByRow = new Map<number, number[]>();
  for (const note of numbered) {
    const row = rowHolding(series.dates, note.date);
    if (row !== null) numbersByRow.set(row, [...(numbersByRow.get(row) ?? []), note.number as number]);
  }
  const rows = series.dates.map((date, index) => {
    const group = series.groups[series.groupIndex[index]];
    const value = series.values[index];
    return [
      date,
      value === null ? 'No value' : formatValue(value, unit),
      show(group.centreLine),
      show(group.lowerProcessLimit),
      show(group.upperProcessLimit),
      show(series.targets[index]),
      value === null ? '' : pointTypeLabels[series.pointType[index]],
      series.specialCause[index] === 'common_cause' ? '' : specialCauseLabels[series.specialCause[index]],
      (notesByDate.get(date) ?? []).join('; '),
      ...(numbered.length > 0 ? [(numbersByRow.get(index) ?? []).join(', ')] : []),
    ];
  });
  const centreName =
    series.groups.length > 0 && series.groups.every((group) => group.chart === 'run') ? 'Median' : 'Mean';
  const caption =
    options.caption ??
    `${options.metricName ?? 'Values'}${series.facet !== null ? ` (${series.facet})` : ''}: data behind the chart`;
  return {
    caption,
    head: [
      'Date',
      'Value',
      centreName,
      'Lower process limit',
      'Upper process limit',
      'Target',
      'Variation',
      'Rule',
      'Notes',
      ...(numbered.length > 0 ? ['Annotations'] : []),
    ],
    rows,
  };
}

/**
 * The index of the point whose period holds `date`: the last point on or before it, taking the
 * last point's period to be as long as the step before it (whole months when both are firsts of a
 * month). Null before the first point or after the last period.
 */
function rowHolding(dates: readonly string[], date: string): number | null {
  let row = -1;
  for (let index = 0; index < dates.length && dates[index] <= date; index++) row = index;
  if (row < 0) return null;
  if (row === dates.length - 1 && dates.length > 1 && date !== dates[row]) {
    const [year, month, day] = dates[row].split('-').map(Number);
    const [previousYear, previousMonth, previousDay] = dates[row - 1].split('-').map(Number);
    const time = (text: string) => Date.parse(`${text}T00:00:00Z`);
    const periodEnd =
      day === 1 && previousDay === 1
        ? Date.UTC(year, month - 1 + (year - previousYear) * 12 + (month - previousMonth), 1)
        : 2 * time(dates[row]) - time(dates[row - 1]);
    if (time(date) >= periodEnd) return null;
  }
  return row;
}

/**
 * The table alternative as an HTML `<table>` (NHS.UK table classes), every piece of text escaped.
 */
export function renderSpcTable(series: SpcSeriesResult, options: SpcTableOptions = {}): string {
  const table = spcTable(series, options);
  const head = table.head
    .map((cell) => `<th scope="col" class="nhsuk-table__header">${escapeMarkup(cell)}</th>`)
    .join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr class="nhsuk-table__row">${row
          .map((cell, index) =>
            index === 0
              ? `<th scope="row" class="nhsuk-table__cell">${escapeMarkup(cell)}</th>`
              : `<td class="nhsuk-table__cell">${escapeMarkup(cell)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="nhsuk-table spc-table"><caption class="nhsuk-table__caption">${escapeMarkup(table.caption)}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">${head}</tr></thead><tbody class="nhsuk-table__body">${body}</tbody></table>`;
}
