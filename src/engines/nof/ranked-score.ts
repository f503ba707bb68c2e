import { competitionRanks } from '../stats/competition-rank.ts';
import { percentRank } from '../stats/percentile-rank.ts';
import type { Direction, MetricScoring } from './types.ts';

export type RankedScoring = Extract<MetricScoring, { kind: 'ranked' }>;

/** One organisation's entry in a ranked set. */
export interface RankedEntry {
  readonly value: number;
  /**
   * Orders values that tie as held (NHS England ranks unrounded values but publishes them to
   * 2 d.p.); lower is better. Used only when every ranked entry has one.
   */
  readonly tieBreak: number | null;
}

export interface RankedScore {
  /** Unrounded score, 1.00 (best) to 4.00 (worst). */
  readonly score: number;
  /** Competition rank within the ranked organisations, or null for a fixed score. */
  readonly rank: number | null;
  /** How many organisations were ranked (those neither meeting a standard nor failing a floor). */
  readonly rankedCount: number;
  readonly fixed: 'meets-standard' | 'fails-floor' | null;
}

/** The bookends of the ranked scores for each case of the standard ranking model. */
export function rankedBookends(scoring: RankedScoring): { readonly best: number; readonly worst: number } {
  if (scoring.case === 'standard') return { best: 2, worst: 4 };
  if (scoring.case === 'floor') return { best: 1, worst: 3 };
  return { best: 1, worst: 4 };
}

/** True when a value meets the standard (case B), for the metric's direction. */
export function meetsStandard(value: number, standard: number, direction: Direction): boolean {
  return direction === 'higher-is-better' ? value >= standard : value <= standard;
}

/** True when a value fails the floor (case C), for the metric's direction. */
export function failsFloor(value: number, floor: number, direction: Direction): boolean {
  return direction === 'higher-is-better' ? value < floor : value > floor;
}

/**
 * NHS England's standard ranking model for a continuous metric (NOF 2025/26 methodology
 * manual, "metric scoring"): organisations are ranked best to worst and their scores spread
 * evenly between two bookends by percent rank, `best + (worst − best) × (r − 1) / (M − 1)`,
 * where `r` is the competition rank (ties share the best place in their group) and `M` the
 * number ranked.
 *
 * - Case A, no standard or floor: everyone is ranked, 1.00 to 4.00.
 * - Case B, a standard: everyone meeting it scores 1.00; the rest are ranked 2.00 to 4.00.
 * - Case C, a floor: everyone failing it scores 4.00; the rest are ranked 1.00 to 3.00.
 *
 * The formula is inferred from the manual's wording and verified on the 2025/26 data: it
 * reproduces every published staff-survey score of the 61 mental health and community trusts.
 * Scores are returned unrounded; NHS England publishes them to 2 d.p. A single ranked
 * organisation gets the best bookend.
 *
 * @param entries one per organisation with a value; not changed
 * @param direction which way is better
 * @param scoring the metric's case
 * @returns one score per entry, in the input order
 * @example
 * scoreRanked([{ value: 7.4, tieBreak: null }, { value: 6.9, tieBreak: null }, { value: 7.1, tieBreak: null }],
 *   'higher-is-better', { kind: 'ranked', case: 'no-standard' }).map((s) => s.score); // => [1, 4, 2.5]
 */
export function scoreRanked(
  entries: readonly RankedEntry[],
  direction: Direction,
  scoring: RankedScoring,
): RankedScore[] {
  const fixed = entries.map(({ value }): RankedScore['fixed'] => {
    if (scoring.case === 'standard' && meetsStandard(value, scoring.standard, direction))
      return 'meets-standard';
    if (scoring.case === 'floor' && failsFloor(value, scoring.floor, direction)) return 'fails-floor';
    return null;
  });
  const rankedIndexes = entries.map((_, index) => index).filter((index) => fixed[index] === null);
  const useTieBreak = rankedIndexes.every((index) => entries[index].tieBreak !== null);
  const sign = direction === 'higher-is-better' ? -1 : 1;
  const ranks = competitionRanks(rankedIndexes, (left, right) => {
    const byValue = sign * (entries[left].value - entries[right].value);
    if (byValue !== 0 || !useTieBreak) return byValue;
    return (entries[left].tieBreak as number) - (entries[right].tieBreak as number);
  });
  const { best, worst } = rankedBookends(scoring);
  const rankedCount = rankedIndexes.length;
  const rankByIndex = new Map(rankedIndexes.map((index, position) => [index, ranks[position]]));
  return entries.map((_, index): RankedScore => {
    const fixedAs = fixed[index];
    if (fixedAs !== null)
      return { score: fixedAs === 'meets-standard' ? 1 : 4, rank: null, rankedCount, fixed: fixedAs };
    const rank = rankByIndex.get(index) as number;
    return { score: best + (worst - best) * percentRank(rank, rankedCount), rank, rankedCount, fixed: null };
  });
}
