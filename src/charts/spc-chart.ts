import { scaleLinear, scaleUtc } from 'd3-scale';
import type { PointType } from '../engines/spc/codes.ts';
import { describeSpc } from '../engines/spc/describe-spc.ts';
import { formatValue } from '../engines/spc/format-value.ts';
import { pointTypeLabels } from '../engines/spc/labels.ts';
import type { SpcSeriesResult } from '../engines/spc/types.ts';
import { pointColour, spcColours } from './colours.ts';
import { renderAssuranceIcon, renderVariationIcon } from './spc-icons.ts';
import { coordinate, escapeMarkup, safeId } from './svg.ts';

/**
 * A note pinned to a date on the chart. A numbered note is drawn as a small numbered marker on the
 * x-axis (its `<title>` gives the number, kind, date and label), for a list beside the chart to
 * explain; an unnumbered one as a dotted rule with its label written at the top.
 */
export interface SpcAnnotation {
  readonly date: string;
  readonly label: string;
  /** The note's number in the list beside the chart. */
  readonly number?: number;
  /** What kind of note, in words ("Event", "Data issue"). */
  readonly kind?: string;
}

/** How to draw an SPC chart. */
export interface SpcChartOptions {
  /** Prefix of the element ids (title, description); give each chart on a page its own. Default `spc-chart`. */
  readonly id?: string;
  /** Visible title and accessible name. Default: the metric name, with the facet in brackets. */
  readonly title?: string;
  /** Name of the measure, used in the title, the y-axis label and the description. */
  readonly metricName?: string;
  /** Unit of the values (`%`, `days`, …). */
  readonly unit?: string;
  /** Width in pixels. Default 760. */
  readonly width?: number;
  /** Height in pixels. Default 400. */
  readonly height?: number;
  /** Notes to mark on the chart. */
  readonly annotations?: readonly SpcAnnotation[];
  /**
   * The simplified chart for a phone: drawn 320 wide by default, every text at least 12 px, no
   * visible title or icons (the page shows them), fewer ticks and a legend that wraps.
   */
  readonly compact?: boolean;
}

const margin = { top: 48, right: 112, bottom: 84, left: 76 } as const;
const compactMargin = { top: 20, right: 16, bottom: 108, left: 58 } as const;

/** Text sizes (px) of the full chart and of the compact one, which never goes below 12. */
const textSizes = {
  full: { tick: 11, axisLabel: 12, small: 10, note: 11, legend: 11 },
  compact: { tick: 12, axisLabel: 12, small: 12, note: 12, legend: 12 },
} as const;
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayMilliseconds = 86_400_000;

/**
 * Renders one series of a `computeSpc` result as a Making Data Count chart, in SVG text.
 *
 * Points are coloured by type (grey common cause, blue improvement, orange concern, purple
 * neither) and joined by a grey line; each rebase group has its own mean (solid) and process
 * limits (dashed), with breaks between groups; the target is a red dashed line and the
 * trajectory a purple dashed one; annotations are marked by date; the variation and assurance
 * icons sit beside the plot. The SVG is accessible (`role="img"`, `<title>`, a `<desc>` holding
 * the plain-English reading from `describeSpc`, labelled axes, a legend in words) and
 * deterministic: the same input always gives the same text.
 *
 * @param series one series of a `computeSpc` result
 * @param options title, unit, size, annotations
 * @returns an `<svg>` element as a string
 */
