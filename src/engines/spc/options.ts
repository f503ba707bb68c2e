import type { DirectionSign } from './codes.ts';

/** Whether higher values are better (`increase`), lower values are better (`decrease`), or neither. */
export type ImprovementDirection = 'increase' | 'decrease' | 'neutral';

/** How a point flagged as both improvement and concern by different rules is resolved. */
export type ConflictResolution = 'precedence' | 'improvement' | 'concern';

/**
 * Options of an XmR ("plot the dots") calculation. Every point on which the reference
 * implementations disagree is an option here; each default is the behaviour of
 * NHSRplotthedots 0.2.2, so a call with no options reproduces that package.
 */
export interface SpcOptions {
  /** Default improvement direction of every series (a series may override it). Default `'increase'`. */
  improvementDirection?: ImprovementDirection;
  /**
   * Fix the centre line and limits on the first N rows of each rebase group (rows with a missing
   * value still take a slot, as in NHSRplotthedots). `null` (the default) uses every row.
   * Making Data Count recommends at least 12; smaller values give a `fix-after-too-few` warning.
   */
  fixAfterPoints?: number | null;
  /** Multiplier of the average moving range giving the process limits. Default 2.66; 3/1.128 for PowerBI-SPC parity. */
  sigmaConstant?: number;
  /** Leave out moving ranges of 3.267 × AMR or more before recomputing the AMR. Default `true`; the MDC Excel tool uses `false`. */
  screenMovingRanges?: boolean;
  /** Keep moving ranges equal to 3.267 × AMR when screening (`≤`, MDC SQL) instead of only smaller ones (`<`). Default `false`. */
  screenInclusive?: boolean;
  /** When screening, also leave the points whose moving range was screened out of the mean (MDC SQL). Default `false`. */
  recomputeMeanWhenScreening?: boolean;
  /** Points in a row on one side of the mean that make a shift. Default 7. */
  shiftPoints?: number;
  /** Points in a row, each higher (or lower) than the one before, that make a trend. Default 7. */
  trendPoints?: number;
  /** Let a trend run across a rebase (MDC SQL) instead of restarting in each rebase group. Default `false`. */
  trendAcrossRebase?: boolean;
  /** Count points beyond the process limits towards two-in-three, as MDC has since November 2023. Default `false`. */
  twoInThreeIncludeBeyondLimits?: boolean;
  /** `'precedence'` (NHSRplotthedots: the first rule in precedence order decides) or MDC's preference for one side. */
  conflictResolution?: ConflictResolution;
  /** Compare the target with the limits inclusively (`≥`/`≤`, MDC SQL) rather than strictly. Default `false`. */
  assuranceInclusive?: boolean;
  /** Rebase groups with fewer rows than this carry a short-group ("trial limits") warning. Default 13. */
  minimumPointsWarning?: number;
  /**
   * Rebase groups with fewer values than this get no process limits: they are returned as a run
   * chart around the median, with no special-cause signals and no icons. Default 2, the least
   * NHSRplotthedots calculates from; MDC's SQL uses 15.
   */
  minimumPoints?: number;
}

/** Options with every default filled in and every value checked. */
export interface ResolvedSpcOptions {
  readonly improvementDirection: ImprovementDirection;
  readonly fixAfterPoints: number | null;
  readonly sigmaConstant: number;
  readonly screenMovingRanges: boolean;
  readonly screenInclusive: boolean;
  readonly recomputeMeanWhenScreening: boolean;
  readonly shiftPoints: number;
  readonly trendPoints: number;
  readonly trendAcrossRebase: boolean;
  readonly twoInThreeIncludeBeyondLimits: boolean;
  readonly conflictResolution: ConflictResolution;
  readonly assuranceInclusive: boolean;
  readonly minimumPointsWarning: number;
  readonly minimumPoints: number;
}

/** The defaults: NHSRplotthedots 0.2.2. */
export const defaultSpcOptions: ResolvedSpcOptions = Object.freeze({
  improvementDirection: 'increase',
  fixAfterPoints: null,
  sigmaConstant: 2.66,
  screenMovingRanges: true,
  screenInclusive: false,
  recomputeMeanWhenScreening: false,
  shiftPoints: 7,
  trendPoints: 7,
  trendAcrossRebase: false,
  twoInThreeIncludeBeyondLimits: false,
  conflictResolution: 'precedence',
  assuranceInclusive: false,
  minimumPointsWarning: 13,
  minimumPoints: 2,
});

