import { median } from '../stats/median.ts';

/** A question about the data itself, never an improvement or a concern. */
export interface DataQuestion {
  /**
   * `drop_to_zero`: zero straight after a sustained run of non-zero values; `implausible_jump`: a
   * value a large factor away from both the point before it and the run before that;
   * `out_of_range`: a value the metric cannot take.
   */
  readonly kind: 'drop_to_zero' | 'implausible_jump' | 'out_of_range';
  /** The date of the questioned point, `YYYY-MM-DD`. */
  readonly date: string;
  /** A plain-English sentence saying what looks wrong. */
  readonly detail: string;
}

/** What a series' values may be: the metric's bounds. */
export interface ValueBounds {
  readonly min?: number;
  readonly max?: number;
}

/** How the data-quality rules read a series. */
export interface DataQualityOptions {
  /** How many non-zero values in a row make a run "sustained" (default 6). */
  readonly sustainedRun?: number;
  /** How many times larger or smaller than what came before a value must be to be implausible (default 10). */
  readonly jumpFactor?: number;
  /**
   * The size below which `dataQuestions` asks nothing about a drop to zero or a jump (default 10): the
   * typical value before (the median magnitude of the `sustainedRun` values before it) for a drop to
   * zero, and the larger of that and the new value for a jump. A count of 3 that falls to 0, or of 2
   * that becomes 0.1, is ordinary variation of a small number.
   */
  readonly minimumLevel?: number;
}

const DEFAULT_SUSTAINED_RUN = 6;
const DEFAULT_JUMP_FACTOR = 10;
const DEFAULT_MINIMUM_LEVEL = 10;

function sustainedRunOf(options: DataQualityOptions | undefined): number {
  const run = options?.sustainedRun ?? DEFAULT_SUSTAINED_RUN;
  if (!Number.isInteger(run) || run < 1) throw new Error(`invalid sustainedRun: ${run}`);
  return run;
}

function jumpFactorOf(options: DataQualityOptions | undefined): number {
  const factor = options?.jumpFactor ?? DEFAULT_JUMP_FACTOR;
  if (!(factor > 1) || !Number.isFinite(factor)) throw new Error(`invalid jumpFactor: ${factor}`);
  return factor;
}

function minimumLevelOf(options: DataQualityOptions | undefined): number {
  const level = options?.minimumLevel ?? DEFAULT_MINIMUM_LEVEL;
  if (!(level >= 0) || !Number.isFinite(level)) throw new Error(`invalid minimumLevel: ${level}`);
  return level;
}

/**
 * Whether a series has no variation to read: every value the same (all zeros included), or no
 * values at all. Such a series can never show an improvement.
 *
 * @example
 * isFlatOrAllZero([0, 0, 0]); // => true
 * isFlatOrAllZero([4, 4, 5]); // => false
 */
export function isFlatOrAllZero(values: readonly number[]): boolean {
  for (let index = 1; index < values.length; index++) if (values[index] !== values[0]) return false;
  return true;
}

/** The median magnitude of the `count` values before `index`. */
function typicalBefore(values: readonly number[], index: number, count: number): number {
  return median(values.slice(index - count, index).map(Math.abs));
}

/**
 * Where a series reaches zero in one step after a sustained run of non-zero values: the indices of
 * every zero whose previous `sustainedRun` values are all non-zero, the last of them still at least
 * half the run's typical size (the median of its absolute values). A series that dwindles — 30, 20,
 * 10, 5, 2, 0 — reaches zero gradually, not in one step.
 */
function dropsToZero(values: readonly number[], sustainedRun: number): number[] {
  const found: number[] = [];
  let nonZeroRun = 0;
  for (let index = 0; index < values.length; index++) {
    if (values[index] === 0) {
      if (
        nonZeroRun >= sustainedRun &&
        Math.abs(values[index - 1]) >= typicalBefore(values, index, sustainedRun) / 2
      )
        found.push(index);
      nonZeroRun = 0;
    } else nonZeroRun++;
  }
  return found;
}

/**
 * Whether a series reaches zero in a single step after a sustained run (`sustainedRun`, default 6)
 * of non-zero values, from a value at least half the run's typical size. Such a fall is a question
 * about the data (a stopped return, a changed definition), never an improvement, whatever the size
 * of the numbers.
 *
 * @example
 * reachesZeroInOneStep([12, 9, 11, 10, 13, 12, 0]); // => true
 * reachesZeroInOneStep([12, 6, 3, 1, 0]); // => false (not a sustained run before the zero)
 */