export function renderSpcChart(series: SpcSeriesResult, options: SpcChartOptions = {}): string {
  const compact = options.compact === true;
  const width = options.width ?? (compact ? 320 : 760);
  const height = options.height ?? (compact ? 380 : 400);
  const sizes = compact ? textSizes.compact : textSizes.full;
  const margins = compact ? compactMargin : margin;
  if (!(width >= 320)) throw new Error(`invalid width: ${width}`);
  if (!(height >= 240)) throw new Error(`invalid height: ${height}`);
  const id = safeId(options.id ?? 'spc-chart');
  const unit = options.unit;
  const metricName = options.metricName;
  const title =
    options.title ??
    `${metricName ?? 'Statistical process control chart'}${series.facet !== null ? ` (${series.facet})` : ''}`;
  const description = chartDescription(series, options);

  const plotLeft = margins.left;
  const plotRight = width - margins.right;
  const plotTop = margins.top;
  const plotBottom = height - margins.bottom;

  const times = series.dates.map(toTime);
  const annotations = (options.annotations ?? []).filter((note) => Number.isFinite(toTime(note.date)));
  const first = times.length > 0 ? times[0] : 0;
  const last = times.length > 0 ? times[times.length - 1] : dayMilliseconds;
  const x = scaleUtc()
    .domain(
      first === last
        ? [new Date(first - 15 * dayMilliseconds), new Date(last + 15 * dayMilliseconds)]
        : [new Date(first), new Date(last)],
    )
    .range([plotLeft + 10, plotRight - 10]);
  const y = scaleLinear().domain(valueExtent(series)).nice(6).range([plotBottom, plotTop]);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="Arial, sans-serif">`,
    `<title id="${id}-title">${escapeMarkup(title)}</title>`,
    `<desc id="${id}-desc">${escapeMarkup(description)}</desc>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (!compact)
    parts.push(
      `<text class="spc-chart-title" x="${plotLeft}" y="26" font-size="16" font-weight="700" fill="${spcColours.text}">${escapeMarkup(title)}</text>`,
    );

  // Grid and y axis.
  const yTicks = y.ticks(compact ? 5 : 6);
  parts.push('<g class="spc-axis spc-axis-y">');
  for (const tick of yTicks) {
    const at = coordinate(y(tick));
    parts.push(
      `<line x1="${plotLeft}" x2="${plotRight}" y1="${at}" y2="${at}" stroke="${spcColours.grid}" stroke-width="1"/>`,
      `<text x="${plotLeft - 8}" y="${at}" dy="0.32em" text-anchor="end" font-size="${sizes.tick}" fill="${spcColours.axis}">${escapeMarkup(formatValue(tick, unit))}</text>`,
    );
  }
  const yLabel = `${metricName ?? 'Value'}${unit !== undefined && unit !== '' ? ` (${unit})` : ''}`;
  const yLabelY = coordinate((plotTop + plotBottom) / 2);
  parts.push(
    `<line x1="${plotLeft}" x2="${plotLeft}" y1="${plotTop}" y2="${plotBottom}" stroke="${spcColours.axis}" stroke-width="1"/>`,
    `<text class="spc-axis-label" transform="translate(16 ${yLabelY}) rotate(-90)" text-anchor="middle" font-size="${sizes.axisLabel}" fill="${spcColours.axis}">${escapeMarkup(compact ? shortLabel(yLabel, plotBottom - plotTop) : yLabel)}</text>`,
    '</g>',
  );

  // X axis.
  const xTicks =
    times.length > 0 ? x.ticks(Math.max(2, Math.floor((plotRight - plotLeft) / (compact ? 80 : 100)))) : [];
  parts.push(
    '<g class="spc-axis spc-axis-x">',
    `<line x1="${plotLeft}" x2="${plotRight}" y1="${plotBottom}" y2="${plotBottom}" stroke="${spcColours.axis}" stroke-width="1"/>`,
  );
  for (const tick of xTicks) {
    const at = coordinate(x(tick));
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${plotBottom}" y2="${plotBottom + 5}" stroke="${spcColours.axis}" stroke-width="1"/>`,
      `<text x="${at}" y="${plotBottom + 18}" text-anchor="middle" font-size="${sizes.tick}" fill="${spcColours.axis}">${tickLabel(tick)}</text>`,
    );
  }
  parts.push(
    `<text class="spc-axis-label" x="${coordinate((plotLeft + plotRight) / 2)}" y="${plotBottom + 38}" text-anchor="middle" font-size="${sizes.axisLabel}" fill="${spcColours.axis}">Date</text>`,
    '</g>',
  );

  // Process limits and centre lines, one set per rebase group.
  const limitParts: string[] = [];
  const centreParts: string[] = [];
  for (const group of series.groups) {
    const from = x(new Date(times[group.startIndex]));
    const to = x(new Date(times[group.endIndex - 1]));
    const [left, right] = from === to ? [from - 6, to + 6] : [from, to];
    for (const limit of [group.lowerProcessLimit, group.upperProcessLimit]) {
      if (limit === null || !Number.isFinite(limit)) continue;
      limitParts.push(horizontalLine(left, right, y(limit), spcColours.limits, '6 4'));
    }
    if (group.centreLine !== null)
      centreParts.push(horizontalLine(left, right, y(group.centreLine), spcColours.mean, null));
  }
  parts.push(
    `<g class="spc-limits">${limitParts.join('')}</g>`,
    `<g class="spc-centre">${centreParts.join('')}</g>`,
  );

  // Target: a dashed line over each stretch of points with the same target.
  const targetParts: string[] = [];
  let runStart = 0;
  for (let index = 1; index <= series.targets.length; index++) {
    if (index < series.targets.length && series.targets[index] === series.targets[runStart]) continue;
    const target = series.targets[runStart];
    if (target !== null) {
      const from = x(new Date(times[runStart]));
      const to = x(new Date(times[index - 1]));
      const [left, right] = from === to ? [from - 6, to + 6] : [from, to];
      targetParts.push(horizontalLine(left, right, y(target), spcColours.target, '8 4'));
    }
    runStart = index;
  }
  parts.push(`<g class="spc-target">${targetParts.join('')}</g>`);

  // Trajectory: a dashed line through the trajectory values.
  const trajectoryPath = linePath(series.trajectories, times, x, y, () => false);
  parts.push(
    `<g class="spc-trajectory">${trajectoryPath === '' ? '' : `<path d="${trajectoryPath}" fill="none" stroke="${spcColours.trajectory}" stroke-width="1.5" stroke-dasharray="4 3"/>`}</g>`,
  );

  // Rebases: a dotted rule between the groups.
  parts.push('<g class="spc-rebases">');
  for (const group of series.groups) {
    if (group.index === 0) continue;
    const at = coordinate(
      (x(new Date(times[group.startIndex - 1])) + x(new Date(times[group.startIndex]))) / 2,
    );
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${plotTop}" y2="${plotBottom}" stroke="${spcColours.axis}" stroke-width="1" stroke-dasharray="2 3"/>`,
      `<text x="${at}" y="${plotTop - 6}" text-anchor="middle" font-size="${sizes.small}" fill="${spcColours.axis}">Rebase</text>`,
    );
  }
  parts.push('</g>');

  // Annotations: a numbered marker at the date, with its label.
  parts.push('<g class="spc-annotations">');
  const markersAt: number[] = [];
  const markers: string[] = [];
  annotations.forEach((note, index) => {
    const at = x(new Date(toTime(note.date)));
    if (at < plotLeft || at > plotRight) return;
    if (note.number !== undefined) {
      markers.push(numberedMarker(note, at, plotBottom, markersAt, compact));
      return;
    }
    const labelY = plotTop + 14 + (index % 3) * (compact ? 16 : 14);
    const anchor = at > (plotLeft + plotRight) / 2 ? 'end' : 'start';
    const labelX = anchor === 'end' ? at - 4 : at + 4;
    parts.push(
      `<line x1="${coordinate(at)}" x2="${coordinate(at)}" y1="${plotTop}" y2="${plotBottom}" stroke="#005eb8" stroke-width="1" stroke-dasharray="1 2"/>`,
      `<path d="M${coordinate(at - 4)} ${plotTop}h8l-4 6z" fill="#005eb8"/>`,
      `<text x="${coordinate(labelX)}" y="${labelY}" text-anchor="${anchor}" font-size="${sizes.note}" fill="#005eb8">${escapeMarkup(compact ? shortLabel(note.label, Math.abs((anchor === 'end' ? plotLeft : plotRight) - labelX)) : note.label)}</text>`,
    );
  });
  parts.push('</g>');

  // Data line, broken at missing values and rebases, then the points.
  const dataPath = linePath(
    series.values,
    times,
    x,
    y,
    (index) => series.groupIndex[index] !== series.groupIndex[index - 1],
  );
  parts.push(
    `<g class="spc-line">${dataPath === '' ? '' : `<path d="${dataPath}" fill="none" stroke="${spcColours.commonCause}" stroke-width="1.5"/>`}</g>`,
    '<g class="spc-points">',
  );
  series.values.forEach((value, index) => {
    if (value === null) return;
    parts.push(
      `<circle cx="${coordinate(x(new Date(times[index])))}" cy="${coordinate(y(value))}" r="4" fill="${pointColour(series.pointType[index])}" data-point-type="${series.pointType[index]}"/>`,
    );
  });
  parts.push('</g>');
  // Numbered annotation markers, over the points.
  if (markers.length > 0) parts.push(`<g class="spc-annotation-markers">${markers.join('')}</g>`);

  // Icons beside the plot (the compact chart leaves them to the page).
  const iconX = plotRight + 36;
  parts.push('<g class="spc-icons">');
  if (series.variationIcon !== null && !compact) {
    parts.push(
      renderVariationIcon(series.variationIcon, { x: iconX, y: plotTop }),
      `<text x="${iconX + 20}" y="${plotTop + 54}" text-anchor="middle" font-size="10" fill="${spcColours.axis}">Variation</text>`,
    );
  }
  if (series.assuranceIcon !== null && !compact) {
    parts.push(
      renderAssuranceIcon(series.assuranceIcon, { x: iconX, y: plotTop + 68 }),
      `<text x="${iconX + 20}" y="${plotTop + 122}" text-anchor="middle" font-size="10" fill="${spcColours.axis}">Assurance</text>`,
    );
  }
  parts.push('</g>');

  parts.push(
    compact
      ? legend(series, 8, width - 8, plotBottom + 62, sizes.legend)
      : legend(series, plotLeft, width - 8, height - 28, sizes.legend),
    '</svg>',
  );
  return parts.join('');
}

