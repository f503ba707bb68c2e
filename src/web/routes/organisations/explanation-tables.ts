import type { TrustExplanation } from '../../../engines/nof/explain.ts';
import { cell, type DataTable } from '../../data-table.ts';

const domainNames: Record<string, string> = {
  'access-to-services': 'Access to services',
  'patient-safety': 'Patient safety',
  'finance-and-productivity': 'Finance and productivity',
  'people-and-workforce': 'People and workforce',
  'effectiveness-and-experience': 'Effectiveness and experience',
};

const basisWords: Record<string, string> = {
  recomputed: 'Recomputed by Tend',
  'as-published': 'As published by NHS England',
  derived: 'Derived from other scores',
};

const signed = (value: number, digits: number) => `${value > 0 ? '+' : ''}${value.toFixed(digits)}`;

function valueText(value: number | string | null, units: string | null): string {
  if (value === null) return 'Not held';
  if (typeof value === 'string') return value;
  return units === '%' ? `${value}%` : units && units !== 'score' ? `${value} ${units}` : String(value);
}

/**
 * Each metric's score and its pull on the average (the average minus the average without it), the
 * worst pull first: the NHS Oversight Framework explanation as a table.
 */
export function metricScoresTable(explanation: TrustExplanation): DataTable {
  const metrics = [...explanation.metrics].sort(
    (a, b) => (b.pull ?? Number.NEGATIVE_INFINITY) - (a.pull ?? Number.NEGATIVE_INFINITY),
  );
  return {
    id: 'metric-scores',
    caption: `Metric scores, ${explanation.quarter}: 1 is best, 4 worst; a positive pull makes the average worse`,
    fileName: `tend-metric-scores-${explanation.trust.code}-${explanation.quarter}`,
    columns: [
      { label: 'Metric', sort: true },
      { label: 'Metric id', csvOnly: true },
      { label: 'Domain', sort: true },
      { label: 'Value', sort: true },
      { label: 'Score', numeric: true, sort: true },
      { label: 'Pull on the average', numeric: true, sort: 'descending' },
      { label: 'Score basis', sort: true },
      { label: 'Why as published', csvOnly: true },
    ],
    rows: metrics.map((metric) => ({
      key: metric.metricId,
      cells: [
        cell(metric.name, {
          href: `/organisations/${encodeURIComponent(explanation.trust.code)}/metrics/${encodeURIComponent(metric.metricId)}`,
          note: `(${metric.metricId})`,
        }),
        cell(metric.metricId),
        cell(metric.domain ? (domainNames[metric.domain] ?? metric.domain) : 'Not scored in a domain'),
        cell(valueText(metric.value, metric.units), {
          sortValue: typeof metric.value === 'number' ? metric.value : undefined,
          csv: metric.value,
        }),
        cell(metric.score.toFixed(2), { sortValue: metric.score, csv: metric.score }),
        metric.pull === null
          ? cell('Not in the average', { sortValue: -99, csv: null })
          : cell(signed(metric.pull, 2), { sortValue: metric.pull, csv: metric.pull }),
        cell(basisWords[metric.basis] ?? metric.basis),
        cell(metric.basisReason ?? ''),
      ],
    })),
  };
}

/** How far the average sits from each segment boundary (negative: on the better side). */
export function boundariesTable(explanation: TrustExplanation): DataTable {
  return {
    id: 'segment-boundaries',
    caption: `Distance of the average (${explanation.averageMetricScore?.toFixed(2) ?? 'not scored'}) from each segment boundary`,
    fileName: `tend-segment-boundaries-${explanation.trust.code}-${explanation.quarter}`,
    columns: [
      { label: 'Boundary' },
      { label: 'Cut point', numeric: true },
      { label: 'Distance', numeric: true },
      { label: 'Side' },
    ],
    rows: explanation.boundaries.map((boundary) => ({
      key: String(boundary.boundary),
      cells: [
        cell(`Segments ${boundary.boundary} and ${boundary.boundary + 1}`),
        cell(boundary.cutPoint.toFixed(3), { csv: boundary.cutPoint }),
        cell(signed(boundary.distance, 3), { csv: boundary.distance }),
        cell(
          boundary.distance < 0
            ? `Better side: segment ${boundary.boundary} or better`
            : `Worse side: segment ${boundary.boundary + 1} or worse`,
        ),
      ],
    })),
  };
}

const comparisonWords: Record<string, string> = {
  'at-least': 'at least',
  'at-most': 'at most',
  above: 'above',
  below: 'below',
  'equal-to': 'equal to',
};

/** The single-metric changes that would move the trust to another segment. */
export function movesTable(explanation: TrustExplanation): DataTable {
  return {
    id: 'segment-moves',
    caption: 'What one metric alone would have to do to change the segment',
    fileName: `tend-segment-moves-${explanation.trust.code}-${explanation.quarter}`,
    columns: [
      { label: 'Metric', sort: true },
      { label: 'Metric id', csvOnly: true },
      { label: 'To reach', sort: true },
      { label: 'Score now', numeric: true, sort: true },
      { label: 'Score needed', numeric: true, sort: true },
      { label: 'Value now' },
      { label: 'Value needed' },
      { label: 'Note' },
    ],
    rows: explanation.moves.map((move) => ({
      key: `${move.metricId}-${move.towards}`,
      cells: [
        cell(move.name, { note: `(${move.metricId})` }),
        cell(move.metricId),
        cell(`Segment ${move.targetSegment} (${move.towards})`, { sortValue: move.targetSegment }),
        cell(move.currentScore.toFixed(2), { sortValue: move.currentScore, csv: move.currentScore }),
        move.possible && move.scoreNeeded !== null
          ? cell(move.scoreNeeded.toFixed(2), { sortValue: move.scoreNeeded, csv: move.scoreNeeded })
          : cell('Not possible with this metric alone', { csv: null }),
        cell(move.currentValue === null ? 'Not held' : String(move.currentValue), { csv: move.currentValue }),
        move.valueNeeded === null
          ? cell('Not worked out', { csv: null })
          : cell(`${comparisonWords[move.comparison ?? ''] ?? ''} ${move.valueNeeded}`.trim(), {
              csv: move.valueNeeded,
            }),
        cell(move.note ?? ''),
      ],
    })),
  };
}
