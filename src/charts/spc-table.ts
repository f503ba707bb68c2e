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
  /** Notes to show in the Notes column, by date. */
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
  for (const note of options.annotations ?? []) {
    notesByDate.set(note.date, [...(notesByDate.get(note.date) ?? []), note.label]);
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
    ],
    rows,
  };
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