/**
 * A numbered annotation marker on the x-axis at `at`: a circle holding the number, with a `<title>`;
 * markers closer than a marker's width to one already drawn stack upwards.
 */
function numberedMarker(
  note: SpcAnnotation,
  at: number,
  axisY: number,
  markersAt: number[],
  compact = false,
): string {
  const radius = compact ? 10 : 8;
  const level = markersAt.filter((other) => Math.abs(other - at) < 2 * radius).length;
  markersAt.push(at);
  const cy = coordinate(axisY - level * (compact ? 22 : 18));
  const number = String(note.number);
  const title = `${number}. ${note.kind ? `${note.kind}, ` : ''}${note.date}: ${note.label}`;
  return (
    `<g class="spc-annotation-marker" data-annotation="${escapeMarkup(number)}">` +
    `<title>${escapeMarkup(title)}</title>` +
    `<circle cx="${coordinate(at)}" cy="${cy}" r="${radius}" fill="#005eb8" stroke="#ffffff" stroke-width="1.5"/>` +
    `<text x="${coordinate(at)}" y="${cy}" dy="0.35em" text-anchor="middle" font-size="${compact ? 12 : number.length > 2 ? 8 : 10}" font-weight="700" fill="#ffffff">${escapeMarkup(compact && number.length > 2 ? '…' : number)}</text>` +
    '</g>'
  );
}

