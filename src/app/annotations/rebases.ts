import type { Kysely } from 'kysely';
import { rebasesOfMetric, type SeriesRebase, seriesRebases } from '../../store/repos/annotation-repo.ts';
import type { Database } from '../../store/tables.ts';

/**
 * The rebases recorded for stored series (rebase annotations in force, from `series_config`), as the
 * SPC engine takes them: every chart of stored data applies them.
 */

export type { SeriesRebase };

/** storedRebases: one organisation × metric series' rebases, oldest first, with their reasons. */
export function storedRebases(
  db: Kysely<Database>,
  orgCode: string,
  metricId: string,
): Promise<SeriesRebase[]> {
  return seriesRebases(db, orgCode.toUpperCase(), metricId);
}

/** storedRebasesOfMetric: every organisation's rebases of one metric, by organisation code. */
export function storedRebasesOfMetric(
  db: Kysely<Database>,
  metricId: string,
): Promise<Map<string, SeriesRebase[]>> {
  return rebasesOfMetric(db, metricId);
}