/** The screening threshold: moving ranges of this many AMRs or more are screened out (3.267 = D4 for n = 2). */
export const movingRangeScreeningFactor = 3.267;

/** Making Data Count's recommended least number of points to fix limits on. */
export const recommendedFixAfterPoints = 12;

const improvementDirections: readonly ImprovementDirection[] = ['increase', 'decrease', 'neutral'];
const conflictResolutions: readonly ConflictResolution[] = ['precedence', 'improvement', 'concern'];

/**
 * Fills in defaults and checks every option once, at the door, so the engine can trust them.
 * Throws `invalid <option>: <value>` for a value of the wrong type or out of range.
 *
 * @example
 * resolveSpcOptions({ improvementDirection: 'decrease' }).shiftPoints; // => 7
 */
export function resolveSpcOptions(options: SpcOptions = {}): ResolvedSpcOptions {
  if (options === null || typeof options !== 'object') throw new Error(`invalid options: ${String(options)}`);
  const resolved: ResolvedSpcOptions = {
    improvementDirection: keyword(
      'improvementDirection',
      options.improvementDirection,
      improvementDirections,
      defaultSpcOptions.improvementDirection,
    ),
    fixAfterPoints:
      options.fixAfterPoints == null ? null : integerAtLeast('fixAfterPoints', options.fixAfterPoints, 1),
    sigmaConstant: positiveNumber('sigmaConstant', options.sigmaConstant, defaultSpcOptions.sigmaConstant),
    screenMovingRanges: flag(
      'screenMovingRanges',
      options.screenMovingRanges,
      defaultSpcOptions.screenMovingRanges,
    ),
    screenInclusive: flag('screenInclusive', options.screenInclusive, defaultSpcOptions.screenInclusive),
    recomputeMeanWhenScreening: flag(
      'recomputeMeanWhenScreening',
      options.recomputeMeanWhenScreening,
      defaultSpcOptions.recomputeMeanWhenScreening,
    ),
    shiftPoints: integerAtLeast('shiftPoints', options.shiftPoints ?? defaultSpcOptions.shiftPoints, 2),
    trendPoints: integerAtLeast('trendPoints', options.trendPoints ?? defaultSpcOptions.trendPoints, 2),
    trendAcrossRebase: flag(
      'trendAcrossRebase',
      options.trendAcrossRebase,
      defaultSpcOptions.trendAcrossRebase,
    ),
    twoInThreeIncludeBeyondLimits: flag(
      'twoInThreeIncludeBeyondLimits',
      options.twoInThreeIncludeBeyondLimits,
      defaultSpcOptions.twoInThreeIncludeBeyondLimits,
    ),
    conflictResolution: keyword(
      'conflictResolution',
      options.conflictResolution,
      conflictResolutions,
      defaultSpcOptions.conflictResolution,
    ),
    assuranceInclusive: flag(
      'assuranceInclusive',
      options.assuranceInclusive,
      defaultSpcOptions.assuranceInclusive,
    ),
    minimumPointsWarning: integerAtLeast(
      'minimumPointsWarning',
      options.minimumPointsWarning ?? defaultSpcOptions.minimumPointsWarning,
      0,
    ),
    minimumPoints: integerAtLeast(
      'minimumPoints',
      options.minimumPoints ?? defaultSpcOptions.minimumPoints,
      2,
    ),
  };
  return Object.freeze(resolved);
}

/** The improvement direction as +1, −1 or 0. */
export function directionSign(direction: ImprovementDirection): DirectionSign {
  return direction === 'increase' ? 1 : direction === 'decrease' ? -1 : 0;
}

/** Checks an improvement direction given for one series. */
export function checkImprovementDirection(name: string, value: unknown): ImprovementDirection {
  return keyword(name, value, improvementDirections, defaultSpcOptions.improvementDirection);
}

function keyword<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`invalid ${name}: ${String(value)}`);
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new Error(`invalid ${name}: ${String(value)}`);
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new Error(`invalid ${name}: ${String(value)}`);
}

function integerAtLeast(name: string, value: unknown, least: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= least) return value;
  throw new Error(`invalid ${name}: ${String(value)}`);
}
