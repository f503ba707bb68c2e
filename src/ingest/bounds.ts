import type { MetricBounds } from '../domain/metric.ts';
import { type issueFactory, LARGEST_MAGNITUDE } from './cells.ts';
import type { IngestIssue, ObservationRecord, PeriodLimits } from './types.ts';

/** Tidy files (no publication of their own): nothing before the NHS began, nothing over a month ahead. */
export const defaultPeriodLimits: PeriodLimits = Object.freeze({ firstYear: 1948, lagDays: 31 });

/** `YYYY-MM-DD` `days` after `today`. */
export function addDays(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const shown = (value: number): string => String(Math.round(value * 1e6) / 1e6);

/** A period's start as written in messages, its year four digits wide. */
const paddedStart = (periodStart: string): string =>
  periodStart.replace(/^\d+/, (digits) => digits.padStart(4, '0'));

/** The latest period start a publication may hold on `today` (`addDays`), worked out once per day and lag. */
const latestStarts = new Map<string, string>();
function latestPeriodStart(today: string, lagDays: number): string {
  const key = `${today}|${lagDays}`;
  let latest = latestStarts.get(key);
  if (latest === undefined) {
    if (latestStarts.size > 64) latestStarts.clear();
    latest = addDays(today, lagDays);
    latestStarts.set(key, latest);
  }
  return latest;
}

/**
 * Checks one observation against what Tend can hold: its period within the publication's years
 * (no year 0000, no 2099), its value within the metric's bounds (finite; a count whole and not
 * negative; a percentage from 0 to 100), whole non-negative numerator and denominator, and a value
 * that agrees with its numerator and denominator to within rounding (and none at all for 0 of 0).
 * Returns every problem, each naming the cell it is in.
 */
export function checkObservation(
  record: ObservationRecord,
  bounds: MetricBounds,
  periods: PeriodLimits,
  today: string,
  issue: ReturnType<typeof issueFactory>,
): IngestIssue[] {
  const problems: IngestIssue[] = [];
  const row = record.rowNumber;
  const columns = record.columns ?? {};
  const at = (column: number | undefined) => column ?? null;

  const year = Number.parseInt(record.periodStart, 10);
  const latest = latestPeriodStart(today, periods.lagDays);
  if (!(year >= periods.firstYear)) {
    const start = paddedStart(record.periodStart);
    problems.push(
      issue(
        'BAD_PERIOD',
        row,
        at(columns.period),
        `period starting ${start} is before ${periods.firstYear}; this publication's figures begin in ${periods.firstYear}`,
      ),
    );
  } else if (record.periodStart > latest) {
    const start = paddedStart(record.periodStart);
    problems.push(
      issue(
        'BAD_PERIOD',
        row,
        at(columns.period),
        `period starting ${start} is in the future; expected a period starting on or before ${latest} (today plus ${periods.lagDays} days)`,
      ),
    );
  }

  const { value, numerator, denominator } = record;
  const metric = record.metricId;
  if (value !== null) {
    if (!Number.isFinite(value) || Math.abs(value) > LARGEST_MAGNITUDE) {
      problems.push(
        issue(
          'NUMBER_OUT_OF_RANGE',
          row,
          at(columns.value),
          `value ${shown(value)} is out of range; expected a number between -1e15 and 1e15`,
        ),
      );
    } else if (bounds.whole && bounds.min === 0 && value < 0) {
      problems.push(
        issue(
          'NEGATIVE_COUNT',
          row,
          at(columns.value),
          `value ${shown(value)} of ${metric} is negative; counts cannot be below zero`,
        ),
      );
    } else if (
      (bounds.min !== undefined && value < bounds.min) ||
      (bounds.max !== undefined && value > bounds.max)
    ) {
      problems.push(
        issue(
          'NUMBER_OUT_OF_RANGE',
          row,
          at(columns.value),
          `value ${shown(value)} of ${metric} is out of range; expected ${rangeText(bounds)}`,
        ),
      );
    } else if (bounds.whole && !Number.isInteger(value)) {
      problems.push(
        issue(
          'NOT_A_WHOLE_NUMBER',
          row,
          at(columns.value),
          `value ${shown(value)} of ${metric} is not a whole number; expected a whole number`,
        ),
      );
    }
  }
  for (const [name, count] of [
    ['numerator', numerator],
    ['denominator', denominator],
  ] as const) {
    if (count === null) continue;
    if (!Number.isFinite(count) || Math.abs(count) > LARGEST_MAGNITUDE) {
      problems.push(
        issue(
          'NUMBER_OUT_OF_RANGE',
          row,
          at(columns[name]),
          `${name} ${shown(count)} is out of range; expected a whole number from 0 to 1e15`,
        ),
      );
    } else if (count < 0) {
      problems.push(
        issue(
          'NEGATIVE_COUNT',
          row,
          at(columns[name]),
          `${name} ${shown(count)} is negative; counts cannot be below zero`,
        ),
      );
    } else if (!Number.isInteger(count) && !bounds.fractionalCounts) {
      problems.push(
        issue(
          'NOT_A_WHOLE_NUMBER',
          row,
          at(columns[name]),
          `${name} ${shown(count)} is not a whole number; a ${name} is a count`,
        ),
      );
    }
  }
  if (
    problems.length === 0 &&
    value !== null &&
    numerator !== null &&
    denominator !== null &&
    numerator <= denominator
  ) {
    if (denominator === 0) {
      problems.push(
        issue(
          'VALUE_DISAGREES_WITH_RATIO',
          row,
          at(columns.value),
          `value ${shown(value)} given for ${shown(numerator)} out of 0; with a denominator of 0 there is no value, so leave it empty`,
        ),
      );
    } else if (bounds.ratioScale !== undefined) {
      const expected = (bounds.ratioScale * numerator) / denominator;
      const tolerance = bounds.ratioScale * 0.005 + 1e-9;
      if (Math.abs(value - expected) > tolerance)
        problems.push(
          issue(
            'VALUE_DISAGREES_WITH_RATIO',
            row,
            at(columns.value),
            `value ${shown(value)} disagrees with numerator ${shown(numerator)} and denominator ${shown(denominator)}, which give ${shown(Math.round(expected * 100) / 100)}; expected a value within ${shown(tolerance)} of it`,
          ),
        );
    }
  }
  return problems;
}

function rangeText(bounds: MetricBounds): string {
  const kind = bounds.whole ? 'a whole number' : 'a number';
  if (bounds.min !== undefined && bounds.max !== undefined)
    return `${kind} from ${bounds.min} to ${bounds.max}`;
  if (bounds.min !== undefined) return `${kind} of at least ${bounds.min}`;
  return `${kind} of at most ${bounds.max}`;
}