/** The `<desc>` text: the plain-English reading, then the rebases and annotations in words. */
function chartDescription(series: SpcSeriesResult, options: SpcChartOptions): string {
  const sentences = [describeSpc(series, { metricName: options.metricName, unit: options.unit }).text];
  for (const group of series.groups) {
    if (group.index === 0) continue;
    sentences.push(
      `The limits were recalculated from ${group.startDate}${group.rebaseReason ? ` (${group.rebaseReason})` : ''}.`,
    );
  }
  for (const note of options.annotations ?? [])
    sentences.push(
      note.number === undefined
        ? `Note on ${note.date}: ${note.label}.`
        : `Note ${note.number}${note.kind ? ` (${note.kind})` : ''} on ${note.date}: ${note.label}.`,
    );
  return sentences.join(' ');
}

/** A label cut to fit about `room` pixels of 12 px text, with an ellipsis when cut. */
function shortLabel(label: string, room: number): string {
  const fits = Math.max(4, Math.floor(room / 6.6));
  return label.length <= fits ? label : `${label.slice(0, fits - 1).trimEnd()}…`;
}

function toTime(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function valueExtent(series: SpcSeriesResult): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  const include = (value: number | null) => {
    if (value === null || !Number.isFinite(value)) return;
    if (value < low) low = value;
    if (value > high) high = value;
  };
  for (const value of series.values) include(value);
  for (const value of series.targets) include(value);
  for (const value of series.trajectories) include(value);
  for (const group of series.groups) {
    include(group.centreLine);
    include(group.lowerProcessLimit);
    include(group.upperProcessLimit);
  }
  if (low > high) return [0, 1];
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    return [low - pad, high + pad];
  }
  return [low, high];
}