export function reachesZeroInOneStep(values: readonly number[], options?: DataQualityOptions): boolean {
  return dropsToZero(values, sustainedRunOf(options)).length > 0;
}

/** The larger of a/b and b/a for two numbers of the same sign, or Infinity when they differ in sign. */
function ratioApart(a: number, b: number): number {
  if (a === 0 || b === 0) return Number.POSITIVE_INFINITY;
  if (Math.sign(a) !== Math.sign(b)) return Number.POSITIVE_INFINITY;
  const ratio = Math.abs(a) / Math.abs(b);
  return ratio >= 1 ? ratio : 1 / ratio;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/**
 * The questions a series raises about its data, in date order:
 * - `out_of_range`: a value below `bounds.min` or above `bounds.max`;
 * - `drop_to_zero`: a zero straight after a sustained run (`sustainedRun`, default 6) of non-zero
 *   values (`reachesZeroInOneStep`);
 * - `implausible_jump`: after a sustained run of non-zero values of one sign, a value at least
 *   `jumpFactor` (default 10) times larger or smaller than both the point before it and the median of
 *   the `sustainedRun` values before it. Only the step into a new level is questioned, not every point
 *   after it.
 * A drop to zero or a jump is asked about only when the values before it are typically at least
 * `minimumLevel` (default 10), or the jump reaches it: small counts reach zero, or move tenfold, by
 * ordinary variation. Points are read in date order whatever their input order; non-finite values are
 * skipped.
 *
 * @example
 * dataQuestions([{ date: '2025-01-01', value: 40 }, …, { date: '2025-07-01', value: 0 }]);
 * // => [{ kind: 'drop_to_zero', date: '2025-07-01', detail: 'The value fell to 0 in one step …' }]
 */
export function dataQuestions(
  points: readonly { date: string; value: number }[],
  bounds?: ValueBounds,
  options?: DataQualityOptions,
): DataQuestion[] {
  const sustainedRun = sustainedRunOf(options);
  const jumpFactor = jumpFactorOf(options);
  const minimumLevel = minimumLevelOf(options);
  const ordered = points
    .filter((point) => Number.isFinite(point.value))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const values = ordered.map((point) => point.value);
  const questions: DataQuestion[] = [];
  const zeros = new Set(dropsToZero(values, sustainedRun));
  let run = 0;
  let nonZeroRun = 0;
  for (let index = 0; index < ordered.length; index++) {
    const { date, value } = ordered[index];
    if (bounds?.min !== undefined && value < bounds.min)
      questions.push({
        kind: 'out_of_range',
        date,
        detail: `${formatNumber(value)} is below the lowest value this measure can take (${formatNumber(bounds.min)}).`,
      });
    else if (bounds?.max !== undefined && value > bounds.max)
      questions.push({
        kind: 'out_of_range',
        date,
        detail: `${formatNumber(value)} is above the highest value this measure can take (${formatNumber(bounds.max)}).`,
      });
    if (zeros.has(index)) {
      if (typicalBefore(values, index, sustainedRun) >= minimumLevel)
        questions.push({
          kind: 'drop_to_zero',
          date,
          detail: `The value fell to 0 in one step after ${nonZeroRun} non-zero values in a row (the last was ${formatNumber(values[index - 1])}).`,
        });
    } else if (value !== 0 && run >= sustainedRun && ratioApart(value, values[index - 1]) >= jumpFactor) {
      const previous = values[index - 1];
      const runMedian = median(values.slice(index - sustainedRun, index));
      const typical = typicalBefore(values, index, sustainedRun);
      if (ratioApart(value, runMedian) >= jumpFactor && Math.max(Math.abs(value), typical) >= minimumLevel)
        questions.push({
          kind: 'implausible_jump',
          date,
          detail: `${formatNumber(value)} is at least ${formatNumber(jumpFactor)} times ${Math.abs(value) > Math.abs(runMedian) ? 'larger' : 'smaller'} than the value before it (${formatNumber(previous)}) and the typical value of the ${sustainedRun} before it (${formatNumber(runMedian)}).`,
        });
    }
    // a run is of non-zero values of one sign
    nonZeroRun = value === 0 ? 0 : nonZeroRun + 1;
    if (value === 0) run = 0;
    else if (index > 0 && run > 0 && Math.sign(values[index - 1]) !== Math.sign(value)) run = 1;
    else run++;
  }
  return questions;
}