function tickLabel(tick: Date): string {
  const month = monthNames[tick.getUTCMonth()];
  const year = tick.getUTCFullYear();
  return tick.getUTCDate() === 1 ? `${month} ${year}` : `${tick.getUTCDate()} ${month} ${year}`;
}

function horizontalLine(
  left: number,
  right: number,
  at: number,
  colour: string,
  dash: string | null,
): string {
  const y = coordinate(at);
  return `<line x1="${coordinate(left)}" x2="${coordinate(right)}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="1.5"${dash === null ? '' : ` stroke-dasharray="${dash}"`}/>`;
}

/** Path through the non-null values, starting a new sub-path after a gap or where `breakBefore` says. */
function linePath(
  values: readonly (number | null)[],
  times: readonly number[],
  x: (date: Date) => number,
  y: (value: number) => number,
  breakBefore: (index: number) => boolean,
): string {
  let path = '';
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null) {
      drawing = false;
      return;
    }
    const command = drawing && !breakBefore(index) ? 'L' : 'M';
    path += `${command}${coordinate(x(new Date(times[index])))} ${coordinate(y(value))}`;
    drawing = true;
  });
  // A lone point in a sub-path draws nothing; that is intended.
  return path;
}

function legend(
  series: SpcSeriesResult,
  left: number,
  right: number,
  baseline: number,
  fontSize: number,
): string {
  const present = new Set<PointType>();
  series.values.forEach((value, index) => {
    if (value !== null) present.add(series.pointType[index]);
  });
  const items: string[] = [];
  let at = left;
  let row = baseline;
  const add = (swatch: string, label: string) => {
    const itemWidth = 36 + label.length * 6.2 * (fontSize / 11);
    if (at + itemWidth > right && at > left) {
      at = left;
      row += fontSize + 5;
    }
    items.push(
      `<g transform="translate(${coordinate(at)} ${row})">${swatch}<text x="22" y="0" dy="0.32em" font-size="${fontSize}" fill="${spcColours.text}">${escapeMarkup(label)}</text></g>`,
    );
    at += itemWidth;
  };
  for (const type of [
    'common_cause',
    'special_cause_improvement',
    'special_cause_concern',
    'special_cause_neutral_high',
    'special_cause_neutral_low',
  ] as const) {
    if (present.has(type))
      add(`<circle cx="8" cy="0" r="4" fill="${pointColour(type)}"/>`, pointTypeLabels[type]);
  }
  const isRun = series.groups.some((group) => group.chart === 'run');
  const isXmr = series.groups.some((group) => group.chart === 'xmr');
  if (isXmr)
    add(`<line x1="0" x2="16" y1="0" y2="0" stroke="${spcColours.mean}" stroke-width="1.5"/>`, 'Mean');
  if (isRun)
    add(`<line x1="0" x2="16" y1="0" y2="0" stroke="${spcColours.mean}" stroke-width="1.5"/>`, 'Median');
  if (series.groups.some((group) => group.upperProcessLimit !== null)) {
    add(
      `<line x1="0" x2="16" y1="0" y2="0" stroke="${spcColours.limits}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      series.groups.some((group) => group.chart === 'xmr' && group.shortGroupWarning)
        ? 'Trial process limits'
        : 'Process limits',
    );
  }
  if (series.targets.some((target) => target !== null)) {
    add(
      `<line x1="0" x2="16" y1="0" y2="0" stroke="${spcColours.target}" stroke-width="1.5" stroke-dasharray="8 4"/>`,
      'Target',
    );
  }
  if (series.trajectories.some((value) => value !== null)) {
    add(
      `<line x1="0" x2="16" y1="0" y2="0" stroke="${spcColours.trajectory}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      'Trajectory',
    );
  }
  return `<g class="spc-legend">${items.join('')}</g>`;
}
